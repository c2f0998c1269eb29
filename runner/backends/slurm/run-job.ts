/**
 * runSlurmJob: one training command as one Slurm batch job, to its end, as runTraining runs a local process: its
 * output followed from the log file as it grows (the same follower), a hard timeout, cancellation, and the result
 * as a value. Time spent pending on the cluster is not the run's: the timeout counts from the job's start.
 * "Ended" means Slurm says the job ended (not COMPLETING, which may still have processes alive).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { GpuSample } from "../../../core/gpu";
import { describePending, JobGpuReader, type JobGpuSampling, type JobState, jobScript, parseScontrolJob, runComment, type SlurmOptions, sbatchArgs } from "../../../core/slurm-job";
import { followLog } from "../../log-tail";
import type { TrainingExit, TrainingSpec } from "../../train-process";

/** What a local run is given (runner/train-process), less the process's own hooks, plus the job's. */
export interface SlurmJobSpec extends Pick<TrainingSpec, "command" | "cwd" | "logFile" | "timeoutMs" | "graceMs" | "signal" | "onOutput" | "maxLogBytes" | "budgetStop"> {
  runId: number;
  /** Exactly what the trainer gets (the allowlist): the job script starts it with `env -i` and these. */
  env: Record<string, string>;
  gpus: number;
  slurm: SlurmOptions;
  /** The job id, once sbatch gave it: stored, so a restarted runner finds the job. */
  onSubmitted?: (jobId: string) => void;
  /** Each change of state or pending reason ("queued on the cluster: Resources"). */
  onState?: (state: JobState, words: string) => void;
  /**
   * When the job is first seen running on its node (after any wait in the queue), with how long it has run by then
   * (Slurm's RunTime: a follower that re-attaches late sees a job that started before it). Not called for a job
   * first seen ended.
   */
  onRunning?: (ranMs: number) => void;
  /** GPU telemetry: the job samples its GPUs into this side file, which the runner follows (core/slurm-job). */
  gpuSamples?: JobGpuSampling;
  onGpuSample?: (sample: GpuSample) => void;
  /** Why the job's GPUs give no samples (no GPU, no nvidia-smi on its node). */
  onGpuNote?: (note: string) => void;
  /** How often Slurm is asked for the job's state. */
  pollMs?: number;
  /** The environment sbatch, scontrol and scancel run with (SLURM_CONF, PATH): never passed to the job. */
  clientEnv?: NodeJS.ProcessEnv;
}

export interface SlurmJobExit extends TrainingExit {
  jobId: string | null;
  /** Slurm's last word on the job (COMPLETED, FAILED, CANCELLED, TIMEOUT…). */
  finalState: string | null;
  pendingMs: number;
  /** How long the job ran, by Slurm's clock (RunTime), once it ended; null when its end was not seen. */
  runSeconds: number | null;
}

function slurm(program: string, args: readonly string[], env: NodeJS.ProcessEnv | undefined): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(program, args, { env, timeout: 30_000 }, (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) || (err ? err.message : "") }));
    // Nothing to read: a Slurm command that would read stdin (a node file named /dev/stdin) gets its end at once.
    child.stdin?.end();
  });
}

