/**
 * Shrinks a long series for drawing while keeping its spikes: the points are cut into buckets by index and
 * each bucket keeps its first, its minimum and its maximum point (in step order). SVG charts slow down past a
 * few thousand points; a loss spike must still show.
 */
import type { SeriesPoint } from "./types";

/** Points per series the browser draws: about what W&B's charts sample down to. */
export const CHART_POINTS = 1000;

export function decimateMinMax<P extends Pick<SeriesPoint, "value">>(points: readonly P[], maxPoints: number): P[] {
  if (points.length <= maxPoints || maxPoints < 3) return points.slice();
  const buckets = Math.floor((maxPoints - 1) / 3); // one place is kept for the last point
  const size = points.length / buckets;
  const out: P[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(points.length, Math.floor((b + 1) * size));
    let min = from;
    let max = from;
    for (let i = from + 1; i < to; i++) {
      if (points[i]!.value < points[min]!.value) min = i;
      if (points[i]!.value > points[max]!.value) max = i;
    }
    for (const i of [...new Set([from, min, max])].sort((a, c) => a - c)) out.push(points[i]!);
  }
  const last = points[points.length - 1]!;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/** About `n` points spread evenly by index, the first and the last included: a curve short enough to read as text. */
export function sampleEvenly<P>(points: readonly P[], n: number): P[] {
  if (points.length <= n || n < 2) return points.slice();
  const out: P[] = [];
  for (let i = 0; i < n; i++) out.push(points[Math.round((i * (points.length - 1)) / (n - 1))]!);
  return out;
}
