/**
 * Running an experiment and deciding it: more than once when the baseline measures noise or a gain is within
 * the noise; kept, discarded, re-run on a newer best, or held for a human.
 */
import { decide, stddev } from "../../core/decide";
import { applyEdits } from "../../core/edits";
import type { FileEdit } from "../../core/types";
import type { Db } from "../../db/open";
import type { GpuIdentity, RunGpu } from "../../core/gpu";
import type { SessionOptions } from "../../core/session-options";
import { countExperimentEvents } from "../../db/queries/events";
import { applyExperimentEvent, getExperiment, listExperiments, updateExperiment, type ExperimentRow } from "../../db/queries/experiments";
import { createRun, getRuns, type RunRow } from "../../db/queries/runs";
import { getSession, sessionOptions, updateSession } from "../../db/queries/sessions";
import { executeRun, resumeRun } from "../execute-run";
import { takeLeftover } from "./leftovers";
import { settleRunCaches } from "../run-cache";
import { moveBranch, readFilesAt } from "../session-git";
import { buildCandidate } from "./build-candidate";
import { durably, type StepDeps } from "./step-deps";

/**
 * approved → running → decided, on the GPUs it is given (the baseline gets them all, so that its repeated
 * runs measure the noise at the same time). `signal` stops the run: "shutdown" leaves it to run again.
 */
export async function runAndDecide(d: StepDeps, exp: ExperimentRow, signal: AbortSignal, gpus: readonly (GpuIdentity | null)[] = [null]): Promise<ExperimentRow> {
  const s = getSession(d.db, exp.sessionId)!;
  if (exp.kind !== "baseline" && exp.parentCommit !== s.bestCommit) {
    if (await runsOnItsParent(d, exp, s.bestCommit)) {
      d.log(`  #${exp.idx} was built before the best moved and its edits do not apply on the new best: it runs on its own parent and is judged against it`);
    } else {
      exp = await buildCandidate(d, exp);
      if (exp.status !== "approved") return exp;
    }
  }
  const options = sessionOptions(s);
  exp = await durably(d, () => applyExperimentEvent(d.db, exp.id, { type: "run_started" }, Date.now()));
  if (exp.kind === "baseline") return runBaseline(d, exp, signal, gpus, options);
  const values: number[] = [];
  const suspicions: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const final = await runOnce(d, exp, attempt, gpus[0] ?? null, signal, options.seed);
    const failed = await endedWithoutResult(d, exp, final);
    if (failed) return failed;
    values.push(final.metricValue!);
    if (final.suspicion) suspicions.push(`run ${final.id}: ${final.suspicion}`);
    const decided = await d.decisions(() => decideAfterRun(d, exp, values, suspicions, options));
    if (decided) return decided;
  }
}

/**
 * A candidate built ahead, while the previous run trained, whose edits no longer apply on the best that run
 * became: rebuilding it would leave the GPU idle while the proposer is asked again, so it runs as built and is
 * judged against its parent, as candidates on several GPUs are. One that then beats its parent is rebased,
 * and is rebuilt (asking the proposer again) before it runs a second time.
 */
async function runsOnItsParent(d: StepDeps, exp: ExperimentRow, best: string): Promise<boolean> {
  if (!exp.commitSha || countExperimentEvents(d.db, exp.id, "rebased") > 0) return false;
  const applied = applyEdits(await readFilesAt(d.g, best, d.config.editable), JSON.parse(exp.editsJson ?? "[]") as FileEdit[]);
  return !applied.ok;
}

