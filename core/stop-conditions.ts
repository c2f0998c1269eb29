/** When a session stops by itself: the first condition met, as a sentence, or null to go on. */
import type { SessionOptions } from "./session-options";

export interface LoopProgress {
  /** Proposals made so far (the baseline excluded, failed proposals included). */
  proposals: number;
  startedAt: number;
  now: number;
  costUsd: number;
  /** Decided experiments since the last keep (or since the baseline). */
  sinceLastKeep: number;
}

/** A limit met: what to say, and the session option that sets it (raised to go on). */
export interface LimitMet {
  reason: string;
  option: "maxExperiments" | "maxWallSeconds" | "maxCostUsd" | "plateau";
}

export function limitMet(o: SessionOptions, p: LoopProgress): LimitMet | null {
  if (o.maxExperiments !== null && p.proposals >= o.maxExperiments) return { reason: `reached ${o.maxExperiments} experiments`, option: "maxExperiments" };
  if (o.maxWallSeconds !== null && p.now - p.startedAt >= o.maxWallSeconds * 1000) return { reason: `reached the wall-time limit of ${o.maxWallSeconds}s`, option: "maxWallSeconds" };
  if (o.maxCostUsd !== null && p.costUsd >= o.maxCostUsd) return { reason: `reached the API cost limit of $${o.maxCostUsd.toFixed(2)}`, option: "maxCostUsd" };
  if (o.plateau !== null && p.sinceLastKeep >= o.plateau) return { reason: `plateau: ${p.sinceLastKeep} experiments in a row without an improvement`, option: "plateau" };
  return null;
}

export function stopReason(o: SessionOptions, p: LoopProgress): string | null {
  return limitMet(o, p)?.reason ?? null;
}

/** Decided experiments since the last keep (or since the baseline), in the order they were decided. */
export function sinceLastKeep(experiments: readonly { kind: string; status: string; decidedAt: number | null }[]): number {
  const decided = experiments.filter((e) => e.decidedAt !== null && e.kind !== "baseline").sort((a, b) => a.decidedAt! - b.decidedAt!);
  let n = 0;
  for (let i = decided.length - 1; i >= 0 && decided[i]!.status !== "kept"; i--) n++;
  return n;
}

/**
 * What a stop interrupted and a resume takes up again: it runs whatever the limits say, as it would have had the
 * stop not come. The baseline always does (every candidate is measured against it), whatever an older database
 * recorded of where it was.
 */
export const goesOnWhenResumed = (e: { kind: string; status: string; interruptedFrom: string | null }) => e.status === "interrupted" && (e.interruptedFrom !== null || e.kind === "baseline");

/**
 * The limit that would end an ended session again at once if it were resumed with these options, or null: none
 * is met, or work the stop interrupted runs anyway.
 */
export function limitBlockingResume(
  o: SessionOptions,
  s: { createdAt: number; costUsd: number },
  experiments: readonly { kind: string; status: string; decidedAt: number | null; interruptedFrom: string | null }[],
  now: number,
): LimitMet | null {
  if (experiments.some(goesOnWhenResumed)) return null;
  return limitMet(o, { proposals: experiments.filter((e) => e.kind !== "baseline").length, startedAt: s.createdAt, now, costUsd: s.costUsd, sinceLastKeep: sinceLastKeep(experiments) });
}
