/**
 * decide: keep or discard a finished experiment against the current best, aware of the metric's noise.
 * The gain is a difference of two means, the candidate's n runs and the m runs behind the best, so its noise
 * is σ·√(1/n + 1/m); a gain under max(2σ·√(1/n + 1/m), minImprovement) is within the noise. A first run's
 * clear gain or loss is settled at once; otherwise the candidate runs a fixed, declared number of times in all
 * (maxRuns) and is judged once, on their mean — never re-run until it happens to pass (optional stopping).
 * A gain still within the noise then is discarded, or left to a human when the session's policy says so.
 */
import type { MetricGoal } from "./types";

export interface DecideInput {
  /** The candidate's metric, one value per run (the first run, then re-runs). */
  values: number[];
  best: number;
  goal: MetricGoal;
  /** σ of the metric measured on repeated baseline runs; null when it was run once. */
  sigma: number | null;
  /** Runs behind the best (m): the baseline's runs, or the kept experiment's. */
  bestRuns: number;
  minImprovement: number;
  /** How many runs a candidate may have in all before a gain within the noise is settled. */
  maxRuns: number;
  /** What settles a gain still within the noise after maxRuns: "rerun" discards it, "ask" leaves it to a human. */
  withinNoise: "rerun" | "ask";
}

/** Every decision says how many runs it rests on: the candidate's (n) and the best's (m). */
export type Decision = { decision: "kept" | "discarded" | "rerun" | "ask"; delta: number; mean: number; reason: string; runs: number; bestRuns: number; evidence: DecisionEvidence };

/** What a keep or discard rested on, shown where the decision is: runs, noise, the threshold and the effect. */
export interface DecisionEvidence {
  /** The candidate's runs. */
  n: number;
  /** The runs behind the best. */
  m: number;
  /** σ of one run, from the baseline's runs; null when it ran once. */
  sigma: number | null;
  /** The gain it needed: max(2σ·√(1/n + 1/m), minImprovement). */
  threshold: number;
  /** The gain, in standard errors of the difference (σ·√(1/n + 1/m)); null without σ. */
  effect: number | null;
}

export function improvement(value: number, best: number, goal: MetricGoal): number {
  return goal === "minimize" ? best - value : value - best;
}

export function decide(i: DecideInput): Decision {
  const n = i.values.length;
  const m = Math.max(1, i.bestRuns);
  const mean = i.values.reduce((a, b) => a + b, 0) / n;
  const delta = improvement(mean, i.best, i.goal);
  const fmt = (x: number) => x.toPrecision(4);
  const over = n > 1 ? `the mean of ${n} runs (${fmt(mean)})` : fmt(mean);
  const best = `the best ${fmt(i.best)}${m > 1 ? ` (${m} runs)` : ""}`;
  const se = i.sigma !== null ? i.sigma * Math.sqrt(1 / n + 1 / m) : null;
  const threshold = Math.max(se !== null ? 2 * se : 0, i.minImprovement);
  const effect = se ? ` (${(delta / se).toFixed(1)} standard errors)` : "";
  const at = (decision: Decision["decision"], reason: string): Decision => ({
    decision,
    delta,
    mean,
    reason,
    runs: n,
    bestRuns: m,
    evidence: { n, m, sigma: i.sigma, threshold, effect: se ? delta / se : null },
  });
  // Between the first run and the last declared one, nothing is judged: the runs are taken, then the mean.
  const last = n >= i.maxRuns;
  if (n > 1 && !last) return at("rerun", `run ${n} of ${i.maxRuns}: judged on the mean once all have run`);
  if (delta <= 0 && (n === 1 || last)) return at("discarded", `${over} is ${delta === 0 ? "equal to" : "worse than"} ${best}`);
  if (delta >= threshold) return at("kept", `${over} beats ${best} by ${fmt(delta)}${effect}`);
  const why = `a gain of ${fmt(delta)}${effect} is under the threshold ${fmt(threshold)}`;
  if (!last) return at("rerun", `${why}: running it ${i.maxRuns - 1} more time${i.maxRuns - 1 > 1 ? "s" : ""} with other seeds, then judging the mean of ${i.maxRuns}`);
  const runs = `${n} run${n > 1 ? "s" : ""}`;
  if (i.withinNoise === "ask") return at("ask", `${why} after ${runs}: within the noise, a human keeps or discards it`);
  return at("discarded", `${why} after ${runs}: within the noise`);
}

/** The smallest gain a first run must show to be kept at once: max(2σ·√(1 + 1/m), minImprovement). */
export function firstRunThreshold(sigma: number | null, bestRuns: number, minImprovement: number): number {
  return Math.max(sigma !== null ? 2 * sigma * Math.sqrt(1 + 1 / Math.max(1, bestRuns)) : 0, minImprovement);
}

/** Sample standard deviation; null for fewer than two values. */
export function stddev(values: number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}
