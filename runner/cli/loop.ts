/**
 * `overseer loop [DIR] --proposer mutate --experiments N`: the research loop, headless, a line per
 * experiment and a summary at the end. Ctrl-C leaves the session resumable (`--resume SESSION`).
 * Exits non-zero if the loop could not run at all, or its baseline failed.
 */
import { parseArgs } from "./args";
import { formatSeconds, formatValue, loopProgressLine } from "../../core/format";
import { dutyCycle, sessionStats } from "../../core/session-stats";
import { sessionOptionsSchema, type SessionOptions } from "../../core/session-options";
import { limitBlockingResume, type LimitMet } from "../../core/stop-conditions";
import type { Settings } from "../../core/settings";
import { describeApiTotals } from "../../core/claude/api-totals";
import { apiCallTotals } from "../../db/queries/api-calls";
import { listExperiments, listExperimentsInStatuses } from "../../db/queries/experiments";
import { latestPoint } from "../../db/queries/metrics";
import { getRun } from "../../db/queries/runs";
import { workspaceConfigSchema } from "../../core/workspace-config";
import { getSession, sessionOptions, updateSession, type SessionRow } from "../../db/queries/sessions";
import { getWorkspace } from "../../db/queries/workspaces";
import type { Db } from "../../db/open";
import { drivenElsewhere, runSession, SessionDriven } from "../loop/engine";
import { driverAlive } from "../process-identity";
import { exportPath } from "../../core/export-files";
import { startSession } from "../loop/start-session";
import { createProposer } from "../proposers";
import { loadWorkspace, registerWorkspace } from "../workspace";
import { createReviewer } from "../reviewer";
import { openRunnerDb } from "./open-db";
import { probeSandbox } from "../sandbox";
import { startAlerts } from "../alerts";

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

const FLAGS: Record<string, string> = {
  proposer: "--proposer",
  approve: "--approve",
  maxExperiments: "--experiments",
  baselineRuns: "--baseline-runs",
  seed: "--seed",
  plateau: "--plateau",
  maxCostUsd: "--max-cost",
  maxWallSeconds: "--max-minutes",
  maxRunsPerCandidate: "--runs-per-candidate",
  withinNoise: "--within-noise",
  requireSandbox: "--require-sandbox",
  reviewer: "--reviewer",
  gpus: "--gpus",
  backend: "--backend",
  model: "--model",
  effort: "--effort",
  maxToolCalls: "--max-tool-calls",
  maxProposalCostUsd: "--max-proposal-cost",
  maxWaiting: "--max-waiting",
};

