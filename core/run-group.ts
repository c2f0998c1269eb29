/**
 * The runs of one candidate together (a baseline's repeats, a candidate's confirmation runs with other seeds):
 * their mean ± sample standard deviation, with the individual values kept beside it. Pure.
 */
import { stddev } from "./decide";
import { formatValue } from "./format";

export interface RunGroup {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  values: number[];
}

/** The group of a candidate's runs that have a value; null unless there are two or more. */
export function runGroup(values: readonly (number | null)[]): RunGroup | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length < 2) return null;
  return { n: finite.length, mean: finite.reduce((a, b) => a + b, 0) / finite.length, std: stddev(finite)!, values: finite };
}

/** "3.412 ± 0.021 (3 runs)", as W&B's grouped runs read. */
export function runGroupText(g: RunGroup): string {
  return `${formatValue(g.mean)} ± ${formatValue(g.std)} (${g.n} runs)`;
}
