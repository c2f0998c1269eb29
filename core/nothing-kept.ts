/**
 * A session that kept nothing beyond its baseline has no winning patch: an empty file under "apply with git am"
 * is a dead end. What to say instead, and which experiments came closest, whose own changes can still be
 * exported as a selection. Pure.
 */
import { formatValue } from "./format";

export interface OutlineForExport {
  id: number;
  idx: number;
  title: string;
  status: string;
  metricValue: number | null;
}

/** Whether the session's best is still its baseline. */
export const keptNothing = (s: { baselineCommit: string; bestCommit: string }) => s.baselineCommit === "" || s.bestCommit === s.baselineCommit;

/** The discarded experiments with the best metric, best first. */
export function bestDiscarded<T extends OutlineForExport>(outlines: readonly T[], goal: "minimize" | "maximize", n = 3): T[] {
  const better = (a: number, b: number) => (goal === "minimize" ? a - b : b - a);
  return outlines
    .filter((e) => e.status === "discarded" && e.metricValue !== null)
    .sort((a, b) => better(a.metricValue!, b.metricValue!) || a.idx - b.idx)
    .slice(0, n);
}

/** What `overseer export` and the download say for a patch or diff of a session that kept nothing. `together`: ids whose changes apply together. */
export function nothingKeptMessage(sessionId: number, closest: readonly OutlineForExport[], together: readonly number[], metricName: string): string {
  const head = `session ${sessionId} kept nothing beyond its baseline, so there is no winning patch to apply`;
  if (closest.length === 0) return `${head}; no experiment ran to the end and was discarded either.`;
  const list = closest.map((e) => `#${e.idx} ${e.title} (${metricName} ${formatValue(e.metricValue!)}, experiment ${e.id})`).join("; ");
  if (together.length === 0) return `${head}. The best discarded experiments: ${list}; none of their changes applies to the baseline on its own.`;
  const byId = new Map(closest.map((e) => [e.id, e]));
  const which = together.length === 1 ? `#${byId.get(together[0]!)?.idx ?? "?"}'s own change` : "their own changes";
  return `${head}. The best discarded experiments: ${list}. Export ${which} on the baseline with: overseer export --experiments ${together.join(",")} --format patch`;
}
