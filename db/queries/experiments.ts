/**
 * Experiments. Their status changes only in applyExperimentEvent: the pure lifecycle checks the transition,
 * and the new status and the event row are written in one transaction.
 */
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lte, max, ne, sql } from "drizzle-orm";
import { DEFAULT_EXPERIMENT_QUERY, type ExperimentQuery } from "../../core/experiment-query";
import { nextExperimentStatus, type ExperimentEvent } from "../../core/experiment-lifecycle";
import type { ExperimentStatus } from "../../core/types";
import type { Db, DbLike } from "../open";
import { experiments, sessions } from "../schema";
import { appendEvent } from "./events";

export type ExperimentRow = typeof experiments.$inferSelect;
export type ExperimentPatch = Partial<Omit<ExperimentRow, "id" | "sessionId" | "idx" | "status">>;

export function createExperiment(db: Db, e: Omit<typeof experiments.$inferInsert, "id" | "idx" | "createdAt"> & { at: number }): ExperimentRow {
  return db.transaction((tx) => {
    const last = tx
      .select({ idx: max(experiments.idx) })
      .from(experiments)
      .where(eq(experiments.sessionId, e.sessionId))
      .get();
    const { at, ...values } = e;
    const row = tx
      .insert(experiments)
      .values({ ...values, idx: last?.idx === null || last?.idx === undefined ? 0 : last.idx + 1, createdAt: at })
      .returning()
      .get();
    const ws = tx.select({ workspaceId: sessions.workspaceId }).from(sessions).where(eq(sessions.id, e.sessionId)).get();
    appendEvent(tx, { type: "experiment_created", at, workspaceId: ws?.workspaceId, payload: { sessionId: e.sessionId, experimentId: row.id, status: row.status } });
    return row;
  });
}

export function applyExperimentEvent(db: Db, id: number, event: ExperimentEvent, at: number, patch: ExperimentPatch = {}): ExperimentRow {
  return db.transaction((tx) => {
    const current = tx.select().from(experiments).where(eq(experiments.id, id)).get();
    if (!current) throw new Error(`experiment ${id} does not exist`);
    const status = nextExperimentStatus(current.status, event);
    const row = tx
      .update(experiments)
      .set({ ...patch, status })
      .where(eq(experiments.id, id))
      .returning()
      .get();
    appendEvent(tx, { type: `experiment_${event.type}`, at, payload: { sessionId: current.sessionId, experimentId: id, status } });
    return row;
  });
}

export function updateExperiment(db: DbLike, id: number, patch: ExperimentPatch): ExperimentRow {
  return db.update(experiments).set(patch).where(eq(experiments.id, id)).returning().get();
}

export function getExperiment(db: Db, id: number): ExperimentRow | undefined {
  return db.select().from(experiments).where(eq(experiments.id, id)).get();
}

/** A session's experiment ids in order, without reading their code and diffs. */
export function listExperimentIds(db: Db, sessionId: number): number[] {
  return db
    .select({ id: experiments.id })
    .from(experiments)
    .where(eq(experiments.sessionId, sessionId))
    .orderBy(asc(experiments.idx))
    .all()
    .map((r) => r.id);
}

export function listExperiments(db: Db, sessionId: number): ExperimentRow[] {
  return db.select().from(experiments).where(eq(experiments.sessionId, sessionId)).orderBy(asc(experiments.idx)).all();
}

/** What a session's counters, progress chart and top hits need of every experiment: a few small columns. */
export function listExperimentOutlines(db: Db, sessionId: number) {
  return db
    .select({
      id: experiments.id,
      idx: experiments.idx,
      kind: experiments.kind,
      status: experiments.status,
      title: experiments.title,
      metricValue: experiments.metricValue,
      decidedAt: experiments.decidedAt,
      interruptedFrom: experiments.interruptedFrom,
    })
    .from(experiments)
    .where(eq(experiments.sessionId, sessionId))
    .orderBy(asc(experiments.idx))
    .all();
}

/** A human's labels on an experiment (core/tags: already checked and sorted). */
export function setExperimentTags(db: Db, id: number, tags: readonly string[]): void {
  db.update(experiments)
    .set({ tagsJson: JSON.stringify(tags) })
    .where(eq(experiments.id, id))
    .run();
}

