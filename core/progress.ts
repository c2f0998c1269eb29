/**
 * autoresearch's progress chart and "top hits", computed from a session's experiments: every decided
 * experiment as a dot by index, the running best as a step line, and each keep with its gain over the keep
 * before it. Pure, so the chart and its tests agree.
 */
import { CRASH_STATUSES as CRASHES, type ExperimentStatus } from "./types";

export interface ProgressInput {
  id: number;
  idx: number;
  kind: string;
  status: ExperimentStatus;
  title: string;
  metricValue: number | null;
}

export type DotKind = "kept" | "discarded" | "crashed";

export interface ProgressDot {
  id: number;
  idx: number;
  value: number;
  kind: DotKind;
  title: string;
}

export interface TopHit {
  id: number;
  idx: number;
  title: string;
  value: number;
  /** Improvement over the previous keep (positive is better, whatever the goal). */
  delta: number;
}

/** The chart's data; crashes have no value, so they sit on the worst value drawn, marked apart. */
export function progressData(experiments: readonly ProgressInput[], goal: "minimize" | "maximize") {
  const valued = experiments.filter((e) => e.metricValue !== null && (e.status === "kept" || e.status === "discarded"));
  const values = valued.map((e) => e.metricValue!);
  const worst = values.length ? (goal === "minimize" ? Math.max(...values) : Math.min(...values)) : null;
  const dots: ProgressDot[] = [];
  for (const e of experiments) {
    if (e.status === "kept" || e.status === "discarded") {
      if (e.metricValue !== null) dots.push({ id: e.id, idx: e.idx, value: e.metricValue, kind: e.status, title: e.title });
    } else if (CRASHES.includes(e.status) && worst !== null) dots.push({ id: e.id, idx: e.idx, value: worst, kind: "crashed", title: e.title });
  }
  const best: { idx: number; value: number }[] = [];
  for (const d of dots) if (d.kind === "kept") best.push({ idx: d.idx, value: d.value });
  const lastIdx = experiments.length ? Math.max(...experiments.map((e) => e.idx)) : 0;
  if (best.length && best[best.length - 1]!.idx < lastIdx) best.push({ idx: lastIdx, value: best[best.length - 1]!.value });
  return { dots, best };
}

export function topHits(experiments: readonly ProgressInput[], goal: "minimize" | "maximize"): TopHit[] {
  const hits: TopHit[] = [];
  let previous: number | null = null;
  for (const e of [...experiments].sort((a, b) => a.idx - b.idx)) {
    if (e.status !== "kept" || e.metricValue === null) continue;
    if (previous !== null && e.kind !== "baseline") {
      hits.push({ id: e.id, idx: e.idx, title: e.title, value: e.metricValue, delta: goal === "minimize" ? previous - e.metricValue : e.metricValue - previous });
    }
    previous = e.metricValue;
  }
  return hits;
}

/**
 * The dots a chart can draw: at most `buckets` columns by index. Keeps are all drawn (they carry the line and
 * the labels); in each column, only the best and worst discard, and one crash, since the rest would be drawn
 * on top of them anyway. 10,000 experiments become about 2,000 SVG dots at most, which Recharts draws quickly.
 */
export function decimateDots(dots: readonly ProgressDot[], buckets: number): ProgressDot[] {
  if (dots.length <= buckets * 2) return [...dots];
  const lo = dots.reduce((m, d) => Math.min(m, d.idx), Infinity);
  const hi = dots.reduce((m, d) => Math.max(m, d.idx), -Infinity);
  const width = (hi - lo + 1) / buckets;
  const columns = new Map<number, { min?: ProgressDot; max?: ProgressDot; crash?: ProgressDot }>();
  const out: ProgressDot[] = [];
  for (const d of dots) {
    if (d.kind === "kept") {
      out.push(d);
      continue;
    }
    const key = Math.floor((d.idx - lo) / width);
    const c = columns.get(key) ?? {};
    if (d.kind === "crashed") c.crash ??= d;
    else {
      if (!c.min || d.value < c.min.value) c.min = d;
      if (!c.max || d.value > c.max.value) c.max = d;
    }
    columns.set(key, c);
  }
  for (const c of columns.values()) for (const d of new Set([c.min, c.max, c.crash])) if (d) out.push(d);
  return out.sort((a, b) => a.idx - b.idx);
}

/**
 * Which keeps get a label: all of them in a short session, as autoresearch does; in a long one, at most
 * `max` spread along the axis (a keep closer than 1/max of the axis to the last labelled one gets none).
 */
export function labelledKeeps(kept: readonly { idx: number }[], lastIdx: number, max = 40): Set<number> {
  const gap = lastIdx / max;
  const out = new Set<number>();
  let last = -Infinity;
  for (const d of kept) {
    if (d.idx - last < gap) continue;
    out.add(d.idx);
    last = d.idx;
  }
  return out;
}

/** autoresearch cuts each keep's label to 45 characters. */
export function chartLabel(title: string, max = 45): string {
  return title.length > max ? `${title.slice(0, max - 1)}…` : title;
}
