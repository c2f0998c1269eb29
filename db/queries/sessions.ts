/** Sessions and their steering notes. */
import { and, asc, desc, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { ListSort, SessionSort } from "../../core/list-sort";
import { nextSessionStatus, type SessionEvent } from "../../core/session-lifecycle";
import { sessionOptionsSchema, type SessionOptions } from "../../core/session-options";
import type { Db, DbLike } from "../open";
import { experiments, sessions, steeringNotes } from "../schema";
import { appendEvent } from "./events";

export type SessionRow = typeof sessions.$inferSelect;
/** What a patch may change: anything but the status, which only applySessionEvent writes. */
type SessionPatch = Partial<Omit<SessionRow, "id" | "workspaceId" | "status" | "driver">>;

/** One session row and the event that says how it came to be, in one transaction. */
function insertSession(db: Db, values: typeof sessions.$inferInsert, eventType: string, at: number): SessionRow {
  return db.transaction((tx) => {
    const row = tx.insert(sessions).values(values).returning().get();
    appendEvent(tx, { type: eventType, at, workspaceId: values.workspaceId, payload: { sessionId: row.id } });
    return row;
  });
}

export function createSession(db: Db, s: { workspaceId: number; tag: string; branch: string; origin: "web" | "cli"; options: SessionOptions; baselineCommit: string; at: number }): SessionRow {
  const { options, baselineCommit, at, ...rest } = s;
  return insertSession(
    db,
    { ...rest, status: "running", proposer: options.proposer, optionsJson: JSON.stringify(options), baselineCommit, bestCommit: baselineCommit, createdAt: at },
    "session_started",
    at,
  );
}

/** A session adopted from autoresearch (`overseer import`): a finished record on its own branch, driven by nothing. */
export function createImportedSession(
  db: Db,
  s: { workspaceId: number; tag: string; branch: string; options: SessionOptions; baselineCommit: string; at: number; endedAt: number; stopReason: string },
): SessionRow {
  const { options, baselineCommit, at, ...rest } = s;
  const values = {
    ...rest,
    status: "finished" as const,
    origin: "import" as const,
    proposer: "autoresearch",
    optionsJson: JSON.stringify(options),
    baselineCommit,
    bestCommit: baselineCommit,
    createdAt: at,
  };
  return insertSession(db, values, "session_imported", Date.now());
}

/** The web's request for a loop: the runner resolves HEAD, creates the branch and fills in the rest. */
export function queueSession(db: Db, s: { workspaceId: number; tag: string | null; options: SessionOptions; at: number }): SessionRow {
  const values = {
    workspaceId: s.workspaceId,
    tag: s.tag ?? "",
    branch: "",
    status: "queued" as const,
    origin: "web" as const,
    proposer: s.options.proposer,
    optionsJson: JSON.stringify(s.options),
    baselineCommit: "",
    bestCommit: "",
    createdAt: s.at,
  };
  return insertSession(db, values, "session_queued", s.at);
}

export function getSession(db: Db, id: number): SessionRow | undefined {
  return db.select().from(sessions).where(eq(sessions.id, id)).get();
}

const SESSION_SORT_COLUMNS: Record<SessionSort, SQL> = {
  id: sql`${sessions.id}`,
  status: sql`${sessions.status}`,
  proposer: sql`${sessions.proposer}`,
  best: sql`${sessions.bestValue}`,
  experiments: sql`(SELECT count(*) FROM ${experiments} WHERE ${experiments.sessionId} = ${sessions.id})`,
};

/** Sessions, newest first unless sorted otherwise (those without a value last), of one workspace or all, of one status or any. */
export function listSessions(db: Db, workspaceId?: number, opts: { status?: SessionRow["status"] } & Partial<ListSort<SessionSort>> = {}): (SessionRow & { experimentCount: number })[] {
  const column = SESSION_SORT_COLUMNS[opts.sort ?? "id"];
  return db
    .select({ ...getTableColumns(sessions), experimentCount: sql<number>`${SESSION_SORT_COLUMNS.experiments}` })
    .from(sessions)
    .where(and(workspaceId === undefined ? undefined : eq(sessions.workspaceId, workspaceId), opts.status ? eq(sessions.status, opts.status) : undefined))
    .orderBy(sql`${column} IS NULL`, (opts.desc ?? true) ? desc(column) : asc(column), desc(sessions.id))
    .all();
}

/** The oldest session the daemon should drive: asked for from the web, and not ended. */
/** The web's sessions the runner is to drive: queued, running or paused, oldest first. */
export function activeWebSessions(db: Db): SessionRow[] {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.origin, "web"), inArray(sessions.status, ["queued", "running", "paused"])))
    .orderBy(asc(sessions.id))
    .all();
}