export async function loopCommand(args: string[], settings: Settings): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      proposer: { type: "string" },
      backend: { type: "string" },
      experiments: { type: "string" },
      approve: { type: "string" },
      tag: { type: "string" },
      "baseline-runs": { type: "string" },
      seed: { type: "string" },
      plateau: { type: "string" },
      "max-cost": { type: "string" },
      "max-minutes": { type: "string" },
      "runs-per-candidate": { type: "string" },
      "within-noise": { type: "string" },
      resume: { type: "string" },
      "require-sandbox": { type: "boolean" },
      "allow-unsandboxed": { type: "boolean" },
      reviewer: { type: "string" },
      gpus: { type: "string" },
      model: { type: "string" },
      effort: { type: "string" },
      "max-tool-calls": { type: "string" },
      "max-proposal-cost": { type: "string" },
      "max-waiting": { type: "string" },
    },
  });
  const db = openRunnerDb(settings);
  try {
    const session = v.resume ? resumeTarget(db, Number(v.resume), v) : await newSession(db, settings, positionals[0] ?? process.cwd(), v);
    if (typeof session === "string") {
      console.error(`overseer: ${session}`);
      return 2;
    }
    const ws = getWorkspace(db, session.workspaceId)!;
    console.log(`session ${session.id} on ${ws.name}, branch ${session.branch}, proposer ${session.proposer}`);
    const sandbox = await probeSandbox();
    const options = sessionOptions(session);
    if (!sandbox.available)
      console.log(
        `runs are NOT sandboxed (${sandbox.detail.replace(/^unavailable: /, "")}): ${options.requireSandbox ? "every candidate waits for your approval (--allow-unsandboxed runs them unattended)" : "candidates run unattended, as --allow-unsandboxed asked"}`,
      );
    const controller = new AbortController();
    const onSignal = () => {
      console.log(`\nstopping; resume with: overseer loop --resume ${session.id}`);
      controller.abort("shutdown");
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let final: SessionRow;
    const progress = liveProgress(db, session.id, ws.configJson);
    const log = (l: string) => {
      progress.clear();
      console.log(l);
    };
    const alerts = startAlerts(db, settings, { sessions: (s) => s.id === session.id, log });
    try {
      final = await runSession(session.id, {
        db,
        settings,
        proposer: createProposer(sessionOptions(session), settings, log),
        log,
        signal: controller.signal,
        exitOnAutoPause: true,
      });
    } catch (e) {
      if (!(e instanceof SessionDriven)) throw e;
      console.error(`overseer: ${e.message}`);
      return 2;
    } finally {
      progress.stop();
      await alerts.stop(); // the session's last alerts (its end, a new best) go out before the process does
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    printSummary(db, settings, final);
    if (final.status === "paused") console.log(`resume with: overseer loop --resume ${final.id}`);
    return final.status === "failed" || final.status === "paused" ? 1 : 0;
  } finally {
    db.$client.close();
  }
}

/** The flag that raises each limit, with a value past the one reached. */
const RAISE_FLAG: Record<LimitMet["option"], (o: SessionOptions) => string> = {
  maxExperiments: (o) => `--experiments ${(o.maxExperiments ?? 0) * 2}`,
  maxWallSeconds: (o) => `--max-minutes ${Math.ceil(((o.maxWallSeconds ?? 0) * 2) / 60)}`,
  maxCostUsd: (o) => `--max-cost ${(o.maxCostUsd ?? 0) * 2}`,
  plateau: (o) => `--plateau ${(o.plateau ?? 0) * 2}`,
};

/** The session to resume; its limits may be raised on the way (--experiments, --max-minutes, --max-cost, --plateau). */
function resumeTarget(db: Db, id: number, v: Record<string, string | boolean | undefined>): SessionRow | string {
  const s = getSession(db, id);
  if (!s) return `session ${id} does not exist`;
  if (s.driver && driverAlive(s.driver)) return drivenElsewhere(id, s.driver);
  if (s.origin === "import") return `session ${id} was imported from autoresearch and is a record: start a new session on it with overseer loop ${getWorkspace(db, s.workspaceId)!.path}`;
  const raised = {
    ...(v.experiments !== undefined ? { maxExperiments: Number(v.experiments) } : {}),
    ...(v["max-minutes"] !== undefined ? { maxWallSeconds: Number(v["max-minutes"]) * 60 } : {}),
    ...(v["max-cost"] !== undefined ? { maxCostUsd: Number(v["max-cost"]) } : {}),
    ...(v.plateau !== undefined ? { plateau: Number(v.plateau) } : {}),
  };
  const options = sessionOptionsSchema.safeParse({ ...sessionOptions(s), ...raised });
  if (!options.success) return `bad option: ${options.error.issues.map((i) => `${FLAGS[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join("; ")}`;
  if (s.status !== "running" && s.status !== "paused") {
    // A session that reached a limit would end again at once: say which to raise instead.
    const limit = limitBlockingResume(options.data, s, listExperiments(db, id), Date.now());
    if (limit) return `session ${id} ${limit.reason}: raise the limit to resume it, as in overseer loop --resume ${id} ${RAISE_FLAG[limit.option](options.data)}`;
  }
  if (Object.keys(raised).length) updateSession(db, id, { optionsJson: JSON.stringify(options.data) }, Date.now());
  return getSession(db, id)!;
}

async function newSession(db: Db, settings: Settings, dir: string, v: Record<string, string | boolean | undefined>): Promise<SessionRow | string> {
  const parsed = sessionOptionsSchema.safeParse({
    proposer: v.proposer ?? (settings.anthropic.apiKey ? "claude" : "mutate"),
    approve: v.approve,
    maxExperiments: num(v.experiments as string | undefined),
    baselineRuns: num(v["baseline-runs"] as string | undefined),
    seed: num(v.seed as string | undefined),
    plateau: num(v.plateau as string | undefined),
    maxCostUsd: num(v["max-cost"] as string | undefined),
    maxWallSeconds: v["max-minutes"] === undefined ? undefined : Number(v["max-minutes"]) * 60,
    maxRunsPerCandidate: num(v["runs-per-candidate"] as string | undefined),
    withinNoise: v["within-noise"],
    requireSandbox: v["allow-unsandboxed"] ? false : v["require-sandbox"],
    reviewer: v.reviewer,
    model: v.model,
    effort: v.effort === "default" ? null : v.effort,
    maxToolCalls: num(v["max-tool-calls"] as string | undefined),
    maxProposalCostUsd: num(v["max-proposal-cost"] as string | undefined),
    maxWaiting: num(v["max-waiting"] as string | undefined),
    backend: v.backend,
    gpus:
      v.gpus === undefined
        ? undefined
        : String(v.gpus)
            .split(",")
            .map((g) => (/^\s*\d+\s*$/.test(g) ? Number(g) : g)),
  });
  if (!parsed.success) return `bad option: ${parsed.error.issues.map((i) => `${FLAGS[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join("; ")}`;
  try {
    createProposer(parsed.data, settings); // fail before a branch is made
    createReviewer(parsed.data, settings);
  } catch (e) {
    return (e as Error).message;
  }
  const loaded = await loadWorkspace(dir);
  if (!loaded.ok) return loaded.error;
  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  const started = await startSession(db, ws, { tag: v.tag as string | undefined, options: parsed.data, origin: "cli" });
  return started.ok ? started.session : started.error;
}

function printSummary(db: Db, settings: Settings, s: SessionRow): void {
  const st = sessionStats(listExperiments(db, s.id), s.bestValue);
  const wall = (s.endedAt ?? Date.now()) - s.createdAt;
  const gpus = s.gpusJson ? (JSON.parse(s.gpusJson) as unknown[]).length : 1;
  console.log(
    [
      "",
      `session ${s.id} ${s.status}: ${s.stopReason ?? ""}`,
      `experiments ${st.proposals} · kept ${st.kept} · discarded ${st.discarded} · crashed ${st.crashed} · keep rate ${Math.round(100 * (st.keepRate ?? 0))}%`,
      `baseline ${formatValue(st.baseline)} → best ${formatValue(s.bestValue)}${st.gain !== null && st.gainPercent !== null ? ` (${st.gain >= 0 ? "−" : "+"}${formatValue(Math.abs(st.gain))}, ${st.gainPercent.toFixed(2)}%)` : ""}`,
      `GPU duty cycle ${(100 * (dutyCycle(s.trainingMs, wall, gpus) ?? 0)).toFixed(1)}% (${formatSeconds(s.trainingMs)} training in ${formatSeconds(wall)}${gpus > 1 ? ` on ${gpus} GPUs` : ""})`,
      ...apiLine(db, s),
      `branch ${s.branch} · results ${exportPath(settings.dataDir, s.id, "tsv")}`,
    ].join("\n"),
  );
}

/** Calls, tokens, the cache's share of the input and the cost, when the session called the API at all. */
function apiLine(db: Db, s: SessionRow): string[] {
  const t = apiCallTotals(db, { sessionId: s.id });
  return t.calls === 0 ? [] : [`API ${describeApiTotals(t)}`];
}

/**
 * On a terminal, a line redrawn every second under the log, as `run` draws one: the experiment running, its budget,
 * step and loss, and the best so far. Nothing on a pipe (CI logs keep the log lines only).
 */
function liveProgress(db: Db, sessionId: number, configJson: string | null): { clear(): void; stop(): void } {
  if (!process.stdout.isTTY) return { clear() {}, stop() {} };
  const config = workspaceConfigSchema.safeParse(JSON.parse(configJson ?? "{}"));
  const budgetSeconds = config.success ? config.data.budgetSeconds : 300;
  const metricName = config.success ? config.data.metric.name : "val_bpb";
  let shown = false;
  const clear = () => {
    if (shown) process.stdout.write("\r\x1b[K");
    shown = false;
  };
  const draw = () => {
    const s = getSession(db, sessionId);
    const lines = listExperimentsInStatuses(db, sessionId, ["running"]).flatMap((e) => {
      const runId = (JSON.parse(e.runIdsJson) as number[]).at(-1);
      const run = runId === undefined ? undefined : getRun(db, runId);
      if (run?.status !== "running" || !run.startedAt) return [];
      const loss = latestPoint(db, run.id, "loss");
      return [
        loopProgressLine({ idx: e.idx, elapsedMs: Date.now() - run.startedAt, budgetSeconds, step: loss?.step ?? run.lastStep, loss: loss?.value ?? null, best: s?.bestValue ?? null, metricName }),
      ];
    });
    clear();
    if (lines.length === 0) return;
    process.stdout.write(lines.join("   ").slice(0, Math.max(20, (process.stdout.columns || 120) - 1)));
    shown = true;
  };
  const timer = setInterval(() => {
    try {
      draw();
    } catch {
      // a locked database skips a frame
    }
  }, 1000);
  timer.unref();
  return {
    clear,
    stop() {
      clearInterval(timer);
      clear();
    },
  };
}
