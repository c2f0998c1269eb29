/**
 * Trusted evaluation's verdict: a run whose training exited cleanly is scored by the workspace's protected
 * evaluation, not by what its own code printed; what it printed is kept as "reported", and a disagreement past
 * the tolerance makes it suspicious (its keep waits for a human). Pure.
 */
import type { OutcomeDecision } from "./outcome";
import type { SummaryEntry } from "./types";

export type EvaluationOutcome = { ok: true; value: number; raw: string } | { ok: false; reason: string };

export interface TrustedResult {
  decision: OutcomeDecision;
  /** The metric the training run printed itself, when it printed one value. */
  reported: number | null;
  suspicion: string | null;
}

export function withEvaluation(o: { printed: { value: number | null; times: number }; evaluation: EvaluationOutcome; metricName: string; evaluator: string; tolerance: number }): TrustedResult {
  const reported = o.printed.times > 0 ? o.printed.value : null;
  if (!o.evaluation.ok) {
    return { decision: { outcome: "crashed", reason: `training ended cleanly, but its evaluation (${o.evaluator}) failed: ${o.evaluation.reason}`, metricValue: null }, reported, suspicion: null };
  }
  const evaluated = o.evaluation.value;
  const why: string[] = [];
  if (o.printed.times > 1 && o.printed.value === null) why.push(`the run printed ${o.metricName} ${o.printed.times} times with different values`);
  if (reported !== null && Math.abs(reported - evaluated) > o.tolerance * Math.max(Math.abs(evaluated), 1e-12)) {
    why.push(`the run reported ${o.metricName} ${reported}, but Overseer's evaluation (${o.evaluator}) gave ${evaluated}`);
  }
  return {
    decision: { outcome: "finished", reason: `${o.metricName} = ${o.evaluation.raw} (evaluated by ${o.evaluator})`, metricValue: evaluated },
    reported,
    suspicion: why.length ? why.join("\n") : null,
  };
}

/**
 * The summary a run page shows: what training printed, with what the trusted evaluation printed over it (its
 * metric is the run's; training may not have printed one at all, having no held-out data to compute it on).
 */
export function summaryWithEvaluation(printed: Record<string, SummaryEntry> | null, evaluated: Record<string, string> | null): Record<string, SummaryEntry> | null {
  if (!evaluated) return printed;
  const fromEvaluation = Object.fromEntries(Object.entries(evaluated).map(([key, raw]) => [key, { key, raw, value: Number.isFinite(Number(raw)) ? Number(raw) : null }]));
  return { ...(printed ?? {}), ...fromEvaluation };
}
