/**
 * The runtime guards' judgements, pure: whether a run's output is shaped like an honest run (one summary, at
 * the end; the metric printed only there) and whether the training time it reports agrees with the wall
 * clock and the budget. A run that fails either is "suspicious": its keep is held for a human.
 */
import type { LogEvent } from "./log-parser";
import type { SummaryEntry } from "./types";

/** Watches a run's log events as they are parsed; suspicions() says what looked forged. */
export class SummaryWatch {
  private summaries = 0;
  private progressAfterSummary = 0;
  private strayMetric: string | null = null;
  private metricLines = 0;

  constructor(private readonly metricName: string) {}

  see(e: LogEvent): void {
    if (e.kind === "summary_start") this.summaries++;
    else if (e.kind === "progress" && this.summaries > 0) this.progressAfterSummary++;
    else if (e.kind === "keyed_line" && e.key === this.metricName && this.strayMetric === null) this.strayMetric = `${e.key}: ${e.raw}`;
    else if (e.kind === "summary" && e.key === this.metricName) this.metricLines++;
  }

  suspicions(): string[] {
    const out: string[] = [];
    if (this.summaries > 1) out.push(`the summary was printed ${this.summaries} times (a "---" line or a JSON summary each): only one, at the end, is trusted`);
    if (this.strayMetric) out.push(`"${this.strayMetric}" was printed outside the summary`);
    if (this.metricLines > 1) out.push(`${this.metricName} was printed ${this.metricLines} times in the summary`);
    if (this.progressAfterSummary > 0) out.push(`${this.progressAfterSummary} progress record${this.progressAfterSummary > 1 ? "s" : ""} came after the summary: it was not printed at the end`);
    return out;
  }
}

export interface TimingObservation {
  summary: readonly SummaryEntry[];
  /** The run's wall time, start to exit. */
  wallMs: number;
  /** When the first and last progress records arrived, ms after the start (null without records). */
  firstProgressMs: number | null;
  lastProgressMs: number | null;
  /** Time the runner itself was stalled between those two (it read the records late): not the run's. */
  runnerStalledMs?: number;
  budgetSeconds: number;
  /** Allowed disagreement, as a fraction (0.1 = 10%), plus a few seconds for start-up and warm-up steps. */
  tolerance: number;
}

/**
 * Seconds of disagreement allowed on top of the fraction: the warm-up steps autoresearch leaves out of the
 * budget (about 10 steps) and start-up. 10 s for a 300 s budget; proportionally less for short ones.
 */
export function timingSlackSeconds(budgetSeconds: number): number {
  return Math.min(10, 1 + 0.03 * budgetSeconds);
}

export function timingSuspicions(o: TimingObservation): string[] {
  const out: string[] = [];
  const reported = o.summary.find((e) => e.key === "training_seconds")?.value ?? null;
  const wall = o.wallMs / 1000;
  const allowed = (s: number) => s * (1 + o.tolerance) + timingSlackSeconds(o.budgetSeconds);
  const span = o.firstProgressMs !== null && o.lastProgressMs !== null ? Math.max(0, o.lastProgressMs - o.firstProgressMs - (o.runnerStalledMs ?? 0)) / 1000 : null;
  if (reported !== null && reported > allowed(wall)) {
    out.push(`it reported training_seconds ${reported.toFixed(1)}, more than the ${wall.toFixed(1)} s the run lasted`);
  }
  if (reported !== null && span !== null && span > allowed(reported)) {
    out.push(`it trained for ${span.toFixed(1)} s by the wall clock (first to last progress record) but reported training_seconds ${reported.toFixed(1)}`);
  }
  const trained = Math.max(reported ?? 0, span ?? 0);
  if (trained > allowed(o.budgetSeconds)) out.push(`it trained for ${trained.toFixed(1)} s, past the ${o.budgetSeconds} s budget`);
  return out;
}
