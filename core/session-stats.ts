/** The counters a session is summarised by, for the CLI's summary and the session page alike. Pure. */
import { CRASH_STATUSES as CRASHES, type ExperimentStatus, type SessionStatus } from "./types";

const ENDED: readonly SessionStatus[] = ["stopped", "finished", "failed"];

export function isSessionEnded(status: SessionStatus): boolean {
  return ENDED.includes(status);
}

export interface SessionStats {
  proposals: number;
  kept: number;
  discarded: number;
  crashed: number;
  /** kept / (kept + discarded), or null before any of either. */
  keepRate: number | null;
  baseline: number | null;
  /** baseline − best (positive is an improvement when minimizing), and its size relative to the baseline in %. */
  gain: number | null;
  gainPercent: number | null;
}

export function sessionStats(experiments: readonly { kind: string; status: ExperimentStatus; metricValue: number | null }[], bestValue: number | null): SessionStats {
  const proposals = experiments.filter((e) => e.kind !== "baseline");
  const kept = proposals.filter((e) => e.status === "kept").length;
  const discarded = proposals.filter((e) => e.status === "discarded").length;
  const crashed = proposals.filter((e) => CRASHES.includes(e.status)).length;
  const baseline = experiments.find((e) => e.kind === "baseline")?.metricValue ?? null;
  const gain = baseline !== null && bestValue !== null ? baseline - bestValue : null;
  return {
    proposals: proposals.length,
    kept,
    discarded,
    crashed,
    keepRate: kept + discarded ? kept / (kept + discarded) : null,
    baseline,
    gain,
    gainPercent: gain !== null && baseline ? (100 * Math.abs(gain)) / baseline : null,
  };
}

/** Training time over wall time per GPU: how busy the loop kept its GPUs (1 = always training). */
export function dutyCycle(trainingMs: number, wallMs: number, gpuCount: number): number | null {
  return wallMs > 0 && trainingMs > 0 ? trainingMs / (wallMs * Math.max(1, gpuCount)) : null;
}
