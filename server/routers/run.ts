import "server-only";
import { RUN_SORTS } from "../../core/list-sort";
import { RUN_STATUSES } from "../../core/types";
import { tracked, TRPCError } from "@trpc/server";
import { z } from "zod";
import { eventCursor, recordId } from "../inputs";
import { IllegalTransition, isTerminal } from "../../core/run-lifecycle";
import type { SeriesPoint } from "../../core/types";
import type { Db } from "../../db/open";
import { drawnSeries, pointsAfter } from "../../db/queries/metrics";
import { applyRunEvent, createRun, getRun, listRuns, requestCancel } from "../../db/queries/runs";
import { getWorkspace } from "../../db/queries/workspaces";
import { logSize, readLogTail } from "../log-file";
import { databaseChange } from "../db-changes";
import { publicProcedure, router, withStreamSlot } from "../trpc";
import { credentialStillValid } from "../access-policy";
import { runView, type RunView } from "../views";

/** The stream wakes at each write to the database (server/db-changes.ts); this is only its fallback poll. */
const POLL_MS = 500;
const LOG_LINES = 40;

export interface LiveMessage {
  run: RunView;
  /** First message only: every series, decimated. */
  snapshot?: Record<string, SeriesPoint[]>;
  /** Points stored since the previous message. */
  points?: { series: string; step: number; value: number; tMs: number }[];
  /** The log's last lines, when the log changed. */
  log?: string[];
}

function mustGetRun(db: Db, id: number) {
  const run = getRun(db, id);
  if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `run ${id} does not exist` });
  return run;
}

export const runRouter = router({
  list: publicProcedure
    .input(
      z.object({
        workspaceId: recordId.optional(),
        limit: z.number().int().min(1).max(500).default(50),
        sort: z.enum(RUN_SORTS).default("id"),
        desc: z.boolean().default(true),
        status: z.enum(RUN_STATUSES).optional(),
      }),
    )
    .query(({ ctx, input }) => listRuns(ctx.db, input).map(runView)),

  byId: publicProcedure.input(z.object({ id: recordId })).query(({ ctx, input }) => runView(mustGetRun(ctx.db, input.id))),

  /** Queues a run of the workspace at its current HEAD; the runner starts it. */
  start: publicProcedure.input(z.object({ workspaceId: recordId })).mutation(({ ctx: { db }, input }) => {
    const ws = getWorkspace(db, input.workspaceId);
    if (!ws) throw new TRPCError({ code: "NOT_FOUND", message: `workspace ${input.workspaceId} does not exist` });
    if (ws.configError) throw new TRPCError({ code: "BAD_REQUEST", message: `fix overseer.json first: ${ws.configError}` });
    return runView(createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() }));
  }),

  cancel: publicProcedure.input(z.object({ id: recordId })).mutation(({ ctx: { db }, input }) => {
    const run = mustGetRun(db, input.id);
    if (isTerminal(run.status)) throw new TRPCError({ code: "BAD_REQUEST", message: `run ${run.id} has already ended (${run.status})` });
    if (run.status === "queued") {
      try {
        return runView(applyRunEvent(db, run.id, { type: "run_cancelled" }, Date.now(), { endedAt: Date.now(), reason: "cancelled before it started" }));
      } catch (e) {
        if (!(e instanceof IllegalTransition)) throw e; // the runner started it meanwhile: ask it to stop
      }
    }
    return runView(requestCancel(db, run.id, Date.now()) ?? run);
  }),

  /** Every series of a run, decimated: a finished run drawn for reference (the session's best). */
  series: publicProcedure.input(z.object({ runId: recordId })).query(({ ctx: { db }, input }) => drawnSeries(db, mustGetRun(db, input.runId).id).series),

  /** The run page's one stream: a snapshot, then new points, status and log lines as they come. */
  live: publicProcedure.input(z.object({ runId: recordId, lastEventId: eventCursor })).subscription(({ ctx, input, signal }) =>
    withStreamSlot(ctx, async function* () {
      const { db } = ctx;
      let run = mustGetRun(db, input.runId);
      let afterId = input.lastEventId ? Number(input.lastEventId) : 0;
      let sentLogSize = -1;
      let sentRunJson = "";
      if (!input.lastEventId) {
        // One read transaction, so the snapshot and the id it ends at agree.
        const snap = db.$client.transaction(() => drawnSeries(db, run.id))();
        afterId = snap.lastId;
        sentLogSize = logSize(run.logPath);
        const view = runView(run);
        sentRunJson = JSON.stringify(view);
        yield tracked(String(afterId), { run: view, snapshot: snap.series, log: run.logPath ? readLogTail(run.logPath, LOG_LINES) : [] } satisfies LiveMessage);
      }
      const credentialValid = credentialStillValid();
      while (!signal?.aborted && credentialValid()) {
        run = mustGetRun(db, input.runId);
        const points = pointsAfter(db, run.id, afterId);
        const size = logSize(run.logPath);
        const view = runView(run);
        const viewJson = JSON.stringify(view);
        if (points.length || size !== sentLogSize || viewJson !== sentRunJson) {
          const msg: LiveMessage = { run: view };
          if (points.length) {
            afterId = points[points.length - 1]!.id;
            msg.points = points.map((p) => ({ series: p.series, step: p.step, value: p.value, tMs: p.tMs }));
          }
          if (size !== sentLogSize && run.logPath) msg.log = readLogTail(run.logPath, LOG_LINES);
          sentLogSize = size;
          sentRunJson = viewJson;
          yield tracked(String(afterId), msg);
        }
        if (isTerminal(run.status) && points.length === 0) return;
        await databaseChange(db, POLL_MS, signal);
      }
    }),
  ),
});