/** One run of the experiment's commit on one GPU; the session's training time and the peak memory follow it. */
async function runOnce(d: StepDeps, exp: ExperimentRow, attempt: number, gpu: GpuIdentity | null, signal: AbortSignal, seed: number): Promise<RunRow> {
  const leftover = await takeLeftover(d, exp);
  if (leftover) {
    d.log(`  #${exp.idx} run ${attempt + 1} (run ${leftover.id}): taken over from the loop before, its Slurm job followed to its end`);
    return recordRunTime(d, exp, await resumeRun(leftover, d.ws, { db: d.db, settings: d.settings, signal, parentEnv: d.parentEnv }));
  }
  const run = await durably(d, () =>
    d.db.transaction(() => {
      const r = createRun(d.db, { workspaceId: d.ws.id, origin: "session", at: Date.now(), commitSha: exp.commitSha! });
      const runIds = JSON.parse(getExperiment(d.db, exp.id)!.runIdsJson) as number[];
      updateExperiment(d.db, exp.id, { runIdsJson: JSON.stringify([...runIds, r.id]) });
      return r;
    }),
  );
  d.log(`  #${exp.idx} run ${attempt + 1} (run ${run.id}${gpu ? ` on GPU ${gpu.index}` : ""})`);
  const final = await executeRun(run, d.ws, { db: d.db, settings: d.settings, signal, parentEnv: d.parentEnv, gpu, backend: d.config.backend, extraEnv: { OVERSEER_SEED: String(seed + attempt) } });
  return recordRunTime(d, exp, final);
}

/** The session's training time and the experiment's peak memory follow each run. */
async function recordRunTime(d: StepDeps, exp: ExperimentRow, final: RunRow): Promise<RunRow> {
  await durably(d, () =>
    d.db.transaction(() => {
      const s = getSession(d.db, exp.sessionId)!;
      updateExperiment(d.db, exp.id, { peakVramMb: peakVramOf(final) });
      if (final.startedAt && final.endedAt) updateSession(d.db, s.id, { trainingMs: s.trainingMs + (final.endedAt - final.startedAt) }, Date.now());
    }),
  );
  return final;
}

/** A run that gave no metric ends the experiment (or, when the loop is shutting down, leaves it to run again). */
async function endedWithoutResult(d: StepDeps, exp: ExperimentRow, final: RunRow): Promise<ExperimentRow | null> {
  if (final.status === "finished" && final.metricValue !== null) return null;
  return durably(d, () => {
    if (final.status === "interrupted") return applyExperimentEvent(d.db, exp.id, { type: "requeued" }, Date.now());
    if (final.status === "cancelled") {
      // Cancelled by the session's stop, it goes on when the session is resumed; cancelled alone, it stays stopped.
      const byStop = getSession(d.db, exp.sessionId)?.requested === "stop";
      const patch = byStop
        ? { reason: "the session was stopped while it ran: it runs again when the session is resumed", interruptedFrom: "running" as const, reasonBeforeStop: exp.reason }
        : { reason: "its run was stopped by a human" };
      return applyExperimentEvent(d.db, exp.id, { type: "interrupted" }, Date.now(), { ...patch, decidedAt: Date.now() });
    }
    const outcome = final.status === "diverged" || final.status === "oom" || final.status === "timed_out" || final.status === "tampered" ? final.status : "crashed";
    const reason = [final.reason, final.logTail].filter(Boolean).join("\n");
    return applyExperimentEvent(d.db, exp.id, { type: "decided", outcome }, Date.now(), { reason, decidedAt: Date.now() });
  });
}

/** The baseline's runs, as many at once as there are GPUs; at least one per GPU. */
async function runBaseline(d: StepDeps, exp: ExperimentRow, signal: AbortSignal, gpus: readonly (GpuIdentity | null)[], options: SessionOptions): Promise<ExperimentRow> {
  const wanted = Math.max(options.baselineRuns, gpus.length);
  const values: number[] = [];
  let attempt = 0;
  while (values.length < wanted) {
    const batch = gpus.slice(0, wanted - values.length);
    const finals = await Promise.all(batch.map((gpu) => runOnce(d, exp, attempt++, gpu, signal, options.seed)));
    for (const final of finals) {
      const failed = await endedWithoutResult(d, exp, final);
      if (failed) return failed;
      values.push(final.metricValue!);
    }
  }
  return keepBaseline(d, exp, values);
}

