/**
 * The hyperparameter charts as ECharts options: a scatter of one constant against the metric, coloured by
 * status, and parallel coordinates of the constants that changed, coloured by the metric. Pure data → option,
 * so the dashboard draws them on a canvas and `overseer report` renders the same options to SVG
 * (docs/decisions/0022-echarts-for-charts-of-many-marks.md).
 */
import type { EChartsCoreOption } from "echarts/core";
import { axisOf, type HyperparameterRow, numericValue } from "./hyperparameters";
import type { MetricGoal } from "./types";

/** Status groups and their colours, as the experiment table's badges show them. */
export const STATUS_GROUPS = [
  { name: "kept", color: "#16a34a", statuses: ["kept"] },
  { name: "discarded", color: "#9ca3af", statuses: ["discarded", "rejected"] },
  { name: "crashed", color: "#dc2626", statuses: ["crashed", "diverged", "oom", "timed_out", "tampered"] },
  { name: "other", color: "#2563eb", statuses: [] as string[] },
] as const;

export function statusGroup(status: string): (typeof STATUS_GROUPS)[number] {
  return STATUS_GROUPS.find((g) => (g.statuses as readonly string[]).includes(status)) ?? STATUS_GROUPS[3];
}

/** Deterministic spread of points that share a category, so that 500 experiments at "adam" are not one dot. */
function jitter(id: number): number {
  const x = Math.sin(id * 12.9898) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 0.5;
}

/** A log axis for values that span more than two orders of magnitude and are all positive (learning rates). */
export function wantsLogAxis(values: readonly number[]): boolean {
  if (values.length < 2 || values.some((v) => !(v > 0))) return false;
  return Math.max(...values) / Math.min(...values) > 100;
}

export interface ScatterPoint {
  x: number;
  y: number;
  id: number;
  idx: number;
}

/** The points of a scatter of `name` against the metric: experiments with both, by status group. */
export function scatterPoints(rows: readonly HyperparameterRow[], name: string) {
  const axis = axisOf(rows, name);
  const groups = new Map<string, ScatterPoint[]>();
  for (const r of rows) {
    const v = r.values[name];
    if (v === undefined || r.metricValue === null || !Number.isFinite(r.metricValue)) continue;
    const x = axis.kind === "number" ? numericValue(v) : axis.categories.indexOf(v) + jitter(r.id);
    if (x === null) continue;
    const g = statusGroup(r.status).name;
    const list = groups.get(g) ?? [];
    list.push({ x, y: r.metricValue, id: r.id, idx: r.idx });
    groups.set(g, list);
  }
  return { axis, groups };
}

export function scatterOption(rows: readonly HyperparameterRow[], name: string, metricName: string): { option: EChartsCoreOption; points: number } {
  const { axis, groups } = scatterPoints(rows, name);
  const xs = [...groups.values()].flat().map((p) => p.x);
  const log = axis.kind === "number" && wantsLogAxis(xs);
  const series = STATUS_GROUPS.filter((g) => groups.has(g.name)).map((g) => ({
    name: g.name,
    type: "scatter",
    // ECharts' large mode draws thousands of points as one path.
    large: true,
    largeThreshold: 2000,
    symbolSize: 6,
    itemStyle: { color: g.color, opacity: g.name === "discarded" ? 0.6 : 0.9 },
    data: groups.get(g.name)!.map((p) => [p.x, p.y, p.id, p.idx]),
  }));
  const xAxis =
    axis.kind === "number"
      ? { type: log ? "log" : "value", name, nameLocation: "middle", nameGap: 28, scale: true }
      : {
          type: "value",
          name,
          nameLocation: "middle",
          nameGap: 28,
          min: -0.5,
          max: axis.categories.length - 0.5,
          interval: 1,
          axisLabel: { formatter: (v: number) => axis.categories[Math.round(v)] ?? "" },
        };
  return {
    points: xs.length,
    option: {
      animation: false,
      legend: { top: 0 },
      grid: { left: 72, right: 24, top: 32, bottom: 48 },
      xAxis,
      yAxis: { type: "value", name: metricName, scale: true },
      tooltip: { trigger: "item" },
      series,
    },
  };
}

/** The axes of parallel coordinates: the constants given (most important first), then the metric. */
export function parallelOption(rows: readonly HyperparameterRow[], names: readonly string[], metricName: string, goal: MetricGoal): { option: EChartsCoreOption; lines: number } {
  const scored = rows.filter((r) => r.metricValue !== null && Number.isFinite(r.metricValue));
  const axes = names.map((n, dim) => {
    const a = axisOf(scored, n);
    // A constant some experiments lack is an axis of categories with "—" for them.
    const complete = scored.every((r) => r.values[n] !== undefined);
    if (a.kind === "number" && complete) return { dim, name: n, type: "value", scale: true, value: (r: HyperparameterRow) => numericValue(r.values[n]!) };
    const cats = [...new Set(scored.map((r) => r.values[n] ?? "—"))].sort(
      (x, y) => (numericValue(x) ?? Number.POSITIVE_INFINITY) - (numericValue(y) ?? Number.POSITIVE_INFINITY) || x.localeCompare(y),
    );
    return { dim, name: n, type: "category", data: cats, value: (r: HyperparameterRow) => r.values[n] ?? "—" };
  });
  const metrics = scored.map((r) => r.metricValue!);
  const min = metrics.length ? Math.min(...metrics) : 0;
  const max = metrics.length ? Math.max(...metrics) : 1;
  const good = "#16a34a";
  const bad = "#dc2626";
  return {
    lines: scored.length,
    option: {
      animation: false,
      parallel: { left: 48, right: 96, top: 48, bottom: 32 },
      parallelAxis: [
        ...axes.map(({ value: _, ...a }) => ({ ...a, nameTextStyle: { fontSize: 11 }, nameGap: 12 })),
        { dim: axes.length, name: metricName, type: "value", scale: true, inverse: goal === "minimize", nameTextStyle: { fontWeight: "bold" } },
      ],
      visualMap: {
        type: "continuous",
        dimension: axes.length,
        min,
        max,
        right: 0,
        bottom: 32,
        itemHeight: 120,
        calculable: true,
        precision: 3,
        text: goal === "minimize" ? ["worse", "better"] : ["better", "worse"],
        inRange: { color: goal === "minimize" ? [good, "#eab308", bad] : [bad, "#eab308", good] },
      },
      series: [
        {
          type: "parallel",
          lineStyle: { width: 1, opacity: 0.45 },
          // A thousand lines a frame: the scatter beside it is drawn meanwhile (all at once held both back ~20%).
          progressive: 1000,
          data: scored.map((r) => [...axes.map((a) => a.value(r)), r.metricValue]),
        },
      ],
    },
  };
}
