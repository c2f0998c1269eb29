/**
 * Where a run's training executes (docs/decisions/0020): this machine's processes, or Slurm batch jobs. Above this
 * seam (execute-run, the loop, the guards, the metric writer) nothing knows which: each backend runs the command
 * to its end, streams the log through onOutput in the order it was written, and returns how it ended.
 */
import path from "node:path";
import type { GpuSample } from "../../core/gpu";
import { slurmJobOf } from "../../core/slurm-job";
import type { WorkspaceConfig } from "../../core/workspace-config";
import { sandboxedCommand } from "../sandbox";
import { runSandboxed, type SandboxedExit, type SandboxedSpec } from "../sandboxed-process";
import { cancelSlurmJob, followSlurmJob, runSlurmJob, type SlurmJobSpec } from "./slurm/run-job";

export interface BackendSpec extends SandboxedSpec {
  runId: number;
  /** Slurm: the job id once submitted, stored so that a restarted runner can find the job. */
  onSubmitted?: (jobId: string) => void;
  /** Slurm: why the job waits on the cluster ("queued on the cluster: Resources"), null once it runs. */
  onWaiting?: (why: string | null) => void;
  /**
   * When the trainer starts: at once for a local process, after the queue for a job; `ranMs`, how long it had run
   * when this was seen (0 for a local process; a re-attached job may have run for a while).
   */
  onRunning?: (ranMs: number) => void;
  /** Slurm: the job samples its own GPUs on its node with this nvidia-smi (a local run's are sampled by the runner). */
  gpuSampling?: { nvidiaSmi: string; everyMs: number };
  onGpuSample?: (sample: GpuSample) => void;
  /** Slurm: why the job's GPUs give no samples. */
  onGpuNote?: (note: string) => void;
  /**
   * Slurm: follow this job, submitted by a runner that is gone, instead of submitting one: its log and GPU file are
   * read from byte 0, its timeout counts from its own start (runner/execute-run resumeRun).
   */
  reattach?: string;
}

export interface BackendExit extends SandboxedExit {
  /** Time spent waiting on the cluster before the job started: not training time. */
  pendingMs: number;
  /** Slurm: how long the job ran by Slurm's clock, once it ended. */
  runSeconds?: number | null;
}

export async function runOnBackend(config: WorkspaceConfig, spec: BackendSpec): Promise<BackendExit> {
  if (config.backend === "local") {
    if (spec.reattach) throw new Error("a local run cannot be re-attached to: only a Slurm job outlives its runner this way");
    return {
      ...(await runSandboxed({
        ...spec,
        onStart: (pid) => {
          spec.onRunning?.(0);
          spec.onStart?.(pid);
        },
      })),
      pendingMs: 0,
    };
  }
  // The same sandbox as a local run, inside the job; Slurm's own cgroup holds the job's processes and memory.
  const command = sandboxedCommand(spec.command, { probe: spec.probe, settings: spec.sandbox, mounts: spec.mounts });
  const job: SlurmJobSpec = {
    runId: spec.runId,
    command,
    cwd: spec.cwd,
    env: spec.env,
    logFile: spec.logFile,
    timeoutMs: spec.timeoutMs,
    graceMs: spec.graceMs,
    gpus: config.slurm.gpusPerRun,
    slurm: config.slurm,
    signal: spec.signal,
    onOutput: spec.onOutput,
    maxLogBytes: spec.maxLogBytes,
    onSubmitted: spec.onSubmitted,
    onRunning: spec.onRunning,
    budgetStop: spec.budgetStop,
    gpuSamples: spec.gpuSampling && config.slurm.gpusPerRun > 0 ? { file: path.join(path.dirname(spec.logFile), "gpu.csv"), ...spec.gpuSampling } : undefined,
    onGpuSample: spec.onGpuSample,
    onGpuNote: spec.onGpuNote,
    onState: (state, words) => spec.onWaiting?.(state.phase === "pending" ? words : null),
  };
  const exit = spec.reattach ? await followSlurmJob(spec.reattach, job) : await runSlurmJob(job);
  return { ...exit, overMemory: exit.finalState === "OUT_OF_MEMORY", limits: `Slurm job ${exit.jobId ?? "(not submitted)"}: its cgroup holds its processes and memory` };
}

/**
 * A job whose driver is gone and that no runner re-attaches to (a session's, or one whose run has no log yet: see
 * runner/adopt-run) is cancelled, never left to run unwatched.
 */
export async function cancelAbandonedJob(run: { backendJson: string | null }): Promise<string | null> {
  const jobId = slurmJobOf(run);
  if (jobId) await cancelSlurmJob(jobId);
  return jobId;
}
