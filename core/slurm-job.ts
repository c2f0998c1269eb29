/**
 * A run as a Slurm batch job, in pure functions: the job script, sbatch's arguments, and what `scontrol show job
 * -o` says of a job. runner/backends/slurm runs them. Traps they answer are from ../shared/slurm.md, measured on
 * Slurm 22.05.8: scancel's SIGTERM reaches only the batch script (so it execs the trainer), --export=NONE still
 * lets Slurm load a login environment (so the script starts the trainer with `env -i` and the allowlist alone),
 * and --time counts whole minutes (so it is a backstop behind the runner's own timeout).
 */

import { GPU_QUERY_FIELDS, type GpuSample, parseGpuQuery } from "./gpu";

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
export function jobScript(o: { runId: number; command: readonly string[]; cwd: string; env: Record<string, string>; gpuSamples?: JobGpuSampling }): string {
  if (o.command.length === 0) throw new Error("a Slurm job needs a command");
  const assignments = Object.entries(o.env).map(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new Error(`environment variable name ${JSON.stringify(k)} cannot be passed to a Slurm job`);
    return `${k}=${shellQuote(v)}`;
  });
  return [
    "#!/bin/sh",
    `# Overseer run ${o.runId}, generated: the trainer is exec'd so that scancel's SIGTERM reaches it.`,
    `cd ${shellQuote(o.cwd)} || exit 97`,
    ...(o.gpuSamples ? gpuSamplerLines(o.gpuSamples) : []),
    `exec env -i ${[...assignments, ...FROM_SLURM].join(" ")} ${o.command.map(shellQuote).join(" ")}`,
    "",
  ].join("\n");
}

/** GPU telemetry from inside a job: the runner cannot see its node's GPUs, so the job samples them into a file. */
export interface JobGpuSampling {
  /** The side file, on the shared filesystem beside the run's log. */
  file: string;
  nvidiaSmi: string;
  everyMs: number;
}

/**
 * Before the exec: nvidia-smi on the job's node, looping (--loop-ms), in the background, its rows after a line that
 * names the job's GPUs. It outlives the exec as the trainer's child, and Slurm ends it with the job. Without GPUs or
 * nvidia-smi the file says why instead.
 */
function gpuSamplerLines(g: JobGpuSampling): string[] {
  const file = shellQuote(g.file);
  const smi = shellQuote(g.nvidiaSmi);
  return [
    `if [ -z "$CUDA_VISIBLE_DEVICES" ]; then echo '# no GPU: CUDA_VISIBLE_DEVICES is empty' > ${file}`,
    `elif ! command -v ${smi} >/dev/null 2>&1; then echo '# no nvidia-smi on this node' > ${file}`,
    `else printf '# CUDA_VISIBLE_DEVICES=%s\\n' "$CUDA_VISIBLE_DEVICES" > ${file}; ${smi} --query-gpu=${GPU_QUERY_FIELDS.join(",")} --format=csv,noheader,nounits --loop-ms=${Math.max(100, Math.round(g.everyMs))} >> ${file} 2>/dev/null & fi`,
  ];
}

/** The comment that names a job's run: ids are reused after a controller loses its state, a run's id is not. */
export const runComment = (runId: number) => `overseer-run-${runId}`;

/**
 * The sbatch options a workspace may add (slurm.extraArgs), by their whole names, each with whether it takes a
 * value. An allowlist, because sbatch has options that break what Overseer promises in ways a list of refusals
 * keeps missing (an attacker who read Slurm 22.05's source found seven kinds past one): --bbf copies any file into
 * the job script, --exclusive gives the job every GPU of its node, --nodes/--ntasks/--ntasks-per-gpu multiply its
 * GPUs, --time-min and --signal undo the time limit, a node file path makes sbatch read stdin. None of these
 * changes the environment, the log, the job's identity, its GPUs, its time or its shape.
 */
const ALLOWED: Record<string, boolean> = {
  constraint: true,
  mem: true,
  "mem-per-cpu": true,
  "mem-per-gpu": true,
  "cpus-per-task": true,
  "cpus-per-gpu": true,
  mincpus: true,
  tmp: true,
  exclude: true,
  reservation: true,
  licenses: true,
  wckey: true,
  "mail-type": true,
  "mail-user": true,
  begin: true,
  dependency: true,
  "gres-flags": true,
  hold: false,
  nice: false,
};
/** The allowed options' short forms. */
const SHORT: Record<string, string> = { C: "constraint", c: "cpus-per-task", x: "exclude", L: "licenses", b: "begin", d: "dependency", H: "hold" };
const FORMS = "give each flag whole, its value after = (--constraint=a100) or attached to a short one (-Cv100)";

