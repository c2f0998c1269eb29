/**
 * Trusted evaluation (overseer.json `evaluate`): after training, the workspace's protected command runs as a
 * process of its own, in a sandbox of its own that reads the run's checkout and checkpoint (read-only) and the
 * evaluation's data (which training could not read), and writes only a scratch folder of its own. Nothing the
 * training process left running or wrote elsewhere reaches it. Its summary's metric is the run's score.
 */
import path from "node:path";
import { buildChildEnv } from "../core/child-env";
import type { EvaluationOutcome } from "../core/evaluation";
import type { GpuIdentity } from "../core/gpu";
import { LogParser } from "../core/log-parser";
import { decideOutcome } from "../core/outcome";
import type { SummaryEntry } from "../core/types";
import type { WorkspaceConfig } from "../core/workspace-config";
import { readLogTail } from "./log-tail";
import { cacheEnv, gpuEnv, readablePath, scratchDirs } from "./run-env";
import { handOver, interpreterRoots, type SandboxProbe } from "./sandbox";
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
  record: { command: string; logPath: string; durationMs: number; summary: Record<string, string>; limits: string };
}

export async function runEvaluation(s: EvaluationSpec): Promise<EvaluationRecord> {
  const { evaluate } = s.config;
  const label = evaluate.command.join(" ");
  const scratch = scratchDirs(s.scratchParent, "evaluate");
  const env = buildChildEnv(s.parentEnv, s.config.env, { OVERSEER_RUN_ID: String(s.runId), OVERSEER_CHECKPOINT_DIR: s.checkpointDir, ...cacheEnv(scratch), ...(s.probe.kind !== "none" ? { HOME: scratch.home } : {}), ...gpuEnv(s.gpu) });
  const readable = [s.worktree, s.checkpointDir, ...interpreterRoots(evaluate.command[0]!, env.PATH ?? "", s.cwd), ...[...evaluate.data, ...s.config.sandbox.read, ...s.config.protectedData].flatMap((p) => readablePath(p, env, s.workspacePath))];
  const parser = new LogParser();
  const summary: SummaryEntry[] = [];
  const collect = (events: ReturnType<LogParser["feed"]>) => {
    for (const e of events) if (e.kind === "summary") summary.push({ key: e.key, raw: e.raw, value: e.value });
  };
  handOver(s.probe, { dataDir: s.dataDir, dbFile: s.dbFile, runDir: s.scratchParent, logFile: s.logFile, own: [scratch.root] });
  const exit = await runSandboxed({
    name: s.cgroup,
    command: evaluate.command,
    probe: s.probe,
    sandbox: s.config.sandbox,
    // The checkout is read-only to the evaluation: it scores the candidate's code as committed.
    mounts: { readable, writable: [scratch.root] },
    cwd: s.cwd,
    env,
    logFile: s.logFile,
    timeoutMs: evaluate.timeoutSeconds * 1000,
    graceMs: s.graceMs,
    signal: s.signal,
    onOutput: (bytes) => collect(parser.feed(bytes)),
    maxLogBytes: s.config.sandbox.maxLogMb * 1024 * 1024,
  });
  collect(parser.end());
  const decided = decideOutcome({ ...exit, maxLogMb: s.config.sandbox.maxLogMb, timeoutSeconds: evaluate.timeoutSeconds, sawFail: false, summaryEntries: summary, metricName: s.config.metric.name, commandLabel: label });
  const record = { command: label, logPath: s.logFile, durationMs: exit.durationMs, summary: Object.fromEntries(summary.map((e) => [e.key, e.raw])), limits: exit.limits };
  if (decided.outcome === "finished" && decided.metricValue !== null) {
    const raw = summary.find((e) => e.key === s.config.metric.name)!.raw;
    return { outcome: { ok: true, value: decided.metricValue, raw }, record };
  }
  const tail = readLogTail(s.logFile, 20);
  return { outcome: { ok: false, reason: `${exit.overMemory ? "it went over sandbox.maxMemoryMb" : decided.reason}${tail ? `\n${path.basename(s.logFile)}:\n${tail}` : ""}` }, record };
}
