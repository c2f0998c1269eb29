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

export function stopReason(o: SessionOptions, p: LoopProgress): string | null {
  if (o.maxExperiments !== null && p.proposals >= o.maxExperiments) return `reached ${o.maxExperiments} experiments`;
  if (o.maxWallSeconds !== null && p.now - p.startedAt >= o.maxWallSeconds * 1000) return `reached the wall-time limit of ${o.maxWallSeconds}s`;
  if (o.maxCostUsd !== null && p.costUsd >= o.maxCostUsd) return `reached the API cost limit of $${o.maxCostUsd.toFixed(2)}`;
  if (o.plateau !== null && p.sinceLastKeep >= o.plateau) return `plateau: ${p.sinceLastKeep} experiments in a row without an improvement`;
  return null;
}
