/**
 * `overseer run [DIR] [--json]`: runs the workspace's command once, at HEAD, through the same runner code
 * as the daemon; draws a progress bar with the current loss, prints the summary. Exit 0 only if finished.
 */
import { firstGpu } from "../gpu";
import { parseArgs } from "./args";
import { budgetFraction, formatSeconds, formatValue, progressBar } from "../../core/format";
import type { Settings } from "../../core/settings";
import type { SummaryEntry } from "../../core/types";
import { createRun, type RunRow } from "../../db/queries/runs";
import { executeRun, worktreeRemovals } from "../execute-run";
import { dirtyFiles } from "../git";
import { loadWorkspace, registerWorkspace } from "../workspace";
import { openRunnerDb } from "./open-db";

export async function runCommand(args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: "boolean", default: false }, backend: { type: "string" } }, allowPositionals: true });
  if (values.backend !== undefined && values.backend !== "local" && values.backend !== "slurm") {
    console.error(`overseer run: --backend takes local or slurm, not ${JSON.stringify(values.backend)}`);
    return 2;
  }
  const backend = values.backend as "local" | "slurm" | undefined;
  const loaded = await loadWorkspace(positionals[0] ?? process.cwd());
  if (!loaded.ok) {
    if (values.json) console.log(JSON.stringify({ outcome: null, error: loaded.error }));
    else console.error(`overseer: ${loaded.error}`);
    return 2;
  }
  const wsInfo = loaded.workspace;
  const db = openRunnerDb(settings);
  const ws = registerWorkspace(db, wsInfo, Date.now());
  const dirty = await dirtyFiles(
    wsInfo.repoRoot,
    wsInfo.config.editable.map((f) => (wsInfo.subdir ? `${wsInfo.subdir}/${f}` : f)),
  );
  if (dirty.length && !values.json) console.error(`note: uncommitted changes in ${dirty.join(", ")} are not part of this run: it runs HEAD.`);

  const run = createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() });
  const controller = new AbortController();
  const onSignal = () => controller.abort("cancel");
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const bar = values.json ? null : new TerminalProgress(process.stderr);
  const final = await executeRun(run, ws, {
    db,
    settings,
    // On Slurm the job's GPUs are the cluster's to give (slurm.gpusPerRun), not this machine's.
    gpu: (backend ?? wsInfo.config.backend) === "slurm" ? null : await firstGpu(settings.gpu.nvidiaSmi),
    backend,
    signal: controller.signal,
    onLogEvent: (e, ctx) => {
      if (e.kind === "progress") bar?.update(e.step, e.values, Date.now() - ctx.startedAt, ctx.config.budgetSeconds);
    },
  });
  bar?.done();
  await worktreeRemovals();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  if (values.json) console.log(JSON.stringify(jsonResult(final)));
  else printSummary(final);
  db.$client.close();
  return final.status === "finished" ? 0 : 1;
}

function summaryOf(run: RunRow): Record<string, SummaryEntry> {
  return run.summaryJson ? (JSON.parse(run.summaryJson) as Record<string, SummaryEntry>) : {};
}

function jsonResult(run: RunRow) {
  const summary = Object.fromEntries(Object.values(summaryOf(run)).map((e) => [e.key, e.value ?? e.raw]));
  return {
    runId: run.id,
    outcome: run.status,
    reason: run.reason,
    metric: run.metricName ? { name: run.metricName, value: run.metricValue } : null,
    /** With trusted evaluation: what scored it and what the run printed itself; else null (self-reported). */
    evaluation: run.evaluationJson ? { ...(JSON.parse(run.evaluationJson) as object), reported: run.reportedMetric } : null,
    summary,
    commit: run.commitSha,
    logFile: run.logPath,
    durationSeconds: run.startedAt && run.endedAt ? (run.endedAt - run.startedAt) / 1000 : null,
    logTail: run.logTail,
    /** Why the runtime guards distrust the result (empty when they do not). */
    suspicion: run.suspicion ? run.suspicion.split("\n") : [],
  };
}

function printSummary(run: RunRow): void {
  const entries = Object.values(summaryOf(run));
  const width = Math.max(0, ...entries.map((e) => e.key.length));
  const out = [`run ${run.id} ${run.status}: ${run.reason ?? ""}`];
  if (entries.length) out.push("---", ...entries.map((e) => `${`${e.key}:`.padEnd(width + 2)}${e.raw}`));
  if (run.evaluationJson)
    out.push(
      "",
      `scored by ${(JSON.parse(run.evaluationJson) as { command: string }).command}${run.reportedMetric !== null ? ` (the run reported ${run.reportedMetric})` : ""}: ${run.metricName} ${run.metricValue ?? "none"}`,
    );
  if (run.suspicion) out.push("", "suspicious (a loop would hold its keep for a human):", ...run.suspicion.split("\n").map((l) => `  ${l}`));
  if (run.logTail) out.push("", "last lines of the log:", run.logTail);
  out.push("", `log: ${run.logPath ?? "(none)"}`);
  console.log(out.join("\n"));
}

/** One redrawn line on a terminal; on a pipe, a line every 10% so CI logs stay short. */
class TerminalProgress {
  private lastDecile = -1;
  private loss: number | null = null;
  constructor(private readonly out: NodeJS.WriteStream) {}

  update(step: number, values: Record<string, number>, elapsedMs: number, budgetSeconds: number): void {
    if (values.loss !== undefined) this.loss = values.loss;
    const f = budgetFraction(elapsedMs, budgetSeconds);
    const line = `${progressBar(f, 24)} ${String(Math.round(f * 100)).padStart(3)}%  step ${step}  loss ${formatValue(this.loss)}  ${formatSeconds(elapsedMs)} / ${formatSeconds(budgetSeconds * 1000)}`;
    if (this.out.isTTY) this.out.write(`\r${line}\x1b[K`);
    else if (Math.floor(f * 10) > this.lastDecile) {
      this.lastDecile = Math.floor(f * 10);
      this.out.write(`${line}\n`);
    }
  }

  done(): void {
    if (this.out.isTTY) this.out.write("\n");
  }
}
