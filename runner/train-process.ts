/**
 * runTraining: runs a training command to its end in its own process group, output (stdout and stderr
 * together) to a log file, with a hard timeout and cancellation. Returns what happened as a value.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { followLog } from "./log-tail";
import { groupAlive, signalGroup, stopGroup } from "./process-group";

export interface TrainingSpec {
  command: readonly string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL when stopping. */
  graceMs: number;
  signal?: AbortSignal;
  onStart?: (pid: number) => void;
  /** Each new piece of the log as it is written. */
  onOutput: (bytes: Buffer) => void;
  /** Past this much output the run is stopped, so a print in the training loop cannot fill the disk. */
  maxLogBytes?: number;
  /** Hands the caller a way to stop the run for going over its budget (trusted evaluation's budget, kept by the runner). */
  budgetStop?: (stop: () => void) => void;
  /** Pipes instead of the log: stdin and stdout (stderr still goes to the log), and `extra` more as fds 3, 4, …. */
  pipes?: { stdio?: boolean; extra?: number };
  /** The process once started: its pipes are child.stdio[…]. */
  onChild?: (child: ChildProcess) => void;
}

export interface TrainingExit {
  spawnError: string | null;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Stopped for writing more than maxLogBytes. */
  logLimitReached: boolean;
  /** Stopped by the runner for training past its budget. */
  overBudget?: boolean;
  durationMs: number;
}

export async function runTraining(spec: TrainingSpec): Promise<TrainingExit> {
  const started = performance.now(); // monotonic: a jump of the wall clock does not change a duration
  const logFd = fs.openSync(spec.logFile, "w"); // truncate: a reused data folder must not replay an old log
  let timedOut = false;
  let cancelled = false;
  let logLimitReached = false;
  let overBudget = false;
  let stopNow = () => {};
  spec.budgetStop?.(() => {
    overBudget = true;
    stopNow();
  });
  const tail = followLog(spec.logFile, spec.onOutput, {
    maxBytes: spec.maxLogBytes,
    onLimit: () => {
      logLimitReached = true;
      stopNow();
    },
  });
  const program = spec.command[0] ?? "";

  const exit = await new Promise<{ code: number | null; signal: string | null; spawnError: string | null }>((resolve) => {
    let child: ChildProcess;
    try {
      // detached: the child leads a new session and process group, so the whole tree can be signalled.
      const stdio = [...(spec.pipes?.stdio ? ["pipe", "pipe"] : ["ignore", logFd]), logFd, ...Array<"pipe">(spec.pipes?.extra ?? 0).fill("pipe")] as ("pipe" | "ignore" | number)[];
      child = spawn(program, spec.command.slice(1), { cwd: spec.cwd, env: spec.env as NodeJS.ProcessEnv, detached: true, stdio });
    } catch (e) {
      resolve({ code: null, signal: null, spawnError: describeSpawnError(program, e) });
      return;
    }
    const pgid = child.pid;
    let stopping: Promise<void> | null = null;
    const stop = () => {
      if (pgid !== undefined && !stopping) stopping = stopGroup(pgid, spec.graceMs);
    };
    stopNow = stop;
    if (logLimitReached) stop();
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, spec.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    if (pgid !== undefined) spec.onStart?.(pgid);
    spec.onChild?.(child);

    child.once("error", (e: Error) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
      resolve({ code: null, signal: null, spawnError: describeSpawnError(program, e) });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
      // No process of the group may outlive the run: leftover workers would hold the GPU.
      const cleanup = pgid !== undefined && groupAlive(pgid) ? (signalGroup(pgid, "SIGKILL"), waitGone(pgid)) : Promise.resolve();
      void Promise.all([stopping, cleanup]).then(() => resolve({ code, signal, spawnError: null }));
    });
  });

  fs.closeSync(logFd);
  tail.finish();
  return {
    spawnError: exit.spawnError,
    exitCode: exit.code,
    signal: exit.signal,
    timedOut,
    cancelled: cancelled && !timedOut && !logLimitReached,
    logLimitReached,
    overBudget,
    durationMs: Math.round(performance.now() - started),
  };
}

async function waitGone(pgid: number): Promise<void> {
  for (let i = 0; i < 200 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 25));
}

function describeSpawnError(program: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return `command not found: "${program}". Install it, or change "command" in overseer.json.`;
  if (err.code === "EACCES") return `permission denied running "${program}": make it executable, or change "command" in overseer.json.`;
  return `could not start "${program}": ${err.message ?? String(e)}`;
}
