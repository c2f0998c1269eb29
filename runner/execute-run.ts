/**
 * executeRun: takes one queued run from start to outcome — resolve the commit, read its overseer.json, make
 * a worktree, run the command with a clean environment, stream metrics into SQLite, decide the outcome,
 * record it. Every expected failure ends the run with a reason; nothing here leaves a run "running".
 */
import { IllegalTransition, isTerminal } from "../core/run-lifecycle";
import fs from "node:fs";
import path from "node:path";
import { buildChildEnv } from "../core/child-env";
import { diskFullCause } from "../core/disk";
import { GPU_SERIES, type GpuIdentity, type GpuSample, identityOf, type RunGpu } from "../core/gpu";
import { LogParser, type LogEvent } from "../core/log-parser";
import { withEvaluation } from "../core/evaluation";
import { decideOutcome, summaryRecord } from "../core/outcome";
import { SummaryWatch, timingSuspicions } from "../core/run-integrity";
import type { SummaryEntry } from "../core/types";
import { parseWorkspaceConfig, type WorkspaceConfig } from "../core/workspace-config";
import { slurmJobOf } from "../core/slurm-job";
import type { Settings } from "../core/settings";
import type { Db } from "../db/open";
import { persistently } from "../db/faults";
import { freeDiskMb } from "../db/free-space";
import { appendEvent } from "../db/queries/events";
import { lastStepBySeries, storedPointCount, storedProgressSpan } from "../db/queries/metrics";
import { applyRunEvent, getRun, updateRun, type RunRow } from "../db/queries/runs";
import type { WorkspaceRow } from "../db/queries/workspaces";
import { recoverPoints, unstoredValues } from "./log-replay";
import { addWorktree, checkoutGitDir, gitInCheckout, headCommit, removeWorktree } from "./git";
import { readLogTail } from "./log-tail";
import { MetricWriter, type WriteStall } from "./metric-writer";
import { changedSince, type Fingerprints, fingerprints, resolveDataPath } from "./protected-hash";
import { waitForDiskSpace } from "./disk-space";
import { sampleGpu, waitForGpuMemory } from "./gpu";
import { stopGroup } from "./process-group";
import { ownGroupAlive, processIdentity, selfDriver } from "./process-identity";
import { stalledMs, watchStalls } from "./stall-meter";
import { leftRunCgroup } from "./cgroup";
import { handOver, interpreterRoots, probeSandbox, takeBack, type SandboxProbe } from "./sandbox";
import { runEvaluation } from "./evaluate-run";
import { cancelAbandonedJob, runOnBackend } from "./backends";
import { holdRunCache, seedRunCache } from "./run-cache";
import { cacheEnv, cgroupName, gpuEnv, readablePaths, scratchDirs } from "./run-env";
import { configAtCommit } from "./workspace";

export interface ExecuteOptions {
  db: Db;
  settings: Settings;
  /** Aborting cancels the run; an abort whose reason is "shutdown" records it as interrupted instead. */
  signal?: AbortSignal;
  /** Sees every parsed log event, e.g. for the CLI's progress bar. */
  onLogEvent?: (e: LogEvent, run: { startedAt: number; config: WorkspaceConfig }) => void;
  /** The parent environment the allowlist picks from. */
  parentEnv?: Record<string, string | undefined>;
  /** Variables set for the run on top of the allowlist (e.g. OVERSEER_SEED for a re-run). */
  extraEnv?: Record<string, string>;
  /** The GPU the run is pinned to (CUDA_VISIBLE_DEVICES) and sampled on; none on a CPU-only machine. */
  gpu?: GpuIdentity | null;
  /** Where it runs, over the workspace's `backend` (`--backend` on the command line, a session's choice). */
  backend?: WorkspaceConfig["backend"];
}

export function runWorktree(settings: Settings, runId: number): string {
  return path.join(settings.dataDir, "worktrees", `run-${runId}`);
}

/**
 * After a crash of the process that ran it: stop what is left of a run (its process group, or its Slurm job),
 * store the points of its log the dead process had not, and remove its worktree. Returns the Slurm job it cancelled.
 */