/**
 * Why an extra sbatch flag from overseer.json is refused, or null. sbatch parses with getopt_long: a unique prefix
 * of a long option is that option (--exp=ALL is --export=ALL), short options bundle (-Ho/x is -H -o /x), and an
 * option that takes a value takes the next word whatever it is (here one of Overseer's own flags). So only whole
 * names of allowed options pass, short ones alone, with their values attached.
 */
export function sbatchFlagProblem(arg: string): string | null {
  const long = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(.*))?$/s.exec(arg);
  const short = long ? null : /^-([A-Za-z])(.*)$/s.exec(arg);
  if (!long && !short) return `${arg}: not an sbatch flag; ${FORMS}`;
  const name = long ? long[1]! : SHORT[short![1]!];
  if (name === undefined || !(name in ALLOWED)) {
    return `${arg}: not among the sbatch flags a workspace may add (${Object.keys(ALLOWED).join(", ")}); the others would change the job's environment, log, name, GPUs, time limit or shape, which Overseer sets`;
  }
  const value = long ? long[2] : short![2] === "" ? undefined : short![2];
  if (ALLOWED[name] && value === undefined) return `${arg}: an option that takes a value would take the next word, one of Overseer's own flags, as its value; ${FORMS}`;
  if (!ALLOWED[name] && short && value !== undefined) return `${arg}: short flags bundled in one word are each read on their own; give them one by one`;
  // sbatch reads a node list with a / in it as a file of host names.
  if (name === "exclude" && value?.includes("/")) return `${arg}: sbatch would read the nodes from a file; name them (--exclude=node3,node4)`;
  return null;
}

/** sbatch's arguments, the script's path last. */
export function sbatchArgs(o: { runId: number; script: string; logFile: string; timeoutSeconds: number; graceSeconds: number; gpus: number; slurm: SlurmOptions }): string[] {
  // Whole minutes, and past the runner's own timeout and its stop: Slurm's limit only catches a runner that is gone.
  const minutes = Math.ceil((o.timeoutSeconds + o.graceSeconds) / 60) + 1;
  for (const a of o.slurm.extraArgs ?? []) {
    const problem = sbatchFlagProblem(a);
    if (problem) throw new Error(`the workspace's slurm.extraArgs: ${problem}`);
  }
  return [
    "--parsable",
    // First, so that Overseer's flags after them win where sbatch takes the last of a repeated option.
    ...(o.slurm.extraArgs ?? []),
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
    "--no-requeue",
    // One task on one node: the GPUs per run are per node in Slurm.
    "--nodes=1",
    "--ntasks=1",
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
  /** How long it has run (RunTime, whole seconds): a re-attached runner's timeout counts from the job's start. */
  runSeconds: number | null;
}

/** Slurm's durations: [D-]HH:MM:SS, or MM:SS. Null for what is not one (INVALID, UNLIMITED). */
export function slurmSeconds(text: string): number | null {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(text);
  if (!m) return null;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3])) * 60 + Number(m[4]);
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
    runSeconds: slurmSeconds(fields.get("RunTime") ?? ""),
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

/**
 * Reads a job's GPU side file as it grows: the line naming the job's GPUs, then nvidia-smi's rows. Gives the
 * samples of the job's first GPU (a run's series hold one GPU, as a local run's do); `note` is why there are none.
 */
export class JobGpuReader {
  private rest = "";
  private first: number | null = null;
  note: string | null = null;

  feed(text: string): GpuSample[] {
    const lines = (this.rest + text).split("\n");
    this.rest = lines.pop() ?? "";
    const out: GpuSample[] = [];
    for (const line of lines) {
      const named = /^# CUDA_VISIBLE_DEVICES=(.*)$/.exec(line);
      if (named) {
        // Numbers: the node's indices, or from 0 where Slurm constrains devices (nvidia-smi then numbers alike).
        const first = Number(named[1]!.split(",")[0]);
        this.first = Number.isInteger(first) ? first : null;
        if (this.first === null) this.note = `the job's GPUs are named ${named[1]}, not by index: not sampled`;
      } else if (line.startsWith("# ")) this.note = line.slice(2);
      else if (this.first !== null) out.push(...parseGpuQuery(line).filter((g) => g.index === this.first));
    }
    return out;
  }
}