/** A candidate that beat the best at its start may be rebased this many times before it is given up. */
const MAX_REBASES = 2;

/**
 * The decision after a run, taken one experiment at a time (StepDeps.decisions). A candidate is judged
 * against the best at its own start, its parent. It is kept only if its parent is still the best, so the
 * branch only ever fast-forwards; if another experiment was kept while it ran, a gain sends it to run again
 * on the new best. null: run it again (a gain within the noise).
 */
async function decideAfterRun(d: StepDeps, exp: ExperimentRow, values: number[], suspicions: string[], options: SessionOptions): Promise<ExperimentRow | null> {
  const s = getSession(d.db, exp.sessionId)!;
  const stale = exp.parentCommit !== s.bestCommit;
  const bestExp = stale ? keptAt(d.db, s.id, exp.parentCommit!) : s.bestExperimentId !== null ? getExperiment(d.db, s.bestExperimentId) : undefined;
  const verdict = decide({
    values,
    best: stale ? (bestExp?.metricValue ?? s.bestValue!) : s.bestValue!,
    goal: d.config.metric.goal,
    sigma: s.noiseSigma,
    bestRuns: bestExp ? scoredRuns(d.db, bestExp) : 1,
    minImprovement: d.config.minImprovement,
    maxRuns: options.maxRunsPerCandidate,
    withinNoise: options.withinNoise,
  });
  if (verdict.decision === "rerun") {
    d.log(`  #${exp.idx} ${verdict.reason}`);
    return null;
  }
  const patch = {
    metricValue: verdict.mean,
    delta: verdict.delta,
    evidenceJson: JSON.stringify(verdict.evidence),
    reason: stale ? `${verdict.reason} (against the best at its start)` : verdict.reason,
  };
  if (stale && verdict.decision !== "discarded") return rebaseOrGiveUp(d, exp, patch);
  // A keep the runtime guards distrust (summary shape, time) is a human's call, whatever the policy.
  if (verdict.decision === "kept" && suspicions.length) {
    const reason = `held for a human: the run looks forged (${suspicions.join("; ")}); ${verdict.reason}`;
    return durably(d, () => applyExperimentEvent(d.db, exp.id, { type: "decision_requested" }, Date.now(), { ...patch, reason }));
  }
  if (verdict.decision === "ask") return durably(d, () => applyExperimentEvent(d.db, exp.id, { type: "decision_requested" }, Date.now(), patch));
  return settle(d, exp, verdict.decision, verdict.mean, { ...patch, decidedAt: Date.now() });
}

/** The kept experiment at a commit (the best when a candidate started). */
function keptAt(db: Db, sessionId: number, commit: string): ExperimentRow | undefined {
  return listExperiments(db, sessionId).find((e) => e.commitSha === commit && e.status === "kept");
}

/** How many runs an experiment's metric is the mean of: its finished runs that printed one. */
function scoredRuns(db: Db, e: ExperimentRow): number {
  return Math.max(1, getRuns(db, JSON.parse(e.runIdsJson) as number[]).filter((r) => r.status === "finished" && r.metricValue !== null).length);
}

function rebaseOrGiveUp(d: StepDeps, exp: ExperimentRow, patch: { metricValue: number; delta: number; reason: string }): Promise<ExperimentRow> {
  const s = getSession(d.db, exp.sessionId)!;
  const keptMeanwhile = s.bestExperimentId !== null ? getExperiment(d.db, s.bestExperimentId) : undefined;
  const rebases = countExperimentEvents(d.db, exp.id, "rebased");
  if (rebases >= MAX_REBASES) {
    const reason = `${patch.reason}; but the best moved while it ran ${rebases + 1} times: discarded, since its gain was never measured on the best`;
    return durably(d, () => applyExperimentEvent(d.db, exp.id, { type: "decided", outcome: "discarded" }, Date.now(), { ...patch, reason, decidedAt: Date.now() }));
  }
  const reason = `${patch.reason}; but #${keptMeanwhile?.idx ?? "?"} was kept while it ran: it runs again on the new best`;
  d.log(`  #${exp.idx} ${reason}`);
  return durably(d, () => applyExperimentEvent(d.db, exp.id, { type: "rebased" }, Date.now(), { ...patch, reason }));
}

