/**
 * Runs. A run's status changes only in applyRunEvent: one transaction that checks the transition with the
 * pure lifecycle, writes the new status and appends the event row.
 */
import { and, asc, desc, eq, inArray, isNotNull, notInArray, type SQL, sql } from "drizzle-orm";
import type { ListSort, RunSort } from "../../core/list-sort";
import { nextRunStatus, type RunEvent } from "../../core/run-lifecycle";
import type { Db, DbLike } from "../open";
import { runs } from "../schema";
import { appendEvent } from "./events";

export type RunRow = typeof runs.$inferSelect;
type RunPatch = Partial<Omit<RunRow, "id" | "workspaceId" | "status">>;

/** origin "session" runs belong to a research loop, which starts them itself (the daemon's queue skips them). */
export function createRun(db: Db, r: { workspaceId: number; origin: RunRow["origin"]; at: number; commitSha?: string }): RunRow {
  return db.transaction((tx) => {
    const row = tx
      .insert(runs)
      .values({ workspaceId: r.workspaceId, origin: r.origin, status: "queued", requestedAt: r.at, commitSha: r.commitSha ?? null })
      .returning()
      .get();
    appendEvent(tx, { type: "run_queued", at: r.at, workspaceId: r.workspaceId, runId: row.id });
    return row;
  });
}

export function applyRunEvent(db: Db, runId: number, event: RunEvent, at: number, patch: RunPatch = {}): RunRow {
  return db.transaction((tx) => {
    const current = tx.select().from(runs).where(eq(runs.id, runId)).get();
    if (!current) throw new Error(`run ${runId} does not exist`);
    const status = nextRunStatus(current.status, event);
    const row = tx
      .update(runs)
      .set({ ...patch, status })
      .where(eq(runs.id, runId))
      .returning()
      .get();
    const payload = event.type === "run_ended" ? { outcome: event.outcome, reason: patch.reason ?? null } : undefined;
    appendEvent(tx, { type: event.type, at, workspaceId: current.workspaceId, runId, payload });
    return row;
  });
}

/** Fields that are not the status (progress, pid, the resolved commit); no event row. */
export function updateRun(db: DbLike, runId: number, patch: RunPatch): void {
  db.update(runs).set(patch).where(eq(runs.id, runId)).run();
}

/** Several runs in one query (a session's last runs, for a proposal's context). */
export function getRuns(db: Db, ids: readonly number[]): RunRow[] {
  return ids.length
    ? db
        .select()
        .from(runs)
        .where(inArray(runs.id, [...ids]))
        .all()
    : [];
}

export function getRun(db: Db, id: number): RunRow | undefined {
  return db.select().from(runs).where(eq(runs.id, id)).get();
}

const RUN_SORT_COLUMNS: Record<RunSort, SQL> = {
  id: sql`${runs.id}`,
  status: sql`${runs.status}`,
  metric: sql`${runs.metricValue}`,
  duration: sql`(${runs.endedAt} - ${runs.startedAt})`,
};

/** Runs, newest first unless sorted otherwise (those without a value last, either way), of one workspace or all, of one status or any. */
export function listRuns(db: Db, opts: { workspaceId?: number; limit?: number; status?: RunRow["status"] } & Partial<ListSort<RunSort>> = {}): RunRow[] {
  const column = RUN_SORT_COLUMNS[opts.sort ?? "id"];
  return db
    .select()
    .from(runs)
    .where(and(opts.workspaceId === undefined ? undefined : eq(runs.workspaceId, opts.workspaceId), opts.status ? eq(runs.status, opts.status) : undefined))
    .orderBy(sql`${column} IS NULL`, (opts.desc ?? true) ? desc(column) : asc(column), desc(runs.id))
    .limit(opts.limit ?? 100)
    .all();
}

/** The oldest run queued by the web, for the runner daemon to start. */
/** The web's oldest queued run, leaving out those already being started (`starting`). */
export function nextQueuedRun(db: Db, starting: readonly number[] = []): RunRow | undefined {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.status, "queued"), eq(runs.origin, "web"), ...(starting.length ? [notInArray(runs.id, [...starting])] : [])))
    .orderBy(asc(runs.id))
    .limit(1)
    .get();
}

export function runsWithStatus(db: Db, status: RunRow["status"]): RunRow[] {
  return db.select().from(runs).where(eq(runs.status, status)).all();
}

export function requestCancel(db: Db, runId: number, at: number): RunRow | undefined {
  return db.transaction((tx) => {
    const row = tx.update(runs).set({ cancelRequestedAt: at }).where(eq(runs.id, runId)).returning().get();
    if (row) appendEvent(tx, { type: "run_cancel_requested", at, workspaceId: row.workspaceId, runId });
    return row;
  });
}

export function cancelRequestedRunIds(db: Db): number[] {
  return db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.status, "running"), isNotNull(runs.cancelRequestedAt)))
    .all()
    .map((r) => r.id);
}