/** Every tag used in a session's experiments, for the table's filter. */
export function sessionExperimentTags(db: Db, sessionId: number): string[] {
  const rows = db.all<{ tag: string }>(sql`SELECT DISTINCT j.value AS tag FROM ${experiments}, json_each(${experiments.tagsJson}) j WHERE ${experiments.sessionId} = ${sessionId} ORDER BY tag`);
  return rows.map((r) => r.tag);
}

/** The SQL of an experiment table's filters (core/experiment-query), within one session. */
function tableFilter(sessionId: number, q: ExperimentQuery) {
  const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return and(
    eq(experiments.sessionId, sessionId),
    q.status ? eq(experiments.status, q.status) : undefined,
    q.kind === "human-edited" ? eq(experiments.humanEdited, true) : q.kind ? eq(experiments.kind, q.kind) : undefined,
    q.gate ? sql`json_extract(${experiments.verdictJson}, '$.level') = ${q.gate}` : undefined,
    q.proposer ? eq(experiments.proposer, q.proposer) : undefined,
    q.tag ? sql`EXISTS (SELECT 1 FROM json_each(${experiments.tagsJson}) WHERE value = ${q.tag})` : undefined,
    q.text ? sql`(${experiments.title} LIKE ${like(q.text)} ESCAPE '\\' OR ${experiments.hypothesis} LIKE ${like(q.text)} ESCAPE '\\')` : undefined,
    q.tried
      ? sql`(EXISTS (SELECT 1 FROM json_each(${experiments.analysisJson}, '$.axis.constants') WHERE value = ${q.tried}) OR EXISTS (SELECT 1 FROM json_each(${experiments.analysisJson}, '$.axis.blocks') WHERE value = ${q.tried}))`
      : undefined,
    q.metricMin !== undefined ? gte(experiments.metricValue, q.metricMin) : undefined,
    q.metricMax !== undefined ? lte(experiments.metricValue, q.metricMax) : undefined,
  );
}

/** What a session's experiments tried (core/change-axis), each with how many tried it: the table's "tried" filter. */
export function sessionExperimentAxes(db: Db, sessionId: number): { name: string; experiments: number }[] {
  return db.all<{ name: string; experiments: number }>(sql`
    SELECT j.value AS name, count(DISTINCT ${experiments.id}) AS experiments
    FROM ${experiments}, json_each(${experiments.analysisJson}, '$.axis.constants') j
    WHERE ${experiments.sessionId} = ${sessionId} AND json_valid(${experiments.analysisJson}) GROUP BY j.value
    UNION ALL
    SELECT j.value AS name, count(DISTINCT ${experiments.id}) AS experiments
    FROM ${experiments}, json_each(${experiments.analysisJson}, '$.axis.blocks') j
    WHERE ${experiments.sessionId} = ${sessionId} AND json_valid(${experiments.analysisJson}) GROUP BY j.value
    ORDER BY experiments DESC, name`);
}

const SORT_COLUMNS = { idx: experiments.idx, title: experiments.title, status: experiments.status, metric: experiments.metricValue, delta: experiments.delta } as const;

/** How many of a session's experiments its table shows under these filters. */
export function countExperimentRows(db: Db, sessionId: number, q: ExperimentQuery): number {
  return db.select({ n: count() }).from(experiments).where(tableFilter(sessionId, q)).get()?.n ?? 0;
}

/**
 * One page of a session's experiment table, newest first unless sorted otherwise (experiments without a value
 * last, either way), without code, diffs or verdicts.
 */
export function listExperimentPage(db: Db, sessionId: number, offset: number, limit: number, q: ExperimentQuery = DEFAULT_EXPERIMENT_QUERY) {
  const column = SORT_COLUMNS[q.sort];
  return db
    .select({
      id: experiments.id,
      idx: experiments.idx,
      kind: experiments.kind,
      status: experiments.status,
      title: experiments.title,
      metricValue: experiments.metricValue,
      delta: experiments.delta,
      commitSha: experiments.commitSha,
      // The table shows the reason's first line; a long traceback stays on the experiment's page.
      reason: sql<string | null>`substr(${experiments.reason}, 1, 300)`,
      humanEdited: experiments.humanEdited,
      tagsJson: experiments.tagsJson,
      /** What it tried, as its cached analysis says (null until derived: db/queries/experiment-analysis). */
      tried: sql<string | null>`json_extract(${experiments.analysisJson}, '$.axis')`,
      ran: sql<boolean>`${experiments.runIdsJson} != '[]'`.mapWith(Boolean),
      /** Its runs' values, in order, when it ran more than once (repeats, confirmation runs): a JSON array. */
      runValues: sql<
        string | null
      >`CASE WHEN json_array_length(${experiments.runIdsJson}) > 1 THEN (SELECT json_group_array(r.metric_value) FROM runs r WHERE r.id IN (SELECT value FROM json_each(${experiments.runIdsJson})) AND r.metric_value IS NOT NULL) END`,
      createdAt: experiments.createdAt,
    })
    .from(experiments)
    .where(tableFilter(sessionId, q))
    .orderBy(sql`${column} IS NULL`, q.desc ? desc(column) : asc(column), desc(experiments.idx))
    .limit(limit)
    .offset(offset)
    .all();
}