/** awaiting_decision with a human's verdict → kept (the branch advances) or discarded; a keep on an old best runs again on the new one. */
export async function applyHumanVerdict(d: StepDeps, exp: ExperimentRow): Promise<ExperimentRow> {
  const verdict = exp.humanVerdict!;
  const note = exp.humanNote ? `: ${exp.humanNote}` : "";
  const reason = `${verdict} by a human${note} (${exp.reason ?? "a gain within the noise"})`;
  return d.decisions(async () => {
    const stale = exp.parentCommit !== getSession(d.db, exp.sessionId)!.bestCommit;
    if (verdict === "kept" && stale) return rebaseOrGiveUp(d, exp, { metricValue: exp.metricValue!, delta: exp.delta ?? 0, reason });
    return settle(d, exp, verdict, exp.metricValue!, { reason, decidedAt: Date.now() });
  });
}

async function settle(d: StepDeps, exp: ExperimentRow, outcome: "kept" | "discarded", mean: number, patch: Parameters<typeof updateExperiment>[2]): Promise<ExperimentRow> {
  if (outcome === "kept") {
    const s = getSession(d.db, exp.sessionId)!;
    await moveBranch(d.g, exp.commitSha!, s.bestCommit);
  }
  // The new best and the decision are one write: a kill leaves both or neither (then the run is done again, after
  // the branch is put back: core/branch-repair). Once the branch has moved, a locked database is waited out.
  const decided = await durably(d, () =>
    d.db.transaction(() => {
      if (outcome === "kept") updateSession(d.db, exp.sessionId, { bestCommit: exp.commitSha!, bestValue: mean, bestExperimentId: exp.id }, Date.now(), "session_best_improved");
      return applyExperimentEvent(d.db, exp.id, { type: "decided", outcome }, Date.now(), patch);
    }),
  );
  settleCaches(d, exp, outcome === "kept");
  return decided;
}

/** The caches its runs held (sandbox.cacheReuse): shared from a kept experiment whose runs nobody suspects, else dropped. */
function settleCaches(d: StepDeps, exp: ExperimentRow, kept: boolean): void {
  const runIds = JSON.parse(exp.runIdsJson) as number[];
  const unsuspected = getRuns(d.db, runIds).every((r) => !r.suspicion);
  settleRunCaches(d.settings.dataDir, d.ws.id, runIds, kept && unsuspected);
}

/** The summary's peak_vram_mb, else the most memory the GPU sampler saw (an out-of-memory run prints no summary). */
function peakVramOf(run: RunRow): number | null {
  const summary = run.summaryJson ? (JSON.parse(run.summaryJson) as Record<string, { value: number | null }>) : {};
  const sampled = run.gpuJson ? (JSON.parse(run.gpuJson) as RunGpu).peakMemoryMb : null;
  return summary.peak_vram_mb?.value ?? sampled;
}

async function keepBaseline(d: StepDeps, exp: ExperimentRow, values: number[]): Promise<ExperimentRow> {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sigma = stddev(values);
  const noise = sigma === null ? "" : ` (σ ${sigma.toPrecision(3)} over ${values.length} runs)`;
  const kept = await durably(d, () =>
    d.db.transaction(() => {
      updateSession(d.db, exp.sessionId, { bestValue: mean, bestExperimentId: exp.id, noiseSigma: sigma }, Date.now(), "session_baseline_measured");
      return applyExperimentEvent(d.db, exp.id, { type: "decided", outcome: "kept" }, Date.now(), {
        metricValue: mean,
        delta: 0,
        reason: `baseline ${d.config.metric.name} = ${mean.toPrecision(6)}${noise}`,
        decidedAt: Date.now(),
      });
    }),
  );
  settleCaches(d, exp, true);
  return kept;
}