export async function cleanUpAbandonedRun(db: Db, settings: Settings, repoRoot: string, run: RunRow): Promise<string | null> {
  if (run.pid && ownGroupAlive(run.pid, run.pidIdentity)) await stopGroup(run.pid, settings.killGraceMs);
  const cancelledJob = isTerminal(run.status) ? null : await cancelAbandonedJob(run);
  await leftRunCgroup(cgroupName(settings.dataDir, run.id))?.close();
  recoverPoints(db, run);
  fs.rmSync(path.join(settings.dataDir, "runs", String(run.id), "scratch"), { recursive: true, force: true });
  await removeWorktree(repoRoot, runWorktree(settings, run.id)).catch(() => undefined);
  return cancelledJob;
}

export async function executeRun(run: RunRow, ws: WorkspaceRow, opts: ExecuteOptions): Promise<RunRow> {
  const { db, settings } = opts;
  const runDir = path.join(settings.dataDir, "runs", String(run.id));
  fs.mkdirSync(runDir, { recursive: true });
  const logFile = path.join(runDir, "run.log");
  await waitForDisk(run, opts);
  if (opts.gpu) await waitForFreeGpu(run, opts.gpu, opts);
  if (opts.signal?.aborted && opts.signal.reason !== "shutdown") {
    return persistently(() => applyRunEvent(db, run.id, { type: "run_cancelled" }, Date.now(), { endedAt: Date.now(), reason: "cancelled while it waited to start" }));
  }
  // Every write of a run waits out a locked or full database (asynchronously: the runner's timers go on).
  const startedAt = Date.now();
  try {
    await persistently(() => applyRunEvent(db, run.id, { type: "run_started" }, startedAt, { startedAt, logPath: logFile, driver: selfDriver() }));
  } catch (e) {
    // Cancelled from the dashboard while it waited for disk space or its GPU: it ends as the human left it.
    const now = getRun(db, run.id);
    if (e instanceof IllegalTransition && now && isTerminal(now.status)) return now;
    throw e;
  }
  const end = (reason: string) => persistently(() => applyRunEvent(db, run.id, { type: "run_ended", outcome: "crashed" }, Date.now(), { endedAt: Date.now(), reason }));

  // A run queued with a commit (a session's candidate) runs that commit; otherwise the workspace's HEAD.
  const commit = run.commitSha ?? (await headCommit(ws.repoRoot).catch(() => null));
  if (!commit) return end(`${ws.repoRoot} has no commits: commit your training setup first (git add -A && git commit).`);
  const parsed = await configAtCommit(ws.repoRoot, ws.subdir, commit);
  if (!parsed.ok) return end(parsed.error);
  const config = opts.backend ? { ...parsed.config, backend: opts.backend } : parsed.config;
  await persistently(() => updateRun(db, run.id, { commitSha: commit, configJson: JSON.stringify(config), metricName: config.metric.name }));

  const worktree = runWorktree(settings, run.id);
  try {
    await addWorktree(ws.repoRoot, worktree, commit);
    const gitDir = await checkoutGitDir(worktree);
    // A Slurm job's GPUs are the cluster's to give: none of this machine's is pinned or sampled for it.
    const own = config.backend === "slurm" ? { ...opts, gpu: null } : opts;
    return await trainAndRecord(run, ws, config, { worktree, cwd: path.join(worktree, ws.subdir), gitDir }, logFile, startedAt, own);
  } catch (e) {
    return end(`internal error while running: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    removeRunFiles(runDir, ws, worktree);
  }
}

/** What a Slurm run left for a runner that takes it over (resumeRun): stored before its job was submitted. */
interface ResumeRecord {
  before: Fingerprints;
  /** The guarded paths by label, as the first runner resolved them (another runner's environment may differ). */
  guarded: Record<string, string>;
  gitDir: string;
}

/** The Slurm job of a run whose runner is gone, when a new runner can finish the run as its own (resumeRun). */
export function resumableJob(settings: Settings, run: RunRow): string | null {
  const jobId = slurmJobOf(run);
  const ready = jobId && run.resumeJson && run.configJson && run.startedAt && run.logPath && fs.existsSync(run.logPath) && fs.existsSync(runWorktree(settings, run.id));
  return ready ? jobId : null;
}

/**
 * A Slurm run whose runner died (or was restarted) while its job was queued or running, taken over and finished as
 * the runner that started it would have: its job followed to its end (at once if it ended meanwhile), the log read
 * again from byte 0 (each point stored once), then the same guards, tamper check (against the fingerprints stored
 * before the job was submitted) and trusted evaluation as any run.
 */
export async function resumeRun(run: RunRow, ws: WorkspaceRow, opts: ExecuteOptions): Promise<RunRow> {
  const { db, settings } = opts;
  const jobId = resumableJob(settings, run);
  if (!jobId) throw new Error(`run ${run.id} cannot be taken over: it has no Slurm job, checkout or record to resume from`);
  const stored = parseWorkspaceConfig(run.configJson!, `run ${run.id}'s stored configuration`);
  if (!stored.ok) throw new Error(stored.error);
  const resume = JSON.parse(run.resumeJson!) as ResumeRecord;
  const worktree = runWorktree(settings, run.id);
  const runDir = path.dirname(run.logPath!);
  try {
    return await trainAndRecord(
      run,
      ws,
      stored.config,
      { worktree, cwd: path.join(worktree, ws.subdir), gitDir: resume.gitDir },
      run.logPath!,
      run.startedAt!,
      { ...opts, gpu: null },
      { jobId, before: resume.before, guarded: resume.guarded },
    );
  } catch (e) {
    return persistently(() =>
      applyRunEvent(db, run.id, { type: "run_ended", outcome: "crashed" }, Date.now(), { endedAt: Date.now(), reason: `internal error while running: ${e instanceof Error ? e.message : String(e)}` }),
    );
  } finally {
    removeRunFiles(runDir, ws, worktree);
  }
}

/** A run's scratch folder at once, and its checkout off the path to the next run's start (worktreeRemovals() waits). */
function removeRunFiles(runDir: string, ws: WorkspaceRow, worktree: string): void {
  fs.rmSync(path.join(runDir, "scratch"), { recursive: true, force: true });
  const removal: Promise<void> = removeWorktree(ws.repoRoot, worktree)
    .catch(() => undefined)
    .finally(() => removals.delete(removal));
  removals.add(removal);
}

const removals = new Set<Promise<void>>();

/** Resolves once the checkouts of the runs that ended so far are removed (a process waits for it before it exits). */
export async function worktreeRemovals(): Promise<void> {
  await Promise.all([...removals]);
}

async function trainAndRecord(
  run: RunRow,
  ws: WorkspaceRow,
  config: WorkspaceConfig,
  { worktree, cwd, gitDir }: { worktree: string; cwd: string; gitDir: string },
  logFile: string,
  startedAt: number,
  opts: ExecuteOptions,
  resume?: { jobId: string; before: Fingerprints; guarded: Record<string, string> },
): Promise<RunRow> {
  const { db, settings } = opts;
  const parser = new LogParser();
  // Taken over: what the runner before stored is not stored again (its log is read from byte 0).
  const writer = resume ? MetricWriter.resume(db, run) : new MetricWriter(db, run.id);
  const storedSteps = resume ? lastStepBySeries(db, run.id) : new Map<string, number>();
  let gpuSamplesToSkip = resume ? storedPointCount(db, run.id, GPU_SERIES.memory) : 0;
  const summary: SummaryEntry[] = [];
  const warnings = new Set<string>();
  const watch = new SummaryWatch(config.metric.name);
  const progressAt: { first: number | null; last: number | null } = resume ? storedProgressSpan(db, run.id) : { first: null, last: null };
  // When its first progress record came by its own clock, as the runner before stored it (replayed records come late).
  const storedFirstProgress = progressAt.first;
  // Times within the run come from the monotonic clock: a jump of the wall clock (NTP, a suspended VM) must
  // neither bend the time axis nor look like a run that took an hour.
  let t0 = performance.now() - (Date.now() - startedAt);
  const elapsed = () => performance.now() - t0;
  watchStalls();
  let sawFail = false;
  let oomLine: string | null = null;
  const handle = (events: LogEvent[]) => {
    for (const e of events) {
      watch.see(e);
      if (e.kind === "progress") {
        const values = resume ? unstoredValues(storedSteps, e.step, e.values) : e.values;
        if (!Object.keys(values).length) continue;
        const t = elapsed();
        writer.add(e.step, values, t);
        // Taken over, a record may have been written long before it is read: its time is not known, and the
        // budget and the progress span keep what the runner before saw (the job's own clock judges the rest).
        if (resume) continue;
        if (progressAt.first === null && config.evaluate) {
          if (budgetTimer) clearTimeout(budgetTimer);
          budgetTimer = setTimeout(() => stopForBudget?.(), budgetMs);
        }
        progressAt.first ??= t;
        progressAt.last = t;
      } else if (e.kind === "summary") summary.push({ key: e.key, raw: e.raw, value: e.value });
      else if (e.kind === "fail") sawFail = true;
      else if (e.kind === "oom") oomLine ??= e.text;
      else if (e.kind === "warning") warnings.add(e.message);
      opts.onLogEvent?.(e, { startedAt, config });
    }
  };
  // With trusted evaluation the runner keeps the budget: from the first progress record, the whole life of the
  // training process is training time, and past the budget plus the tolerance it is stopped. Before the first
  // record, start-up gets evaluate.startupSeconds more: a run that trains without printing one is stopped too.
  const budgetMs = config.budgetSeconds * 1000 * (1 + config.timeTolerance) + 10_000;
  const silentMs = (config.evaluate?.startupSeconds ?? 0) * 1000 + budgetMs;
  let stopForBudget: (() => void) | null = null;
  let budgetTimer: NodeJS.Timeout | null = null;
  // The protected files in the run's checkout and in the workspace, and the data they name: before and after.
  const guarded = resume?.guarded ?? guardedPaths(config, cwd, ws.path, opts.parentEnv ?? process.env);
  const before = resume?.before ?? fingerprints(guarded);

  // The run's own home, TMPDIR and caches (torch.compile, Triton, pip), removed when it ends: nothing one run
  // writes there can run in the next (a cache shared across runs would carry code from one to another).
  // Its checkpoint (OVERSEER_CHECKPOINT_DIR) is there too: what a trusted evaluation loads, removed with the rest.
  const scratchParent = path.join(path.dirname(logFile), "scratch");
  // Taken over, they exist and belong to the job still running: nothing is made or handed over again there.
  const scratch = scratchDirs(scratchParent, "train", !resume);
  const checkpointDir = path.join(scratchParent, "checkpoint");
  if (!resume) fs.mkdirSync(checkpointDir, { recursive: true });
  // A session's run may start from the cache a kept run left, where the workspace allows it (runner/run-cache).
  const reuseCache = config.sandbox.cacheReuse && run.origin === "session";
  if (reuseCache && !resume) seedRunCache(settings.dataDir, ws.id, scratch.cache);
  const probe = await probeSandbox();
  const env = buildChildEnv(opts.parentEnv ?? process.env, config.env, {
    OVERSEER_RUN_ID: String(run.id),
    OVERSEER_CHECKPOINT_DIR: checkpointDir,
    ...cacheEnv(scratch),
    ...(probe.kind !== "none" ? { HOME: scratch.home } : {}),
    ...gpuEnv(opts.gpu),
    ...opts.extraEnv,
  });
  const missing = resume ? null : missingProgram(config.command[0]!, cwd, env.PATH ?? "");
  if (missing) return persistently(() => applyRunEvent(db, run.id, { type: "run_ended", outcome: "crashed" }, Date.now(), { endedAt: Date.now(), reason: missing }));

  // A local run's GPU is sampled here; a Slurm job samples its own, on its node, into a file this follows.
  const telemetry = gpuTelemetry(writer, elapsed);
  const sampler = opts.gpu ? sampleGpu(settings.gpu.nvidiaSmi, opts.gpu.index, settings.gpu.sampleMs, telemetry.add) : null;
  let gpu: GpuIdentity | null = opts.gpu ?? (resume && run.gpuJson ? (JSON.parse(run.gpuJson) as GpuIdentity) : null);
  if (gpu) await persistently(() => updateRun(db, run.id, { gpuJson: JSON.stringify(gpu) }));
  const mounts = {
    writable: [worktree, scratch.root, checkpointDir, ...config.sandbox.writable.map((p) => resolveDataPath(p, ws.path))],
    // The checkout's .git file names its repository: a run must not point the runner's git elsewhere.
    readonly: [path.join(worktree, ".git")],
    readable: [...interpreterRoots(config.command[0]!, env.PATH ?? "", cwd), ...readablePaths([...config.sandbox.read, ...config.protectedData], env, ws.path)],
    // The evaluation's held-out data, even where it lies inside a folder training reads.
    hidden: readablePaths(config.evaluate?.data ?? [], env, ws.path),
  };
  if (!resume) {
    handOver(probe, { dataDir: settings.dataDir, dbFile: settings.dbFile, runDir: path.dirname(logFile), logFile, own: [worktree, scratch.root, checkpointDir] });
    // A runner that takes this run over after a restart finishes it from this (resumeRun): only a job outlives its runner.
    if (config.backend === "slurm") {
      const record: ResumeRecord = { before, guarded, gitDir };
      await persistently(() => updateRun(db, run.id, { resumeJson: JSON.stringify(record) }));
    }
  }
  const exit = await runOnBackend(config, {
    reattach: resume?.jobId,
    runId: run.id,
    name: cgroupName(settings.dataDir, run.id),
    command: config.command,
    probe,
    sandbox: config.sandbox,
    mounts,
    cwd,
    env,
    logFile,
    timeoutMs: config.timeoutSeconds * 1000,
    graceMs: settings.killGraceMs,
    signal: opts.signal,
    onRunning: (ranMs) => {
      // A job's wait in the cluster's queue is not the run's: its time (the budget bar, the session's training time,
      // the points' seconds) starts when the job does, which a runner that re-attached late learns from Slurm.
      if (config.backend === "slurm") {
        t0 = performance.now() - ranMs;
        const at = Date.now() - ranMs;
        void persistently(() => updateRun(db, run.id, { startedAt: at }));
      }
      if (!config.evaluate) return;
      // Taken over after its first progress record: what is left of its budget, by the job's own clock.
      if (resume && progressAt.first !== null) {
        const first = progressAt.first;
        budgetTimer = setTimeout(() => stopForBudget?.(), Math.max(0, budgetMs - (elapsed() - first)));
      } else if (progressAt.first === null) budgetTimer = setTimeout(() => stopForBudget?.(), Math.max(0, silentMs - elapsed()));
    },
    onSubmitted: (jobId) => void persistently(() => updateRun(db, run.id, { backendJson: JSON.stringify({ backend: "slurm", jobId }) })),
    onWaiting: (why) => void persistently(() => updateRun(db, run.id, { waitingFor: why })),
    onStart: (pid) => {
      // Read now, while the process is surely this one: later a reused pid must not pass for it.
      const pidIdentity = processIdentity(pid);
      void persistently(() => updateRun(db, run.id, { pid, pidIdentity }));
    },
    onOutput: (bytes) => handle(parser.feed(bytes)),
    maxLogBytes: config.sandbox.maxLogMb * 1024 * 1024,
    budgetStop: (stop) => (stopForBudget = stop),
    gpuSampling: { nvidiaSmi: settings.gpu.nvidiaSmi, everyMs: settings.gpu.sampleMs },
    onGpuSample: (sample) => {
      // Taken over, the job's GPU file is read from the start: the samples stored before are not stored again.
      if (gpuSamplesToSkip > 0) {
        gpuSamplesToSkip--;
        telemetry.seen(sample);
      } else telemetry.add(sample);
      if (gpu) return;
      gpu = identityOf(sample);
      void persistently(() => updateRun(db, run.id, { gpuJson: JSON.stringify(gpu) }));
    },
    onGpuNote: (note) => warnings.add(`no GPU telemetry from the Slurm job: ${note}`),
  });
  if (budgetTimer) clearTimeout(budgetTimer);
  handle(parser.end());
  await sampler?.stop();
  const peakMemoryMb = telemetry.peakMb();
  await persistently(() => writer.finish());
  for (const stall of writer.stalls) warnings.add(describeStall(stall));
  // The runner's own stalls while the records came in are its fault, said as such, and not counted as training.
  const stalledWhileRecording = progressAt.first === null || progressAt.last === null ? 0 : stalledMs(t0 + progressAt.first, t0 + progressAt.last);
  if (stalledWhileRecording >= 1000)
    warnings.add(`the runner was stalled for ${(stalledWhileRecording / 1000).toFixed(0)} s while this run trained (it read the log late): that time is not counted as the run's`);
  await persistently(() => {
    for (const message of warnings) appendEvent(db, { type: "log_warning", at: Date.now(), workspaceId: ws.id, runId: run.id, payload: { message } });
  });

  // Taken over, a job whose end Slurm no longer knows (forgotten past MinJobAge, or lost): not the candidate's fault.
  if (resume && exit.spawnError) {
    // Lost (the controller silent for a minute) rather than forgotten, it may still run: nobody follows it now.
    await cancelAbandonedJob(run);
    const endedAt = Date.now();
    return persistently(() =>
      applyRunEvent(db, run.id, { type: "run_interrupted" }, endedAt, { endedAt, reason: `${exit.spawnError}; every point of its log is kept`, logTail: readLogTail(logFile) }),
    );
  }
  const decided = decideOutcome({
    ...exit,
    maxLogMb: config.sandbox.maxLogMb,
    timeoutSeconds: config.timeoutSeconds,
    sawFail,
    summaryEntries: summary,
    metricName: config.metric.name,
    commandLabel: config.command.join(" "),
    oom: oomLine === null ? null : { line: oomLine, peakMb: peakMemoryMb, totalMb: gpu?.memoryTotalMb ?? null, gpuName: gpu?.name ?? null },
  });
  // Taken over after its job had ended unwatched: the budget stop could not act, so Slurm's RunTime is its life.
  const unwatchedLimitMs = storedFirstProgress !== null ? storedFirstProgress + budgetMs : silentMs;
  const overBudgetUnwatched = Boolean(resume && config.evaluate && exit.runSeconds != null && exit.runSeconds * 1000 > unwatchedLimitMs);
  const trained = overBudgetUnwatched
    ? {
        outcome: "timed_out" as const,
        metricValue: null,
        reason: `trained past its budget while no runner followed it: Slurm says its job ran ${exit.runSeconds} s, past the ${(unwatchedLimitMs / 1000).toFixed(0)} s it may run under trusted evaluation`,
      }
    : exit.overBudget
      ? {
          outcome: "timed_out" as const,
          metricValue: null,
          reason:
            progressAt.first === null
              ? `trained past its budget: stopped ${(silentMs / 1000).toFixed(0)} s after it started, with no progress record yet (evaluate.startupSeconds ${config.evaluate!.startupSeconds} + budgetSeconds ${config.budgetSeconds} + timeTolerance ${config.timeTolerance * 100}% + 10 s); under trusted evaluation the whole life of training counts`
              : `trained past its budget: stopped ${(budgetMs / 1000).toFixed(0)} s after its first progress record (budgetSeconds ${config.budgetSeconds} + timeTolerance ${config.timeTolerance * 100}% + 10 s); under trusted evaluation the whole life of training counts`,
        }
      : exit.overMemory && decided.outcome !== "finished"
        ? { ...decided, reason: `went over its memory limit (sandbox.maxMemoryMb: ${config.sandbox.maxMemoryMb ?? "unset, 90% of the machine's"} MB) and was killed` }
        : decided;
  // Trusted evaluation scores a run whose training ended cleanly, whatever it printed.
  const cleanExit = exit.exitCode === 0 && !exit.overBudget && !overBudgetUnwatched && !exit.spawnError && !exit.timedOut && !exit.cancelled && !exit.logLimitReached && !exit.overMemory && !sawFail;
  // What training changed is measured before the evaluation cleans the checkout.
  const changedInTraining = changedSince(before, fingerprints(guarded));
  const evaluated =
    config.evaluate && cleanExit ? await evaluateTrained(run, config as EvaluatedConfig, { worktree, cwd, gitDir, checkpointDir, scratchParent, logFile, summary }, ws, probe, opts) : null;
  const ran = evaluated?.trusted.decision ?? trained;
  const changed = [...new Set([...changedInTraining, ...changedSince(before, fingerprints(guarded))])];
  const decision = changed.length && !exit.cancelled ? { outcome: "tampered" as const, metricValue: null, reason: `${changed.join(", ")} changed during the run: its result is not used` } : ran;
  const endedAt = Date.now();
  const suspicion =
    decision.outcome === "finished"
      ? [
          ...(evaluated?.trusted.suspicion ? [evaluated.trusted.suspicion] : []),
          ...watch.suspicions(),
          ...timingSuspicions({
            summary,
            // Its own life: a job's clock (t0) starts when it runs, so a wait in the cluster's queue is not in it;
            // a job that ended before a runner took it over lived as long as Slurm says it ran.
            wallMs: resume && exit.runSeconds != null ? exit.runSeconds * 1000 : elapsed(),
            firstProgressMs: progressAt.first,
            lastProgressMs: progressAt.last,
            runnerStalledMs: stalledWhileRecording,
            budgetSeconds: config.budgetSeconds,
            tolerance: config.timeTolerance,
          }),
        ]
      : [];
  const patch = {
    endedAt,
    reason: decision.outcome === "finished" ? decision.reason : withDiskNote(decision.reason, settings),
    metricValue: decision.metricValue,
    reportedMetric: evaluated ? evaluated.trusted.reported : null,
    evaluationJson: evaluated ? JSON.stringify(evaluated.record) : null,
    summaryJson: JSON.stringify(summaryRecord(summary)),
    exitCode: exit.exitCode,
    signal: exit.signal,
    logTail: decision.outcome === "finished" ? null : readLogTail(logFile),
    suspicion: suspicion.length ? suspicion.join("\n") : null,
    guardsJson: JSON.stringify({ sandbox: probe.detail, limits: exit.limits, hashed: Object.keys(guarded), changed }),
    gpuJson: gpu ? JSON.stringify({ ...gpu, peakMemoryMb } satisfies RunGpu) : null,
  };
  if (reuseCache && decision.outcome === "finished" && !patch.suspicion) holdRunCache(settings.dataDir, ws.id, run.id, scratch.cache);
  // The result waits for a full or locked database rather than being lost.
  if (exit.cancelled && opts.signal?.reason === "shutdown") {
    return persistently(() => applyRunEvent(db, run.id, { type: "run_interrupted" }, endedAt, { ...patch, reason: "the runner was stopped while this run was in flight" }));
  }
  return persistently(() => applyRunEvent(db, run.id, { type: "run_ended", outcome: decision.outcome }, endedAt, patch));
}

type EvaluatedConfig = WorkspaceConfig & { evaluate: NonNullable<WorkspaceConfig["evaluate"]> };

/** The protected evaluation of a cleanly trained run, and its verdict against what the run printed. */
async function evaluateTrained(
  run: RunRow,
  config: EvaluatedConfig,
  at: { worktree: string; cwd: string; gitDir: string; checkpointDir: string; scratchParent: string; logFile: string; summary: SummaryEntry[] },
  ws: WorkspaceRow,
  probe: SandboxProbe,
  opts: ExecuteOptions,
) {
  // The checkout and checkpoint are root's again: the evaluation reads them and cannot change them.
  takeBack(probe, [at.worktree, at.checkpointDir]);
  // And the checkout is the candidate's commit again: nothing training changed or left there (a planted module
  // or package the evaluation would import first) reaches it.
  await gitInCheckout(at.gitDir, at.worktree, ["reset", "-q", "--hard", "HEAD"]);
  await gitInCheckout(at.gitDir, at.worktree, ["clean", "-q", "-ffdx"]);
  const { outcome, record } = await runEvaluation({
    runId: run.id,
    cgroup: cgroupName(opts.settings.dataDir, run.id, "evaluate"),
    config,
    worktree: at.worktree,
    cwd: at.cwd,
    checkpointDir: at.checkpointDir,
    scratchParent: at.scratchParent,
    dataDir: opts.settings.dataDir,
    dbFile: opts.settings.dbFile,
    logFile: path.join(path.dirname(at.logFile), "evaluate.log"),
    workspacePath: ws.path,
    probe,
    parentEnv: opts.parentEnv ?? process.env,
    gpu: opts.gpu,
    graceMs: opts.settings.killGraceMs,
    signal: opts.signal,
  });
  const printed = at.summary.filter((e) => e.key === config.metric.name);
  const values = [...new Set(printed.map((e) => e.value))];
  const trusted = withEvaluation({
    printed: { value: values.length === 1 ? (values[0] ?? null) : null, times: printed.length },
    evaluation: outcome,
    metricName: config.metric.name,
    evaluator: record.command,
    tolerance: config.evaluate.tolerance,
  });
  return { trusted, record };
}

function describeStall(s: WriteStall): string {
  const seconds = Math.max(1, Math.round((s.lastAt - s.firstAt) / 1000));
  const why = s.fault === "full" ? "the disk was full" : "another program held it locked";
  return `the database could not be written for ${seconds} s (${why}): the points waited in memory and were stored afterwards`;
}

/** A run that failed on a disk about to fill most likely failed of it: say so first. */
function withDiskNote(reason: string, settings: Settings): string {
  const cause = diskFullCause(freeDiskMb(settings.dataDir), settings.minFreeDiskMb, settings.dataDir);
  return cause ? `${reason} — ${cause}` : reason;
}

/** On a disk about to fill, the run stays queued, saying why, until space is freed (or it is cancelled). */
async function waitForDisk(run: RunRow, opts: ExecuteOptions): Promise<void> {
  const { db, settings } = opts;
  await waitForDiskSpace(settings.dataDir, () => settings.minFreeDiskMb, {
    pollMs: 1000,
    signal: opts.signal,
    onWaiting: (why) => {
      if (why && !getRun(db, run.id)?.waitingFor) appendEvent(db, { type: "run_waiting", at: Date.now(), workspaceId: run.workspaceId, runId: run.id, payload: { message: why } });
      updateRun(db, run.id, { waitingFor: why });
    },
  });
}

/** A GPU that still holds an earlier process's memory: the run stays queued, saying why, until it is freed. */
async function waitForFreeGpu(run: RunRow, gpu: GpuIdentity, opts: ExecuteOptions): Promise<void> {
  const { db, settings } = opts;
  const waited = await waitForGpuMemory(settings.gpu.nvidiaSmi, gpu.index, {
    thresholdMb: settings.gpu.memoryHeldMb,
    maxWaitMs: settings.gpu.memoryWaitMs,
    pollMs: Math.min(1000, settings.gpu.sampleMs),
    signal: opts.signal,
    onWaiting: (why) => {
      updateRun(db, run.id, { waitingFor: why });
      if (why) appendEvent(db, { type: "run_waiting", at: Date.now(), workspaceId: run.workspaceId, runId: run.id, payload: { message: why } });
    },
  });
  if (!waited.freed && waited.waitedMs > 0) {
    const message = `GPU ${gpu.index} was still held after ${Math.round(waited.waitedMs / 1000)} s: the run started anyway and may run out of memory`;
    appendEvent(db, { type: "log_warning", at: Date.now(), workspaceId: run.workspaceId, runId: run.id, payload: { message } });
  }
}

/** A run's GPU samples into its series (gpu.*), and the peak memory seen. */
function gpuTelemetry(writer: MetricWriter, elapsed: () => number) {
  let peak: number | null = null;
  return {
    /** A sample stored before (a run taken over): counted in the peak, not stored again. */
    seen: (s: GpuSample) => {
      peak = Math.max(peak ?? 0, s.memoryUsedMb);
    },
    add: (s: GpuSample) => {
      peak = Math.max(peak ?? 0, s.memoryUsedMb);
      const values: Record<string, number> = { [GPU_SERIES.memory]: s.memoryUsedMb };
      if (s.utilPercent !== null) values[GPU_SERIES.util] = s.utilPercent;
      if (s.powerW !== null) values[GPU_SERIES.power] = s.powerW;
      writer.addTelemetry(values, elapsed());
    },
    peakMb: () => peak,
  };
}

/** Why the command cannot start (not found, not executable), checked before the sandbox wraps it. */
function missingProgram(program: string, cwd: string, PATH: string): string | null {
  const candidates = program.includes("/")
    ? [path.resolve(cwd, program)]
    : PATH.split(":")
        .filter(Boolean)
        .map((d) => path.join(d, program));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return null;
    } catch {}
  }
  const exists = candidates.some((c) => fs.existsSync(c));
  return exists
    ? `permission denied running "${program}": make it executable, or change "command" in overseer.json.`
    : `command not found: "${program}". Install it, or change "command" in overseer.json.`;
}

/** Labels (as the UI shows them) → absolute paths of everything a run must leave unchanged. */
function guardedPaths(config: WorkspaceConfig, runCwd: string, workspacePath: string, parentEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of config.protected) {
    out[f] = path.join(runCwd, f);
    out[`${f} (in the workspace)`] = path.join(workspacePath, f);
  }
  for (const p of config.protectedData) out[p] = resolveDataPath(p, workspacePath);
  // The evaluation's held-out data: nothing may change what scores the runs.
  for (const f of readablePaths(config.evaluate?.data ?? [], parentEnv, workspacePath)) out[f] = f;
  return out;
}