/**
 * Takes the session for `driver` (one process drives a session's loop at a time), unless another driver holds it
 * and still lives (`holderAlive`, by process identity). Both in one transaction: two loops starting together
 * cannot both win.
 */
export function claimSession(db: Db, id: number, driver: string, holderAlive: (holder: string) => boolean): { ok: true } | { ok: false; holder: string } {
  return db.transaction((tx) => {
    const row = tx.select({ driver: sessions.driver }).from(sessions).where(eq(sessions.id, id)).get();
    if (!row) throw new Error(`session ${id} does not exist`);
    if (row.driver && row.driver !== driver && holderAlive(row.driver)) return { ok: false as const, holder: row.driver };
    tx.update(sessions).set({ driver }).where(eq(sessions.id, id)).run();
    return { ok: true as const };
  });
}

/** Lets the session go, if `driver` still holds it. */
export function releaseSession(db: Db, id: number, driver: string): void {
  db.update(sessions)
    .set({ driver: null })
    .where(and(eq(sessions.id, id), eq(sessions.driver, driver)))
    .run();
}

/** Updates a session (not its status: applySessionEvent); a human's request is also recorded as an event. */
/** A human's labels on a session (core/tags: already checked and sorted). */
export function setSessionTags(db: Db, id: number, tags: readonly string[]): void {
  db.update(sessions)
    .set({ tagsJson: JSON.stringify(tags) })
    .where(eq(sessions.id, id))
    .run();
}

export function updateSession(db: DbLike, id: number, patch: SessionPatch, at: number, eventType?: string): void {
  const row = db.update(sessions).set(patch).where(eq(sessions.id, id)).returning({ workspaceId: sessions.workspaceId }).get();
  if (row && eventType) appendEvent(db, { type: eventType, at, workspaceId: row.workspaceId, payload: { sessionId: id, ...patch } });
}

/**
 * A session's status changes by its lifecycle (core/session-lifecycle): the new status, the rest of the patch and
 * the event (`session_<event>`, unless named) in one transaction. Refuses a change the lifecycle does not allow.
 */
export function applySessionEvent(db: Db, id: number, event: SessionEvent, at: number, patch: SessionPatch = {}, eventType = `session_${event}`): SessionRow {
  return db.transaction((tx) => {
    const row = tx.select().from(sessions).where(eq(sessions.id, id)).get();
    if (!row) throw new Error(`session ${id} does not exist`);
    const status = nextSessionStatus(row.status, event);
    const next = tx
      .update(sessions)
      .set({ ...patch, status })
      .where(eq(sessions.id, id))
      .returning()
      .get();
    appendEvent(tx, { type: eventType, at, workspaceId: row.workspaceId, payload: { sessionId: id, status, ...patch } });
    return next;
  });
}

/** A session's options, with the defaults of options added since it was started (a session from an older Overseer resumes). */
/**
 * A session's options as the schema reads them: a session stored before an option existed gets its default, and
 * a stored value the schema no longer accepts is replaced by its default rather than passed on unchecked.
 */
export function sessionOptions(s: SessionRow): SessionOptions {
  let raw: Record<string, unknown>;
  try {
    const parsed = JSON.parse(s.optionsJson) as unknown;
    raw = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? { ...(parsed as Record<string, unknown>) } : {};
  } catch {
    raw = {};
  }
  for (;;) {
    const parsed = sessionOptionsSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const bad = parsed.error.issues.map((i) => String(i.path[0] ?? "")).filter((k) => k in raw);
    if (!bad.length) return sessionOptionsSchema.parse({});
    for (const key of bad) delete raw[key];
  }
}

export function addSteeringNote(db: Db, sessionId: number, text: string, at: number) {
  return db.transaction((tx) => {
    const row = tx.insert(steeringNotes).values({ sessionId, text, createdAt: at }).returning().get();
    appendEvent(tx, { type: "steering_added", at, payload: { sessionId, noteId: row.id } });
    return row;
  });
}

export function listSteeringNotes(db: Db, sessionId: number) {
  return db.select().from(steeringNotes).where(eq(steeringNotes.sessionId, sessionId)).orderBy(asc(steeringNotes.id)).all();
}
