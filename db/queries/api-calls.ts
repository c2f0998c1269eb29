/**
 * The ledger of Claude API calls. A call and the costs it adds to its session (and experiment) are one
 * transaction, and the costs are added in SQL (`cost_usd = cost_usd + ?`), so concurrent writers — the
 * proposer preparing the next candidate, the reviewer reading another — never overwrite each other's sums.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { ApiTotals } from "../../core/claude/api-totals";
import type { Db } from "../open";
import { apiCalls, experiments, sessions } from "../schema";

export type ApiCallRow = typeof apiCalls.$inferSelect;
export type ApiCallInput = Omit<typeof apiCalls.$inferInsert, "id">;

export function recordApiCall(db: Db, call: ApiCallInput): ApiCallRow {
  return db.transaction((tx) => {
    const row = tx.insert(apiCalls).values(call).returning().get();
    const cost = call.costUsd ?? 0;
    if (cost > 0) {
      tx.update(sessions)
        .set({ costUsd: sql`${sessions.costUsd} + ${cost}` })
        .where(eq(sessions.id, call.sessionId))
        .run();
      if (call.experimentId != null)
        tx.update(experiments)
          .set({ costUsd: sql`${experiments.costUsd} + ${cost}` })
          .where(eq(experiments.id, call.experimentId))
          .run();
    }
    return row;
  });
}

/** Gives a proposal's calls (recorded before its experiment existed) to that experiment, and their cost with them. */
export function linkApiCalls(db: Db, callIds: readonly number[], experimentId: number): void {
  if (callIds.length === 0) return;
  db.transaction((tx) => {
    const unlinked = and(inArray(apiCalls.id, [...callIds]), isNull(apiCalls.experimentId));
    const sum =
      tx
        .select({ cost: sql<number>`coalesce(sum(${apiCalls.costUsd}), 0)` })
        .from(apiCalls)
        .where(unlinked)
        .get()?.cost ?? 0;
    tx.update(apiCalls).set({ experimentId }).where(unlinked).run();
    if (sum > 0)
      tx.update(experiments)
        .set({ costUsd: sql`${experiments.costUsd} + ${sum}` })
        .where(eq(experiments.id, experimentId))
        .run();
  });
}

/** Adds a cost that no metered call carries, in SQL like the others. */
export function addCosts(db: Db, sessionId: number, experimentId: number | null, costUsd: number): void {
  db.transaction((tx) => {
    tx.update(sessions)
      .set({ costUsd: sql`${sessions.costUsd} + ${costUsd}` })
      .where(eq(sessions.id, sessionId))
      .run();
    if (experimentId !== null)
      tx.update(experiments)
        .set({ costUsd: sql`${experiments.costUsd} + ${costUsd}` })
        .where(eq(experiments.id, experimentId))
        .run();
  });
}

export function listApiCalls(db: Db, where: { sessionId?: number; experimentId?: number }): ApiCallRow[] {
  const q = db.select().from(apiCalls);
  if (where.experimentId !== undefined) return q.where(eq(apiCalls.experimentId, where.experimentId)).orderBy(apiCalls.id).all();
  if (where.sessionId !== undefined) return q.where(eq(apiCalls.sessionId, where.sessionId)).orderBy(apiCalls.id).all();
  return q.orderBy(apiCalls.id).all();
}

/** Sums for a session or one experiment; the cache-read share is cacheReadTokens over all input tokens. */
export function apiCallTotals(db: Db, where: { sessionId: number } | { experimentId: number }): ApiTotals {
  const cond = "sessionId" in where ? eq(apiCalls.sessionId, where.sessionId) : eq(apiCalls.experimentId, where.experimentId);
  const r = db
    .select({
      calls: sql<number>`count(*)`,
      failed: sql<number>`coalesce(sum(${apiCalls.outcome} != 'ok'), 0)`,
      inputTokens: sql<number>`coalesce(sum(${apiCalls.inputTokens}), 0)`,
      outputTokens: sql<number>`coalesce(sum(${apiCalls.outputTokens}), 0)`,
      cacheWriteTokens: sql<number>`coalesce(sum(${apiCalls.cacheWrite5mTokens} + ${apiCalls.cacheWrite1hTokens}), 0)`,
      cacheReadTokens: sql<number>`coalesce(sum(${apiCalls.cacheReadTokens}), 0)`,
      unpriced: sql<number>`coalesce(sum(${apiCalls.costUsd} is null), 0)`,
      costUsd: sql<number>`coalesce(sum(${apiCalls.costUsd}), 0)`,
    })
    .from(apiCalls)
    .where(cond)
    .get();
  return r ?? { calls: 0, failed: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, unpriced: 0, costUsd: 0 };
}
