/**
 * A series decimated as it grows: min/max buckets whose size doubles whenever there are too many, so a run of a
 * million points keeps a few hundred buckets, updated in O(1) per point. The runner keeps one per series and
 * stores its state; the dashboard restores it, adds the points stored since, and draws the result without
 * reading the million points again. Pure.
 */
import type { SeriesPoint } from "./types";

type P = Pick<SeriesPoint, "step" | "value" | "tMs">;

interface Bucket {
  n: number;
  first: P;
  min: P;
  max: P;
  last: P;
}

export interface SeriesSummaryState {
  /** Points per full bucket (a power of two). */
  size: number;
  buckets: Bucket[];
}

export class SeriesSummary {
  private size: number;
  private buckets: Bucket[];

  /** Between `minBuckets` and twice as many buckets, of three points each at most: with 166, 500 to 1,000 points drawn. */
  constructor(
    private readonly minBuckets = 166,
    state?: SeriesSummaryState,
  ) {
    this.size = state?.size ?? 1;
    this.buckets = state ? state.buckets.map((b) => ({ ...b })) : [];
  }

  add(p: P): void {
    const b = this.buckets[this.buckets.length - 1];
    if (b && b.n < this.size) {
      b.n++;
      if (p.value < b.min.value) b.min = p;
      if (p.value > b.max.value) b.max = p;
      b.last = p;
    } else this.buckets.push({ n: 1, first: p, min: p, max: p, last: p });
    if (this.buckets.length > 2 * this.minBuckets) this.halve();
  }

  /** The points to draw, in step order: each bucket's first, lowest and highest point, and the last point of all. */
  points(): P[] {
    // Compared by content, not identity: a state read back from JSON holds copies.
    const same = (x: P, y: P | undefined) => !!y && x.step === y.step && x.tMs === y.tMs && x.value === y.value;
    const out: P[] = [];
    for (const b of this.buckets) {
      const inBucket = [b.first, b.min, b.max].filter((p, i, all) => all.findIndex((q) => same(p, q)) === i).sort((x, y) => x.step - y.step || x.tMs - y.tMs);
      out.push(...inBucket);
    }
    const last = this.buckets[this.buckets.length - 1]?.last;
    if (last && !same(last, out[out.length - 1])) out.push(last);
    return out;
  }

  state(): SeriesSummaryState {
    return { size: this.size, buckets: this.buckets };
  }

  private halve(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i]!;
      const b = this.buckets[i + 1];
      merged.push(b ? { n: a.n + b.n, first: a.first, min: b.min.value < a.min.value ? b.min : a.min, max: b.max.value > a.max.value ? b.max : a.max, last: b.last } : a);
    }
    this.buckets = merged;
    this.size *= 2;
  }
}
