/**
 * Metric points: batched inserts for ingest, and the two reads the dashboard needs — one series whole (to
 * decimate) and everything after an id (the live stream). Hot paths use prepared statements directly.
 */
import { CHART_POINTS, decimateMinMax } from "../../core/decimate";
import { SeriesSummary, type SeriesSummaryState } from "../../core/series-summary";
import type { SeriesPoint } from "../../core/types";
import type { Db } from "../open";
import { updateRun } from "./runs";

export interface PointInput {
  series: string;
  step: number;
  tMs: number;
  value: number;
}

export interface StoredPoint extends PointInput {
  id: number;
}

/** Three points a bucket, between this many buckets and twice as many: at most CHART_POINTS drawn. */
export const SUMMARY_BUCKETS = Math.floor(CHART_POINTS / 6);

const statements = new WeakMap<object, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  const c = db.$client;
  return {
    insert: c.prepare("INSERT INTO metric_points (run_id, series, step, t_ms, value) VALUES (?, ?, ?, ?, ?)"),
    // `+run_id` keeps SQLite on the primary key: the rows after a recent id are few, the run's rows many.
    after: c.prepare("SELECT id, series, step, t_ms AS tMs, value FROM metric_points WHERE id > ? AND +run_id = ? ORDER BY id LIMIT ?"),
    series: c.prepare("SELECT step, value, t_ms AS tMs FROM metric_points WHERE run_id = ? AND series = ? ORDER BY step, id"),
    names: c.prepare("SELECT DISTINCT series FROM metric_points WHERE run_id = ?"),
    maxId: c.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM metric_points WHERE run_id = ?"),
    lastSteps: c.prepare("SELECT series, MAX(step) AS step FROM metric_points WHERE run_id = ? GROUP BY series"),
    count: c.prepare("SELECT COUNT(*) AS n FROM metric_points WHERE run_id = ? AND series = ?"),
    span: c.prepare("SELECT MIN(t_ms) AS first, MAX(t_ms) AS last FROM metric_points WHERE run_id = ? AND series NOT LIKE 'gpu.%'"),
    // Between the summary and the run's newest point: the rows after it belong to later runs (millions, maybe).
    tail: c.prepare(
      "SELECT id, series, step, t_ms AS tMs, value FROM metric_points WHERE id > ? AND id <= COALESCE((SELECT last_point_id FROM runs WHERE id = ?), 9007199254740991) AND +run_id = ? ORDER BY id",
    ),
    summaries: c.prepare("SELECT series, through_id AS throughId, state_json AS stateJson FROM series_summaries WHERE run_id = ?"),
    saveSummary: c.prepare(
      "INSERT INTO series_summaries (run_id, series, through_id, state_json) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, series) DO UPDATE SET through_id = excluded.through_id, state_json = excluded.state_json",
    ),
  };
}

function stmts(db: Db) {
  let s = statements.get(db.$client);
  if (!s) {
    s = prepare(db);
    statements.set(db.$client, s);
  }
  return s;
}

/** Inserts a batch and updates the run's progress in one transaction; returns the id of the batch's last point. */
export function insertPoints(db: Db, runId: number, points: readonly PointInput[], progress: { lastStep: number | null; pointCount: number }): number {
  const s = stmts(db);
  return db.$client.transaction(() => {
    let last = 0;
    for (const p of points) last = Number(s.insert.run(runId, p.series, p.step, p.tMs, p.value).lastInsertRowid);
    updateRun(db, runId, { ...progress, lastPointId: last });
    return last;
  })();
}

/** Stores each series' summary as of the point `throughId`. */
export function saveSeriesSummaries(db: Db, runId: number, throughId: number, states: ReadonlyMap<string, SeriesSummaryState>): void {
  const s = stmts(db);
  db.$client.transaction(() => {
    for (const [series, state] of states) s.saveSummary.run(runId, series, throughId, JSON.stringify(state));
  })();
}

