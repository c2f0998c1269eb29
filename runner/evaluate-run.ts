/**
 * Trusted evaluation (overseer.json `evaluate`): after training, the workspace's protected command runs as a
 * process of its own, in a sandbox of its own that reads the run's checkout and checkpoint (read-only) and the
 * evaluation's data (which training could not read), and writes only a scratch folder of its own. Nothing the
 * training process left running or wrote elsewhere reaches it. Its summary's metric is the run's score.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { buildChildEnv } from "../core/child-env";
import type { EvaluationOutcome } from "../core/evaluation";
import type { GpuIdentity } from "../core/gpu";
import { LogParser } from "../core/log-parser";
import { decideOutcome } from "../core/outcome";
import type { SummaryEntry } from "../core/types";
import type { WorkspaceConfig } from "../core/workspace-config";
import { readLogTail } from "./log-tail";
import { cacheEnv, gpuEnv, readablePaths, scratchDirs } from "./run-env";
import { handOver, interpreterRoots, type SandboxProbe } from "./sandbox";
import { relayModelServers, SERVER_FDS, type ModelServer, type ServerRole } from "./model-servers";
import { dropPageCache } from "./page-cache";
import { runSandboxed } from "./sandboxed-process";

export interface EvaluationSpec {
  runId: number;
  /** Its cgroup's name (runner/run-env cgroupName). */
  cgroup: string;
  config: WorkspaceConfig & { evaluate: NonNullable<WorkspaceConfig["evaluate"]> };
  /** The run's checkout and the folder under it the command runs in. */
  worktree: string;
  cwd: string;
  checkpointDir: string;
  /** Where its scratch folder and log go (the run's folder). */
  scratchParent: string;
  /** Overseer's data folder and database, closed to it where it runs as another user. */
  dataDir: string;
  dbFile: string;
  logFile: string;
  workspacePath: string;
  probe: SandboxProbe;
  parentEnv: Readonly<Record<string, string | undefined>>;
  gpu: GpuIdentity | null | undefined;
  graceMs: number;
  signal?: AbortSignal;
}

export interface EvaluationRecord {
  outcome: EvaluationOutcome;
  /** For evaluation_json: what ran, its log, how long it took, what it printed. */
  record: { command: string; logPath: string; durationMs: number; summary: Record<string, string>; limits: string; served?: { command: string; logPaths: string[]; pageCache: string } };
}

export async function runEvaluation(s: EvaluationSpec): Promise<EvaluationRecord> {
  const { evaluate } = s.config;
  const label = evaluate.command.join(" ");
  const scratch = scratchDirs(s.scratchParent, "evaluate");
  const env = buildChildEnv(s.parentEnv, s.config.env, {
    OVERSEER_RUN_ID: String(s.runId),
    OVERSEER_CHECKPOINT_DIR: s.checkpointDir,
    ...cacheEnv(scratch),
    ...(s.probe.kind !== "none" ? { HOME: scratch.home } : {}),
    ...gpuEnv(s.gpu),
  });
  const readable = [
    s.worktree,
    s.checkpointDir,
    ...interpreterRoots(evaluate.command[0]!, env.PATH ?? "", s.cwd),
    ...readablePaths([...evaluate.data, ...s.config.sandbox.read, ...s.config.protectedData], env, s.workspacePath),
  ];
  const parser = new LogParser();
  const summary: SummaryEntry[] = [];
  const collect = (events: ReturnType<LogParser["feed"]>) => {
    for (const e of events) if (e.kind === "summary") summary.push({ key: e.key, raw: e.raw, value: e.value });
  };
  handOver(s.probe, { dataDir: s.dataDir, dbFile: s.dbFile, runDir: s.scratchParent, logFile: s.logFile, own: [scratch.root] });
  const serve = evaluate.serve;
  let servers: { close(): Promise<void> } | null = null;
  const cacheNotes = new Set<string>();
  const clearPageCache = async () => {
    const why = await dropPageCache([s.checkpointDir, s.worktree]);
    if (why) cacheNotes.add(why);
  };
  const exit = await runSandboxed({
    name: s.cgroup,
    command: evaluate.command,
    probe: s.probe,
    sandbox: s.config.sandbox,
    // The checkout is read-only to the evaluation: it scores the candidate's code as committed.
    mounts: { readable, writable: [scratch.root] },
    cwd: s.cwd,
    env: serve ? { ...env, OVERSEER_MODEL_FDS: `${SERVER_FDS.score.requests},${SERVER_FDS.score.answers},${SERVER_FDS.check.requests},${SERVER_FDS.check.answers}` } : env,
    ...(serve ? { pipes: { extra: 4 }, onChild: (child) => (servers = relayModelServers(child, (role) => startServer(s, serve, role), s.graceMs, clearPageCache)) } : {}),
    logFile: s.logFile,
    timeoutMs: evaluate.timeoutSeconds * 1000,
    graceMs: s.graceMs,
    signal: s.signal,
    onOutput: (bytes) => collect(parser.feed(bytes)),
    maxLogBytes: s.config.sandbox.maxLogMb * 1024 * 1024,
  });
  await (servers as { close(): Promise<void> } | null)?.close();
  // And nothing the servers saw (the held-out text) is left there for the next run's training to read back.
  if (serve) await clearPageCache();
  collect(parser.end());
  const decided = decideOutcome({
    ...exit,
    maxLogMb: s.config.sandbox.maxLogMb,
    timeoutSeconds: evaluate.timeoutSeconds,
    sawFail: false,
    summaryEntries: summary,
    metricName: s.config.metric.name,
    commandLabel: label,
  });
  const record = {
    command: label,
    logPath: s.logFile,
    durationMs: exit.durationMs,
    summary: Object.fromEntries(summary.map((e) => [e.key, e.raw])),
    limits: exit.limits,
    ...(serve
      ? {
          served: {
            command: serve.join(" "),
            logPaths: (["score", "check"] as const).map((role) => serverLog(s, role)),
            pageCache: cacheNotes.size ? [...cacheNotes].join("; ") : "cleared between the servers and after them",
          },
        }
      : {}),
  };
  if (decided.outcome === "finished" && decided.metricValue !== null) {
    const raw = summary.find((e) => e.key === s.config.metric.name)!.raw;
    return { outcome: { ok: true, value: decided.metricValue, raw }, record };
  }
  const tails = [s.logFile, ...(serve ? (["score", "check"] as const).map((role) => serverLog(s, role)) : [])].flatMap((f) => {
    const tail = readLogTail(f, 20);
    return tail ? [`${path.basename(f)}:\n${tail}`] : [];
  });
  return { outcome: { ok: false, reason: [exit.overMemory ? "it went over sandbox.maxMemoryMb" : decided.reason, ...tails].join("\n") }, record };
}

