/**
 * decide: keep or discard a finished experiment against the current best, aware of the metric's noise.
 * An improvement smaller than max(2σ, the workspace's minImprovement) is within the noise: it is run again
 * (another seed) and judged on the mean of its runs, whose noise shrinks as 1/√n; a gain still within the noise
 * after the last run is discarded, or left to a human when the session's policy says so.
 */
import type { MetricGoal } from "./types";

export interface DecideInput {
  /** The candidate's metric, one value per run (the first run, then re-runs). */
  values: number[];
  best: number;
  goal: MetricGoal;
  /** σ of the metric measured on repeated baseline runs; null when it was run once. */
  sigma: number | null;
  minImprovement: number;
  /** How many runs a candidate may have in all before a gain within the noise is settled. */
  maxRuns: number;
  /** What settles a gain still within the noise after maxRuns: "rerun" discards it, "ask" leaves it to a human. */
  withinNoise: "rerun" | "ask";
}

export type Decision =
  | { decision: "kept" | "discarded"; delta: number; mean: number; reason: string }
  | { decision: "rerun" | "ask"; delta: number; mean: number; reason: string };

export function improvement(value: number, best: number, goal: MetricGoal): number {
  return goal === "minimize" ? best - value : value - best;
}

export function decide(i: DecideInput): Decision {
  const n = i.values.length;
  const mean = i.values.reduce((a, b) => a + b, 0) / n;
  const delta = improvement(mean, i.best, i.goal);
  const fmt = (x: number) => x.toPrecision(4);
  const over = n > 1 ? `the mean of ${n} runs (${fmt(mean)})` : fmt(mean);
  if (delta <= 0) return { decision: "discarded", delta, mean, reason: `${over} is ${delta === 0 ? "equal to" : "worse than"} the best ${fmt(i.best)}` };
  const noise = i.sigma !== null ? (2 * i.sigma) / Math.sqrt(n) : 0;
  const threshold = Math.max(noise, i.minImprovement);
  const effect = i.sigma ? ` (${(delta / (i.sigma / Math.sqrt(n))).toFixed(1)}σ)` : "";
  if (delta >= threshold) return { decision: "kept", delta, mean, reason: `${over} beats the best ${fmt(i.best)} by ${fmt(delta)}${effect}` };
  const why = `a gain of ${fmt(delta)}${effect} is under the threshold ${fmt(threshold)}`;
  if (n < i.maxRuns) return { decision: "rerun", delta, mean, reason: `${why}: running it again with another seed` };
  const runs = `${n} run${n > 1 ? "s" : ""}`;
  if (i.withinNoise === "ask") return { decision: "ask", delta, mean, reason: `${why} after ${runs}: within the noise, a human keeps or discards it` };
  return { decision: "discarded", delta, mean, reason: `${why} after ${runs}: within the noise` };
}

/** Sample standard deviation; null for fewer than two values. */
export function stddev(values: number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}
