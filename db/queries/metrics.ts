/**
 * Metric points: batched inserts for ingest, and the two reads the dashboard needs — one series whole (to
 * decimate) and everything after an id (the live stream). Hot paths use prepared statements directly.
 */
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

/** Inserts a batch and updates the run's progress in one transaction. */
export function insertPoints(db: Db, runId: number, points: readonly PointInput[], progress: { lastStep: number | null; pointCount: number }): void {
  const s = stmts(db);
  db.$client.transaction(() => {
    for (const p of points) s.insert.run(runId, p.series, p.step, p.tMs, p.value);
    updateRun(db, runId, progress);
  })();
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
