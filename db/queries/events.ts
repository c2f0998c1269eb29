import { and, desc, eq, gt, asc, sql } from "drizzle-orm";
import type { Db, DbLike } from "../open";
import { events } from "../schema";

export type EventRow = typeof events.$inferSelect;

export function appendEvent(db: DbLike, e: { type: string; at: number; workspaceId?: number | null; runId?: number | null; payload?: unknown }): number {
  const row = db
    .insert(events)
    .values({
      type: e.type,
      at: e.at,
      workspaceId: e.workspaceId ?? null,
      runId: e.runId ?? null,
      payloadJson: e.payload === undefined ? null : JSON.stringify(e.payload),
    })
    .returning({ id: events.id })
    .get();
  return row.id;
}

export function listEventsAfter(db: Db, afterId: number, limit = 500, runId?: number): EventRow[] {
  const where = runId === undefined ? gt(events.id, afterId) : and(gt(events.id, afterId), eq(events.runId, runId));
  return db.select().from(events).where(where).orderBy(asc(events.id)).limit(limit).all();
}

export function lastEventId(db: Db): number {
  return db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1).get()?.id ?? 0;
}

/** How many times an experiment took a lifecycle event (e.g. how often it was rebased onto a new best). */
export function countExperimentEvents(db: Db, experimentId: number, type: string): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(events)
    .where(and(eq(events.type, `experiment_${type}`), sql`json_extract(${events.payloadJson}, '$.experimentId') = ${experimentId}`))
    .get()!.n;
}
