/**
 * What the panel grid draws, as pure functions: which series get a panel and in what order, where each point
 * goes on the x axis (step, seconds since the run started, wall clock), smoothing over the raw curve, and the
 * zoomed window. Curves of several runs are merged into one row per x so that the chart's hover and drag see
 * one x for all of them.
 */
import { isGpuSeries } from "./gpu";
import { smoothEma } from "./smoothing";
import type { SeriesPoint } from "./types";

export type XAxisKind = "step" | "seconds" | "wall";
export const X_AXIS_KINDS: readonly XAxisKind[] = ["step", "seconds", "wall"];

/** autoresearch's progress line, in the order it prints it; other series follow by name, GPU series last. */
const KNOWN_ORDER = ["loss", "lrm", "dt", "tok/sec", "mfu", "epoch", "remaining"];

export function panelOrder(names: Iterable<string>): string[] {
  const rank = (n: string) => {
    const known = KNOWN_ORDER.indexOf(n);
    return isGpuSeries(n) ? 2000 : known >= 0 ? known : 1000;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** A run's curve as the grid gets it: its series, and when it started (for the wall clock). */
export interface CurveInput {
  series: Record<string, SeriesPoint[]>;
  /** Epoch milliseconds; null when unknown (see axisFor and xOf for the wall clock). */
  startedAt: number | null;
}

/**
 * GPU telemetry is sampled by time, not by step (its step is the sample's index), so its panels use seconds
 * when the others use steps, as W&B's system panels do.
 */
export function axisFor(series: string, axis: XAxisKind, curves: readonly CurveInput[] = []): XAxisKind {
  if (axis === "step" && isGpuSeries(series)) return "seconds";
  // The page's own run without a known start has no wall clock: the panel then goes by seconds.
  if (axis === "wall" && curves[0]?.startedAt === null) return "seconds";
  return axis;
}

export function xOf(p: SeriesPoint, axis: XAxisKind, startedAt: number | null): number {
  if (axis === "step") return p.step;
  // Another curve whose start is not known has no place on the wall clock (NaN: not drawn).
  if (axis === "wall") return startedAt === null ? Number.NaN : startedAt + p.tMs;
  return p.tMs / 1000;
}

/** One merged row: x, then per curve i its raw value `r<i>` and its smoothed value `s<i>` where it has a point there. */
export type PanelRow = { x: number } & Record<string, number>;

export interface PanelData {
  /** The axis the panel is drawn on (see axisFor). */
  axis: XAxisKind;
  rows: PanelRow[];
  /** Points of each curve inside the window (what is drawn). */
  drawn: number[];
  /** The x extent of every curve, unzoomed: what a double-click returns to. */
  extent: [number, number] | null;
}

/**
 * Rows for one panel: every curve's points at their x, smoothed with TensorBoard's debiased EMA, restricted to
 * the zoom window (the y axis then fits what is visible), and without non-positive values on a log scale.
 */
export function panelData(curves: readonly CurveInput[], series: string, opts: { axis: XAxisKind; smoothing: number; log: boolean; window: [number, number] | null }): PanelData {
  const axis = axisFor(series, opts.axis, curves);
  const byX = new Map<number, PanelRow>();
  const drawn: number[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  curves.forEach((c, i) => {
    const raw = c.series[series] ?? [];
    const smooth = smoothEma(raw, opts.smoothing);
    let n = 0;
    raw.forEach((p, j) => {
      const x = xOf(p, axis, c.startedAt);
      if (!Number.isFinite(x) || !Number.isFinite(p.value)) return;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      if (opts.window && (x < opts.window[0] || x > opts.window[1])) return;
      if (opts.log && p.value <= 0) return;
      let row = byX.get(x);
      if (!row) {
        row = { x } as PanelRow;
        byX.set(x, row);
      }
      row[`r${i}`] = p.value;
      row[`s${i}`] = smooth[j]!.value;
      n++;
    });
    drawn.push(n);
  });
  return { axis, rows: [...byX.values()].sort((a, b) => a.x - b.x), drawn, extent: lo <= hi ? [lo, hi] : null };
}

/** The window a drag from a to b selects, or null when it is too narrow to mean a zoom (a click). */
export function dragWindow(a: number | null, b: number | null, extent: [number, number] | null): [number, number] | null {
  if (a === null || b === null || !extent) return null;
  const [from, to] = a < b ? [a, b] : [b, a];
  const span = extent[1] - extent[0];
  if (span <= 0 || (to - from) / span < 0.005) return null;
  return [from, to];
}

/** The x tick of an axis: steps as integers, seconds as "12s", the wall clock as local HH:MM:SS. */
export function formatX(v: number, axis: XAxisKind): string {
  if (axis === "step") return String(Math.round(v));
  if (axis === "seconds") return `${Math.round(v)}s`;
  const d = new Date(v);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

const WALL_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Wall-clock ticks on whole seconds (minutes, hours) of the day, at most about `count` of them. */
export function wallTicks(domain: [number, number] | null, count: number): number[] | undefined {
  if (!domain || domain[1] <= domain[0]) return undefined;
  const spanS = (domain[1] - domain[0]) / 1000;
  const stepMs = (WALL_STEPS_S.find((s) => spanS / s <= count) ?? WALL_STEPS_S.at(-1)!) * 1000;
  const ticks: number[] = [];
  for (let t = Math.ceil(domain[0] / stepMs) * stepMs; t <= domain[1]; t += stepMs) ticks.push(t);
  return ticks;
}