/** A session's experiments in the given statuses (those in flight or waiting for a human: a handful), whole. */
export function listExperimentsInStatuses(db: Db, sessionId: number, statuses: readonly ExperimentStatus[]): ExperimentRow[] {
  return db
    .select()
    .from(experiments)
    .where(and(eq(experiments.sessionId, sessionId), inArray(experiments.status, [...statuses])))
    .orderBy(asc(experiments.idx))
    .all();
}

/** How many of a session's experiments were created at or after a time: where a steering note sits in the table. */
export function countExperimentsSince(db: Db, sessionId: number, at: number): number {
  return (
    db
      .select({ n: count() })
      .from(experiments)
      .where(and(eq(experiments.sessionId, sessionId), gte(experiments.createdAt, at)))
      .get()?.n ?? 0
  );
}

/** The experiment of a session that made a commit: how a candidate finds its parent from its parentCommit. */
export function findExperimentByCommit(db: Db, sessionId: number, sha: string): ExperimentRow | undefined {
  return db
    .select()
    .from(experiments)
    .where(and(eq(experiments.sessionId, sessionId), eq(experiments.commitSha, sha)))
    .get();
}

/** The session's baseline: the experiment whose snapshot holds every editable file. */
export function getBaselineExperiment(db: Db, sessionId: number): ExperimentRow | undefined {
  return db
    .select()
    .from(experiments)
    .where(and(eq(experiments.sessionId, sessionId), eq(experiments.kind, "baseline")))
    .orderBy(asc(experiments.idx))
    .get();
}

/** Experiments of a workspace that ran, newest first, whose title contains `q`: the compare view's picker. */
export function searchWorkspaceExperiments(db: Db, workspaceId: number, q: string, limit: number) {
  return db
    .select({ id: experiments.id, idx: experiments.idx, title: experiments.title, status: experiments.status, metricValue: experiments.metricValue, sessionId: sessions.id, sessionTag: sessions.tag })
    .from(experiments)
    .innerJoin(sessions, eq(sessions.id, experiments.sessionId))
    .where(and(eq(sessions.workspaceId, workspaceId), ne(experiments.runIdsJson, "[]"), q ? sql`instr(lower(${experiments.title}), lower(${q})) > 0` : undefined))
    .orderBy(desc(experiments.sessionId), desc(experiments.idx))
    .limit(limit)
    .all();
}

/** The configurations (core/mutate configSignature) every session of a workspace has tried: none is proposed twice. */
export function listWorkspaceConfigSigs(db: Db, workspaceId: number): string[] {
  return db
    .selectDistinct({ sig: experiments.configSig })
    .from(experiments)
    .innerJoin(sessions, eq(sessions.id, experiments.sessionId))
    .where(and(eq(sessions.workspaceId, workspaceId), isNotNull(experiments.configSig)))
    .all()
    .map((r) => r.sig!);
}

/** Every experiment that waits for a human now (an approval, a keep or discard not yet given), oldest first. */
export function listWaitingForHuman(db: Db, limit = 100) {
  return db
    .select({ id: experiments.id, sessionId: experiments.sessionId, idx: experiments.idx, title: experiments.title, status: experiments.status, createdAt: experiments.createdAt })
    .from(experiments)
    .where(and(inArray(experiments.status, ["awaiting_approval", "awaiting_decision"]), isNull(experiments.humanVerdict)))
    .orderBy(asc(experiments.createdAt), asc(experiments.id))
    .limit(limit)
    .all();
}

/** The experiment one of whose runs this is (a session's run), if any. */
export function findExperimentByRun(db: Db, runId: number): ExperimentRow | undefined {
  return db.select().from(experiments).where(sql`exists (select 1 from json_each(${experiments.runIdsJson}) where json_each.value = ${runId})`).get();
}
