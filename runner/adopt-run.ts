/**
 * After a runner crash (kill -9, power cut of the runner alone): the runs it left in flight. The trainer writes
 * its log itself and leads its own process group, so it outlives the runner. The new runner reads the log
 * back from the start and stores the points the dead one never did (each once), and either follows a trainer
 * that is still alive to its end (adoption) or, when it is gone, records the run as interrupted with its log.
 */
import { persistently } from "../db/faults";
import fs from "node:fs";
import { decideOutcome, summaryRecord } from "../core/outcome";
import { DEFAULT_CONFIG, parseWorkspaceConfig, type WorkspaceConfig } from "../core/workspace-config";
import type { Settings } from "../core/settings";
import type { Db } from "../db/open";
import { applyRunEvent, type RunRow } from "../db/queries/runs";
import { slurmJobOf } from "../core/slurm-job";
import { getWorkspace } from "../db/queries/workspaces";
import { resumableJob, resumeRun } from "./execute-run";
import { leftRunCgroup } from "./cgroup";
import { cgroupName } from "./run-env";
import { followLog, readLogTail } from "./log-tail";
import { groupAlive, stopGroup } from "./process-group";
import { ownGroupAlive } from "./process-identity";
import { logReplay } from "./log-replay";

/**
 * Whether a new runner can take this run over: it got far enough to have a trainer, a log and a config. Its
 * trainer may have ended meanwhile: then the outcome is read from the log at once.
 */
export function canAdopt(settings: Settings, run: RunRow): boolean {
  if (slurmJobOf(run) !== null) return resumableJob(settings, run) !== null;
  return run.pid !== null && !!run.logPath && fs.existsSync(run.logPath) && !!run.configJson;
}

/**
 * Follows a live orphan to its end, under its own timeout (counted from its start) and the daemon's signal
 * (a human's stop). Its exit status is not knowable (it is not this process's child), so the outcome comes
 * from its log: the summary, FAIL, an out-of-memory line.
 */
