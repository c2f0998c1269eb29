/** Row → what the browser gets: parsed JSON columns, no server paths it does not need. */
import { storedTags } from "../core/tags";
import type { GpuIdentity, RunGpu } from "../core/gpu";
import "server-only";
import type { DecisionEvidence } from "../core/decide";
import type { SummaryEntry } from "../core/types";
import { summaryWithEvaluation } from "../core/evaluation";
import { slurmJobOf } from "../core/slurm-job";
import type { WorkspaceConfig } from "../core/workspace-config";
import type { RunRow } from "../db/queries/runs";
import type { WorkspaceRow } from "../db/queries/workspaces";
import type { ExperimentRow } from "../db/queries/experiments";
import type { SessionRow } from "../db/queries/sessions";
import type { GateVerdict } from "../core/gate";
import { needsHumanNow } from "../core/experiment-lifecycle";
import type { SessionOptions } from "../core/session-options";

export function runView(r: RunRow) {
  return {
    id: r.id,
    workspaceId: r.workspaceId,
    status: r.status,
    origin: r.origin,
    commitSha: r.commitSha,
    requestedAt: r.requestedAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    reason: r.reason,
    metricName: r.metricName,
    metricValue: r.metricValue,
    /** Who scored it: the workspace's protected evaluation (with what the run printed itself), or the run's own output. */
    scoredBy: r.evaluationJson ? { evaluator: (JSON.parse(r.evaluationJson) as { command: string }).command, reported: r.reportedMetric } : r.metricValue !== null ? ("self-reported" as const) : null,
    summary: summaryWithEvaluation(
      r.summaryJson ? (JSON.parse(r.summaryJson) as Record<string, SummaryEntry>) : null,
      r.evaluationJson ? ((JSON.parse(r.evaluationJson) as { summary?: Record<string, string> }).summary ?? null) : null,
    ),
    config: r.configJson ? (JSON.parse(r.configJson) as WorkspaceConfig) : null,
    logTail: r.logTail,
    suspicion: r.suspicion,
    guards: r.guardsJson ? (JSON.parse(r.guardsJson) as { sandbox?: string; limits?: string; hashed?: string[]; changed?: string[] }) : null,
    lastStep: r.lastStep,
    pointCount: r.pointCount,
    cancelRequested: r.cancelRequestedAt !== null,
    gpu: r.gpuJson ? runGpu(r.gpuJson) : null,
    waitingFor: r.waitingFor,
    /** The Slurm job it ran as; null for a local process. */
    slurmJob: slurmJobOf(r),
  };
}

export type RunView = ReturnType<typeof runView>;

export function workspaceView(w: WorkspaceRow) {
  return {
    id: w.id,
    name: w.name,
    path: w.path,
    config: w.configJson ? (JSON.parse(w.configJson) as WorkspaceConfig) : null,
    configError: w.configError,
  };
}

export function sessionView(s: SessionRow) {
  const { optionsJson, gpusJson, tagsJson, ...rest } = s;
  return { ...rest, options: JSON.parse(optionsJson) as SessionOptions, gpus: gpusJson ? (JSON.parse(gpusJson) as GpuIdentity[]) : null, tags: storedTags(tagsJson) };
}

/** An experiment in a list: no code, except the diff of one that waits for a human (the approval card shows it). */
export function experimentView(e: ExperimentRow) {
  const { editsJson, verdictJson, runIdsJson, tokensJson, filesJson, notebookJson, evidenceJson, diff, tagsJson, analysisJson, ...rest } = e;
  return {
    ...rest,
    tags: storedTags(tagsJson),
    diff: needsHumanNow(e.status) ? diff : null,
    hasCode: filesJson !== null,
    verdict: verdictJson ? (JSON.parse(verdictJson) as GateVerdict) : null,
    runIds: JSON.parse(runIdsJson) as number[],
    tokens: tokensJson ? (JSON.parse(tokensJson) as Record<string, number>) : null,
    /** The proposer's lab notebook for it: what it learned, what it would try next. */
    notebook: notebookJson ? (JSON.parse(notebookJson) as { learned: string; next: string[] }) : null,
    editCount: editsJson ? (JSON.parse(editsJson) as unknown[]).length : 0,
    /** What its keep or discard rested on: n, m, σ, the threshold, the effect. */
    evidence: evidenceJson ? (JSON.parse(evidenceJson) as DecisionEvidence) : null,
  };
}

export type ExperimentView = ReturnType<typeof experimentView>;

/** While a run trains its GPU is stored without a peak (that comes with its end): none yet, not NaN. */
function runGpu(json: string): RunGpu {
  const gpu = JSON.parse(json) as Partial<RunGpu> & GpuIdentity;
  return { ...gpu, peakMemoryMb: gpu.peakMemoryMb ?? null };
}