/**
 * Every series of a run as the chart draws it, each at most about CHART_POINTS points with its spikes, and the id
 * of the last point it includes (where a live stream goes on from). From the stored summaries and the points after
 * them when the runner wrote summaries (a million points in milliseconds); otherwise from every point.
 */
export function drawnSeries(db: Db, runId: number): { series: Record<string, SeriesPoint[]>; lastId: number } {
  const stored = stmts(db).summaries.all(runId) as { series: string; throughId: number; stateJson: string }[];
  if (stored.length === 0) {
    const series = Object.fromEntries(seriesNames(db, runId).map((name) => [name, decimateMinMax(seriesPoints(db, runId, name), CHART_POINTS)]));
    return { series, lastId: lastPointId(db, runId) };
  }
  const { summaries, lastId } = currentSummaries(db, runId);
  return { series: Object.fromEntries([...summaries.keys()].sort().map((name) => [name, summaries.get(name)!.points()])), lastId };
}

/**
 * Each series' summary brought up to the run's newest point: the stored summaries plus the points after them
 * (or every point, for a run stored without summaries). A runner that takes over a run goes on from these.
 */
export function currentSummaries(db: Db, runId: number): { summaries: Map<string, SeriesSummary>; lastId: number } {
  const s = stmts(db);
  const stored = s.summaries.all(runId) as { series: string; throughId: number; stateJson: string }[];
  const summaries = new Map(stored.map((r) => [r.series, new SeriesSummary(SUMMARY_BUCKETS, JSON.parse(r.stateJson) as SeriesSummaryState)]));
  let lastId = stored.length ? Math.min(...stored.map((r) => r.throughId)) : 0;
  for (const p of s.tail.iterate(lastId, runId, runId) as Iterable<StoredPoint>) {
    lastId = p.id;
    const own = stored.find((r) => r.series === p.series);
    if (own && p.id <= own.throughId) continue; // already in that series' summary
    let summary = summaries.get(p.series);
    if (!summary) summaries.set(p.series, (summary = new SeriesSummary(SUMMARY_BUCKETS)));
    summary.add({ step: p.step, tMs: p.tMs, value: p.value });
  }
  lastId = Math.max(lastId, ...stored.map((r) => r.throughId));
  return { summaries, lastId };
}

/** The highest step stored in each series of a run: points a replay of its log must not write twice. */
export function lastStepBySeries(db: Db, runId: number): Map<string, number> {
  return new Map((stmts(db).lastSteps.all(runId) as { series: string; step: number }[]).map((r) => [r.series, r.step]));
}

export function storedPointCount(db: Db, runId: number, series: string): number {
  return (stmts(db).count.get(runId, series) as { n: number }).n;
}

/** When, in the run's own milliseconds, its first and last stored progress records came (the gpu.* series aside). */
export function storedProgressSpan(db: Db, runId: number): { first: number | null; last: number | null } {
  return stmts(db).span.get(runId) as { first: number | null; last: number | null };
}

export function pointsAfter(db: Db, runId: number, afterId: number, limit = 5000): StoredPoint[] {
  return stmts(db).after.all(afterId, runId, limit) as StoredPoint[];
}

export function seriesPoints(db: Db, runId: number, series: string): SeriesPoint[] {
  return stmts(db).series.all(runId, series) as SeriesPoint[];
}

export function seriesNames(db: Db, runId: number): string[] {
  return (stmts(db).names.all(runId) as { series: string }[]).map((r) => r.series).sort();
}

export function lastPointId(db: Db, runId: number): number {
  return (stmts(db).maxId.get(runId) as { id: number }).id;
}

/** A series' newest point (by step), or null: what a progress line shows as the current loss. */
export function latestPoint(db: Db, runId: number, series: string): { step: number; value: number } | null {
  return (
    (db.$client.prepare("SELECT step, value FROM metric_points WHERE run_id = ? AND series = ? ORDER BY step DESC LIMIT 1").get(runId, series) as { step: number; value: number } | undefined) ?? null
  );
}