/** scancel, for a job whose run nobody follows any more. Slurm says 0 even for a job it does not know. */
export async function cancelSlurmJob(jobId: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await slurm("scancel", [jobId], env);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSlurmJob(spec: SlurmJobSpec): Promise<SlurmJobExit> {
  const started = performance.now();
  const env = spec.clientEnv ?? process.env;
  const script = path.join(path.dirname(spec.logFile), "job.sh");
  fs.writeFileSync(script, jobScript({ runId: spec.runId, command: spec.command, cwd: spec.cwd, env: spec.env, gpuSamples: spec.gpuSamples }), { mode: 0o700 });
  fs.writeFileSync(spec.logFile, ""); // the job appends: a reused data folder must not replay an old log
  if (spec.gpuSamples) fs.writeFileSync(spec.gpuSamples.file, "");
  const submitted = await slurm(
    "sbatch",
    sbatchArgs({ runId: spec.runId, script, logFile: spec.logFile, timeoutSeconds: spec.timeoutMs / 1000, graceSeconds: spec.graceMs / 1000, gpus: spec.gpus, slurm: spec.slurm }),
    env,
  );
  // --parsable prints "id" or "id;cluster".
  const jobId = submitted.ok ? (submitted.stdout.trim().split(";")[0] ?? "") : "";
  if (!/^\d+$/.test(jobId)) {
    const why = submitted.ok ? `sbatch printed no job id (${submitted.stdout.trim()})` : submitted.stderr.trim().split("\n")[0];
    return {
      ...{ exitCode: null, signal: null, timedOut: false, cancelled: false, logLimitReached: false, overBudget: false, pendingMs: 0 },
      spawnError: `Slurm did not take the job: ${why}`,
      jobId: null,
      finalState: null,
      runSeconds: null,
      durationMs: Math.round(performance.now() - started),
    };
  }
  spec.onSubmitted?.(jobId);
  return followSlurmJob(jobId, spec);
}

/** What following a job needs: a submitted one, or one a runner that is gone submitted (runner/adopt-run). */
export type FollowSpec = Pick<
  SlurmJobSpec,
  "runId" | "logFile" | "timeoutMs" | "signal" | "onOutput" | "maxLogBytes" | "budgetStop" | "onState" | "onRunning" | "pollMs" | "clientEnv" | "gpuSamples" | "onGpuSample" | "onGpuNote"
>;

/** Follows the job's GPU side file, when it has one: each sample of its first GPU, and why there are none. */
function followGpuFile(spec: FollowSpec): { finish: () => void } | null {
  const file = spec.gpuSamples?.file;
  if (!file || !fs.existsSync(file)) return null;
  const reader = new JobGpuReader();
  let said: string | null = null;
  const tail = followLog(
    file,
    (bytes) => {
      for (const sample of reader.feed(bytes.toString())) spec.onGpuSample?.(sample);
      if (reader.note !== null && reader.note !== said) spec.onGpuNote?.((said = reader.note));
    },
    // A day of samples is a few MB: past this the file is not read further (the run goes on).
    { maxBytes: 64 * 1024 * 1024 },
  );
  return tail;
}

/**
 * Follows a job to its end: its log from byte 0, its state from scontrol, the timeout from the job's own start
 * (its RunTime: a runner that re-attaches late gives it only what is left), a cancel on the signal. A job Slurm
 * no longer knows (past MinJobAge) ends the follow at once, its end unseen; a controller that does not answer
 * (restarting) is asked again for a minute.
 */
export async function followSlurmJob(jobId: string, spec: FollowSpec): Promise<SlurmJobExit> {
  const started = performance.now();
  const pollMs = spec.pollMs ?? 500;
  const env = spec.clientEnv ?? process.env;
  let timedOut = false;
  let cancelled = false;
  let logLimitReached = false;
  let cancelSent = false;
  const cancel = () => {
    if (cancelSent) return;
    cancelSent = true;
    // SIGTERM to the batch script, which is the trainer (exec'd); Slurm's KillWait later kills what is left.
    void slurm("scancel", [jobId], env);
  };
  let overBudget = false;
  spec.budgetStop?.(() => {
    overBudget = true;
    cancel();
  });
  const onAbort = () => {
    cancelled = true;
    cancel();
  };
  if (spec.signal?.aborted) onAbort();
  spec.signal?.addEventListener("abort", onAbort, { once: true });
  const tail = followLog(spec.logFile, spec.onOutput, {
    maxBytes: spec.maxLogBytes,
    onLimit: () => {
      logLimitReached = true;
      cancel();
    },
  });
  const gpuTail = followGpuFile(spec);

  let state: JobState | null = null;
  let said = "";
  let runningSince: number | null = null;
  let pendingMs = 0;
  let lastPoll = performance.now();
  let timer: NodeJS.Timeout | null = null;
  let unknownSince: number | null = null;
  let forgotten = false;
  try {
    for (;;) {
      const shown = await slurm("scontrol", ["show", "job", "-o", jobId], env);
      const now = performance.now();
      const next = shown.ok ? parseScontrolJob(shown.stdout) : null;
      // A job of another run under a reused id is not this one.
      if (next && next.comment !== null && next.comment !== runComment(spec.runId)) throw new Error(`job ${jobId} is not run ${spec.runId}'s (its comment is ${next.comment})`);
      if (next) {
        unknownSince = null;
        if (next.phase === "pending" && runningSince === null) pendingMs += now - lastPoll;
        state = next;
        const words = next.phase === "pending" ? describePending(next.reason) : next.state;
        if (words !== said) {
          said = words;
          spec.onState?.(next, words);
        }
        if (next.phase !== "pending" && runningSince === null) {
          runningSince = now;
          const ranMs = (next.runSeconds ?? 0) * 1000;
          if (next.phase === "running") spec.onRunning?.(ranMs);
          timer = setTimeout(
            () => {
              timedOut = true;
              cancel();
            },
            Math.max(0, spec.timeoutMs - ranMs),
          );
        }
        if (next.phase === "ended") break;
      } else if (/invalid job id/i.test(shown.stderr)) {
        // The controller answered, and has forgotten the job (it ended over MinJobAge ago).
        forgotten = true;
        break;
      } else {
        // A controller that does not answer (restarting, overloaded): give it a minute.
        unknownSince ??= now;
        if (now - unknownSince > 60_000) break;
      }
      lastPoll = now;
      await sleep(pollMs);
    }
  } finally {
    if (timer) clearTimeout(timer);
    spec.signal?.removeEventListener("abort", onAbort);
    tail.finish();
    gpuTail?.finish();
  }
  const ended = state?.phase === "ended" ? state : null;
  return {
    spawnError: ended
      ? null
      : forgotten
        ? `Slurm no longer knows job ${jobId}: it ended long enough ago to be forgotten, and how it ended was not seen`
        : `Slurm lost track of job ${jobId}: its end was not seen`,
    exitCode: ended && ended.signal === 0 ? ended.exitCode : null,
    signal: ended?.signal ? `signal ${ended.signal}` : null,
    timedOut: timedOut || ended?.state === "TIMEOUT",
    cancelled: cancelled && !timedOut && !logLimitReached && !overBudget,
    logLimitReached,
    overBudget,
    jobId,
    finalState: ended?.state ?? null,
    runSeconds: ended?.runSeconds ?? null,
    pendingMs: Math.round(pendingMs),
    durationMs: Math.round(performance.now() - started - pendingMs),
  };
}