const serverLog = (s: EvaluationSpec, role: ServerRole) => path.join(path.dirname(s.logFile), `serve-${role}.log`);

/**
 * One server of the candidate's model (runner/model-servers.ts): sandboxed like training, with the run's
 * checkout and checkpoint and the protected data, never the training data or the evaluation's; a scratch
 * folder of its own.
 */
function startServer(s: EvaluationSpec, command: readonly string[], role: ServerRole): ModelServer {
  const scratch = scratchDirs(s.scratchParent, `serve-${role}`);
  const env = buildChildEnv(s.parentEnv, s.config.env, {
    OVERSEER_RUN_ID: String(s.runId),
    OVERSEER_CHECKPOINT_DIR: s.checkpointDir,
    OVERSEER_SERVE_ROLE: role,
    ...cacheEnv(scratch),
    ...(s.probe.kind !== "none" ? { HOME: scratch.home } : {}),
    ...gpuEnv(s.gpu),
  });
  const mounts = {
    // Not the training data (sandbox.read): a server that could read it could go on training before it answers.
    readable: [s.worktree, s.checkpointDir, ...interpreterRoots(command[0]!, env.PATH ?? "", s.cwd), ...readablePaths(s.config.protectedData, env, s.workspacePath)],
    writable: [scratch.root],
    hidden: readablePaths(s.config.evaluate.data, env, s.workspacePath),
  };
  handOver(s.probe, { dataDir: s.dataDir, dbFile: s.dbFile, runDir: s.scratchParent, logFile: serverLog(s, role), own: [scratch.root] });
  const controller = new AbortController();
  const stopOuter = () => controller.abort();
  s.signal?.addEventListener("abort", stopOuter, { once: true });
  let child: ChildProcess | null = null;
  const exited = runSandboxed({
    name: `${s.cgroup}-${role}`,
    command,
    probe: s.probe,
    sandbox: s.config.sandbox,
    mounts,
    cwd: s.cwd,
    env,
    logFile: serverLog(s, role),
    timeoutMs: (s.config.evaluate.serveSeconds ?? s.config.evaluate.timeoutSeconds) * 1000,
    graceMs: s.graceMs,
    signal: controller.signal,
    onOutput: () => {},
    maxLogBytes: s.config.sandbox.maxLogMb * 1024 * 1024,
    pipes: { stdio: true },
    onChild: (c) => (child = c),
  }).then((exit) => {
    s.signal?.removeEventListener("abort", stopOuter);
    if (exit.timedOut)
      fs.appendFileSync(serverLog(s, role), `\noverseer: the ${role} server was stopped after evaluate.serveSeconds (${s.config.evaluate.serveSeconds ?? s.config.evaluate.timeoutSeconds} s)\n`);
  });
  // runSandboxed starts the process before it first waits: a server that could not start answers nothing.
  const started = child as ChildProcess | null;
  const stdin = started?.stdin ?? new PassThrough();
  const stdout = started?.stdout ?? Readable.from([]);
  return { stdin, stdout, exited, stop: () => (controller.abort(), exited) };
}
