/**
 * The run page's state, built from the live stream's messages: a pure reducer. Series grow as points
 * arrive and are decimated again (keeping spikes) whenever they pass the chart's budget by a fifth, so the
 * SVG never holds more than 1,200 points a series.
 */
import { CHART_POINTS, decimateMinMax } from "../core/decimate";
import type { SeriesPoint } from "../core/types";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../server/root";

type RunView = inferRouterOutputs<AppRouter>["run"]["byId"];

const REDECIMATE_AT = 1.2 * CHART_POINTS;

export interface LiveMessageData {
  run: RunView;
  snapshot?: Record<string, SeriesPoint[]>;
  points?: { series: string; step: number; value: number; tMs: number }[];
  log?: string[];
}

export interface LiveRunState {
  run: RunView | null;
  series: Record<string, SeriesPoint[]>;
  log: string[];
}

export const initialLiveRunState: LiveRunState = { run: null, series: {}, log: [] };

export function applyLiveMessage(state: LiveRunState, msg: LiveMessageData): LiveRunState {
  let series = state.series;
  if (msg.snapshot) series = msg.snapshot;
  if (msg.points?.length) {
    series = { ...series };
    const touched = new Set<string>();
    for (const p of msg.points) {
      if (!touched.has(p.series)) {
        series[p.series] = [...(series[p.series] ?? [])];
        touched.add(p.series);
      }
      series[p.series]!.push({ step: p.step, value: p.value, tMs: p.tMs });
    }
    for (const name of touched) {
      if (series[name]!.length > REDECIMATE_AT) series[name] = decimateMinMax(series[name]!, CHART_POINTS);
    }
  }
  return { run: msg.run, series, log: msg.log ?? state.log };
}
