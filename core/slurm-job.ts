/**
 * A run as a Slurm batch job, in pure functions: the job script, sbatch's arguments, and what `scontrol show job
 * -o` says of a job. runner/backends/slurm runs them. Traps they answer are from ../shared/slurm.md, measured on
 * Slurm 22.05.8: scancel's SIGTERM reaches only the batch script (so it execs the trainer), --export=NONE still
 * lets Slurm load a login environment (so the script starts the trainer with `env -i` and the allowlist alone),
 * and --time counts whole minutes (so it is a backstop behind the runner's own timeout).
 */

/** What Slurm needs from a workspace's `slurm` block. */
export interface SlurmOptions {
  partition?: string;
  account?: string;
  qos?: string;
  /** More sbatch flags, as given (e.g. ["--constraint=a100"]). */
  extraArgs?: readonly string[];
}

/** A word for sh: single-quoted, with its own quotes escaped. */
export const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What the job gets from Slurm itself, expanded by the script's sh. */
const FROM_SLURM = ['CUDA_VISIBLE_DEVICES="$CUDA_VISIBLE_DEVICES"', 'SLURM_JOB_ID="$SLURM_JOB_ID"'];

/**
 * The batch script: into the checkout, then exec the command with exactly `env` and the GPUs Slurm gave the job
 * (CUDA_VISIBLE_DEVICES, empty when it asked for none: no GPU is visible).
 */
export function jobScript(o: { runId: number; command: readonly string[]; cwd: string; env: Record<string, string> }): string {
  if (o.command.length === 0) throw new Error("a Slurm job needs a command");
  const assignments = Object.entries(o.env).map(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new Error(`environment variable name ${JSON.stringify(k)} cannot be passed to a Slurm job`);
    return `${k}=${shellQuote(v)}`;
  });
  return [
    "#!/bin/sh",
    `# Overseer run ${o.runId}, generated: the trainer is exec'd so that scancel's SIGTERM reaches it.`,
    `cd ${shellQuote(o.cwd)} || exit 97`,
    `exec env -i ${[...assignments, ...FROM_SLURM].join(" ")} ${o.command.map(shellQuote).join(" ")}`,
    "",
  ].join("\n");
}

/** The comment that names a job's run: ids are reused after a controller loses its state, a run's id is not. */
export const runComment = (runId: number) => `overseer-run-${runId}`;

/** sbatch's arguments, the script's path last. */
export function sbatchArgs(o: { runId: number; script: string; logFile: string; timeoutSeconds: number; graceSeconds: number; gpus: number; slurm: SlurmOptions }): string[] {
  // Whole minutes, and past the runner's own timeout and its stop: Slurm's limit only catches a runner that is gone.
  const minutes = Math.ceil((o.timeoutSeconds + o.graceSeconds) / 60) + 1;
  return [
    "--parsable",
    "--export=NONE",
    `--job-name=${runComment(o.runId)}`,
    `--comment=${runComment(o.runId)}`,
    `--output=${o.logFile}`,
    // The runner truncated the log and follows it from its start: the job appends, never truncates under it.
    "--open-mode=append",
    `--time=${minutes}`,
    ...(o.gpus > 0 ? [`--gres=gpu:${o.gpus}`] : []),
    ...(o.slurm.partition ? [`--partition=${o.slurm.partition}`] : []),
    ...(o.slurm.account ? [`--account=${o.slurm.account}`] : []),
    ...(o.slurm.qos ? [`--qos=${o.slurm.qos}`] : []),
    ...(o.slurm.extraArgs ?? []),
    o.script,
  ];
}

export type JobPhase = "pending" | "running" | "ended";

export interface JobState {
  state: string;
  phase: JobPhase;
  /** Why it waits (Priority, Resources, QOSMaxJobsPerUser, JobHeldUser…), or why it ended; null for None. */
  reason: string | null;
  exitCode: number | null;
  /** The signal that ended it, from ExitCode's second half (0: none). */
  signal: number | null;
  comment: string | null;
}

const PENDING = new Set(["PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SUSPENDED", "STOPPED"]);
const ENDED = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED"]);

/**
 * Where a job is. COMPLETING is not an end: processes of the job may still be alive. A state this does not know
 * counts as running: the runner goes on watching the job, with its timeout running, rather than leave it loose.
 */
export function phaseOf(state: string): JobPhase {
  if (PENDING.has(state)) return "pending";
  if (ENDED.has(state)) return "ended";
  return "running";
}

/** `scontrol show job -o ID`: one line of Key=Value fields. Null when it holds no job. */
export function parseScontrolJob(line: string): JobState | null {
  const fields = new Map<string, string>();
  for (const m of line.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=(\S*)/g)) if (!fields.has(m[1]!)) fields.set(m[1]!, m[2]!);
  const state = fields.get("JobState");
  if (!state) return null;
  const exit = /^(\d+):(\d+)$/.exec(fields.get("ExitCode") ?? "");
  const reason = fields.get("Reason") ?? "None";
  return {
    state,
    phase: phaseOf(state),
    reason: reason === "None" || reason === "(null)" ? null : reason,
    exitCode: exit ? Number(exit[1]) : null,
    signal: exit ? Number(exit[2]) : null,
    comment: fields.get("Comment") && fields.get("Comment") !== "(null)" ? fields.get("Comment")! : null,
  };
}

/** How a pending reason reads on the run page. */
export const describePending = (reason: string | null) => `queued on the cluster: ${reason ?? "waiting to be scheduled"}`;

/** The Slurm job a run was submitted as, from its stored backend_json; null for a local run. */
export function slurmJobOf(run: { backendJson: string | null }): string | null {
  if (!run.backendJson) return null;
  const stored = JSON.parse(run.backendJson) as { backend?: string; jobId?: unknown };
  return stored.backend === "slurm" && typeof stored.jobId === "string" ? stored.jobId : null;
}