export async function adoptRun(run: RunRow, opts: { db: Db; settings: Settings; signal?: AbortSignal }): Promise<RunRow> {
  const { db, settings } = opts;
  // Parsed, not cast: a run stored by an earlier version gets the defaults of what it lacks.
  const stored = parseWorkspaceConfig(run.configJson!, `run ${run.id}'s stored configuration`);
  const config: WorkspaceConfig = stored.ok ? stored.config : DEFAULT_CONFIG;
  // A Slurm job outlives its runner with its checkout and exit code: the run is finished as its own runner would have.
  if (slurmJobOf(run)) {
    const ws = getWorkspace(db, run.workspaceId);
    if (ws) return resumeRun(run, ws, { db, settings, signal: opts.signal });
    const endedAt = Date.now();
    return persistently(() => applyRunEvent(db, run.id, { type: "run_interrupted" }, endedAt, { endedAt, reason: "its workspace is no longer known, so its checkout cannot be finished" }));
  }
  const pgid = run.pid!;
  const replay = logReplay(db, run);
  let timedOut = false;
  let cancelled = false;
  let logLimitReached = false;
  const maxLogMb = config.sandbox.maxLogMb;
  const tail = followLog(run.logPath!, replay.feed, {
    maxBytes: maxLogMb * 1024 * 1024,
    onLimit: () => {
      logLimitReached = true;
      void stopGroup(pgid, settings.killGraceMs);
    },
  });
  const deadline = (run.startedAt ?? Date.now()) + config.timeoutSeconds * 1000;
  // Checked once by identity: a pid that now names a stranger is neither followed nor stopped.
  const aliveAtStart = ownGroupAlive(pgid, run.pidIdentity);
  while (aliveAtStart && groupAlive(pgid)) {
    if (!timedOut && !cancelled && Date.now() >= deadline) {
      timedOut = true;
      void stopGroup(pgid, settings.killGraceMs);
    }
    if (!timedOut && !cancelled && opts.signal?.aborted) {
      cancelled = true;
      void stopGroup(pgid, settings.killGraceMs);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  tail.finish();
  replay.end();
  await persistently(() => replay.writer.finish());
  // What the run started in its cgroup (a daemon of its own) ends with it, as under the runner that started it.
  await leftRunCgroup(cgroupName(settings.dataDir, run.id))?.close();

  const endedAt = Date.now();
  // The outcome waits out a locked or full database rather than being lost.
  return persistently(() => recordOutcome(db, run, config, { timedOut, cancelled, logLimitReached, aliveAtStart, shutdown: cancelled && opts.signal?.reason === "shutdown" }, replay.state, endedAt));
}

function recordOutcome(
  db: Db,
  run: RunRow,
  config: WorkspaceConfig,
  { timedOut, cancelled, logLimitReached, aliveAtStart, shutdown }: { timedOut: boolean; cancelled: boolean; logLimitReached: boolean; aliveAtStart: boolean; shutdown: boolean },
  { summary, sawFail, oomLine }: ReturnType<typeof logReplay>["state"],
  endedAt: number,
): RunRow {
  const maxLogMb = config.sandbox.maxLogMb;
  if (shutdown) return applyRunEvent(db, run.id, { type: "run_interrupted" }, endedAt, { endedAt, reason: "the runner was stopped while this run was in flight", logTail: readLogTail(run.logPath) });
  const printedMetric = summary.some((e) => e.key === config.metric.name);
  // Its score is its evaluation's, which the runner that started it would have run: what training printed is not a score.
  if (config.evaluate && !timedOut && !cancelled && !logLimitReached && !sawFail && !oomLine) {
    return applyRunEvent(db, run.id, { type: "run_interrupted" }, endedAt, {
      endedAt,
      reason: "its training ended without the runner that started it, so its evaluation (which scores it) never ran: run it again; every point of its log is kept",
      logTail: readLogTail(run.logPath),
    });
  }
  if (!timedOut && !cancelled && !logLimitReached && !sawFail && !oomLine && !printedMetric) {
    // Found dead with nothing in its log that says how it ended: not the candidate's fault as far as anyone knows.
    if (!aliveAtStart) {
      return applyRunEvent(db, run.id, { type: "run_interrupted" }, endedAt, {
        endedAt,
        reason: "what drove this run (a runner, or overseer run) stopped while it was in flight, and its trainer is gone; every point of its log is kept",
        logTail: readLogTail(run.logPath),
      });
    }
    return applyRunEvent(db, run.id, { type: "run_ended", outcome: "crashed" }, endedAt, {
      endedAt,
      reason: "it ended while a new runner followed it (the old one had died), without a summary; its exit status cannot be known",
      logTail: readLogTail(run.logPath),
    });
  }
  const decision = decideOutcome({
    spawnError: null,
    // Without an exit status, one that printed its metric is taken to have exited 0.
    exitCode: printedMetric && !sawFail ? 0 : null,
    signal: null,
    timedOut,
    cancelled,
    logLimitReached,
    maxLogMb,
    timeoutSeconds: config.timeoutSeconds,
    sawFail,
    summaryEntries: summary,
    metricName: config.metric.name,
    commandLabel: config.command.join(" "),
    oom: oomLine === null ? null : { line: oomLine, peakMb: null, totalMb: null, gpuName: null },
  });
  return applyRunEvent(db, run.id, { type: "run_ended", outcome: decision.outcome }, endedAt, {
    endedAt,
    reason: decision.reason,
    metricValue: decision.metricValue,
    summaryJson: JSON.stringify(summaryRecord(summary)),
    logTail: decision.outcome === "finished" ? null : readLogTail(run.logPath),
    // The protected files' fingerprints from before the run died with the old runner: say so rather than vouch.
    suspicion: decision.outcome === "finished" ? "a new runner took this run over after the old one died: the tamper check from before the run was lost with it" : null,
  });
}
