import { SESSION_SORTS } from "../../core/list-sort";
import { SESSION_STATUSES } from "../../core/types";
import { runGroup } from "../../core/run-group";
import { axisText, type ChangeAxis } from "../../core/change-axis";
import { fillMissingAnalyses } from "../../db/queries/experiment-analysis";
import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { editedFiles, experimentTitle, hypothesis, note, pastedDiff, recordId, steeringText } from "../inputs";
import { isSessionEnded } from "../../core/session-stats";
import { sessionOptionsSchema } from "../../core/session-options";
import type { Db } from "../../db/open";
import { editsFromContents } from "../../core/edits-from-contents";
import { describeHumanEdit } from "../../core/edit-description";
import { getExperiment, listExperimentOutlines, countExperimentRows, listExperimentPage, sessionExperimentAxes, sessionExperimentTags, listWaitingForHuman } from "../../db/queries/experiments";
import { experimentQuerySchema } from "../../core/experiment-query";
import { storedTags, tagsSchema } from "../../core/tags";
import { bestCode, proposeByHuman } from "../../db/queries/human-proposals";
import { recordHumanDecision, recordHumanEdit, recordHumanVerdict, type DecisionResult } from "../../db/queries/human-decisions";
import { readFileChanges, type FileSnapshots } from "../../db/queries/snapshots";
import { addSteeringNote, applySessionEvent, getSession, listSessions, queueSession, sessionOptions, setSessionTags, updateSession } from "../../db/queries/sessions";
import { limitBlockingResume, type LimitMet } from "../../core/stop-conditions";
import { getWorkspace } from "../../db/queries/workspaces";
import { publicProcedure, router, type Context } from "../trpc";
import type { DecisionSource } from "../../core/decision-source";
import { sessionHyperparameters } from "../../db/queries/hyperparameter-views";
import { sessionOverview } from "../session-overview";
import { experimentView, sessionView } from "../views";

/** The limits a human may raise when resuming a session that reached one (null clears it). */
const raisableLimits = sessionOptionsSchema.pick({ maxExperiments: true, maxWallSeconds: true, maxCostUsd: true, plateau: true }).partial();
const LIMIT_WORDS: Record<LimitMet["option"], string> = { maxExperiments: "experiment limit", maxWallSeconds: "wall-time limit", maxCostUsd: "API cost limit", plateau: "plateau limit" };

function mustGetSession(db: Db, id: number) {
  const s = getSession(db, id);
  if (!s) throw new TRPCError({ code: "NOT_FOUND", message: `session ${id} does not exist` });
  return s;
}

const IMPORTED_IS_A_RECORD = (id: number) => `session ${id} was imported from autoresearch and is a record: start a new session on the workspace to go on from its best`;

/** diffHash: the hash of the diff the page showed; a decision about a diff that has since changed is refused. */
const humanInput = z.object({
  experimentId: recordId,
  note,
  diffHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

export const sessionRouter = router({
  list: publicProcedure
    .input(z.object({ workspaceId: recordId.optional(), sort: z.enum(SESSION_SORTS).default("id"), desc: z.boolean().default(true), status: z.enum(SESSION_STATUSES).optional() }).optional())
    .query(({ ctx, input }) => listSessions(ctx.db, input?.workspaceId, input ?? {}).map(({ experimentCount, ...s }) => ({ ...sessionView(s), experimentCount }))),

  /** What waits for a human across every session, for the top bar: how many, and the oldest. */
  waiting: publicProcedure.query(({ ctx }) => {
    const waiting = listWaitingForHuman(ctx.db);
    return { count: waiting.length, oldest: waiting[0] ?? null, sessions: new Set(waiting.map((w) => w.sessionId)).size };
  }),

  byId: publicProcedure.input(z.object({ id: recordId })).query(({ ctx, input }) => sessionOverview(ctx.db, mustGetSession(ctx.db, input.id))),

  /** A page of the session's experiment table: newest first, or as sorted and filtered (core/experiment-query). */
  experimentRows: publicProcedure
    .input(z.object({ id: recordId, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500), query: experimentQuerySchema.optional() }))
    .query(({ ctx, input }) =>
      listExperimentPage(ctx.db, mustGetSession(ctx.db, input.id).id, input.offset, input.limit, input.query).map(({ tagsJson, tried, runValues, ...e }) => ({
        ...e,
        tags: storedTags(tagsJson),
        runs: runValues ? runGroup(JSON.parse(runValues) as number[]) : null,
        tried: tried ? axisText(JSON.parse(tried) as ChangeAxis) : null,
      })),
    ),

  /** A human's labels on the session (core/tags), replacing those it had. */
  setTags: publicProcedure.input(z.object({ id: recordId, tags: tagsSchema })).mutation(({ ctx: { db }, input }) => {
    setSessionTags(db, mustGetSession(db, input.id).id, input.tags);
    return input.tags;
  }),

  /** Every tag on the session's experiments, for the table's filter. */
  /** The session's constants against its metric: what changed, each experiment's values, the importance ranking. */
  hyperparameters: publicProcedure.input(z.object({ id: recordId })).query(({ ctx: { db }, input }) => sessionHyperparameters(db, mustGetSession(db, input.id))),
  experimentTags: publicProcedure.input(z.object({ id: recordId })).query(({ ctx: { db }, input }) => sessionExperimentTags(db, mustGetSession(db, input.id).id)),
  /** What the session's experiments tried (the constants and definitions they changed), for the table's filter; derives what is missing. */
  experimentAxes: publicProcedure.input(z.object({ id: recordId })).query(({ ctx: { db }, input }) => {
    const s = mustGetSession(db, input.id);
    fillMissingAnalyses(db, s.id);
    return sessionExperimentAxes(db, s.id);
  }),

  /** How many rows the session's experiment table has under these filters. */
  experimentCount: publicProcedure
    .input(z.object({ id: recordId, query: experimentQuerySchema }))
    .query(({ ctx, input }) => countExperimentRows(ctx.db, mustGetSession(ctx.db, input.id).id, input.query)),

  /** Asks the runner for a loop on the workspace; it creates the branch overseer/<tag> at HEAD. */
  start: publicProcedure
    .input(
      z.object({
        workspaceId: recordId,
        tag: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/)
          .optional(),
        options: sessionOptionsSchema.partial().default({}),
      }),
    )
    .mutation(({ ctx: { db }, input }) => {
      const ws = getWorkspace(db, input.workspaceId);
      if (!ws) throw new TRPCError({ code: "NOT_FOUND", message: `workspace ${input.workspaceId} does not exist` });
      if (ws.configError) throw new TRPCError({ code: "BAD_REQUEST", message: `fix overseer.json first: ${ws.configError}` });
      const options = sessionOptionsSchema.parse(input.options);
      return sessionView(queueSession(db, { workspaceId: ws.id, tag: input.tag ?? null, options, at: Date.now() }));
    }),

  pause: publicProcedure.input(z.object({ id: recordId })).mutation(({ ctx: { db }, input }) => request(db, input.id, "pause")),
  stop: publicProcedure.input(z.object({ id: recordId })).mutation(({ ctx: { db }, input }) => request(db, input.id, "stop")),

  /**
   * Resumes a paused session, or restarts an ended one from where it stopped (what the stop interrupted goes on).
   * One that reached a limit resumes only with that limit raised (`raise`), or it would end again at once.
   */
  resume: publicProcedure.input(z.object({ id: recordId, raise: raisableLimits.optional() })).mutation(({ ctx: { db }, input }) => {
    const s = mustGetSession(db, input.id);
    if (s.origin === "import") throw new TRPCError({ code: "BAD_REQUEST", message: IMPORTED_IS_A_RECORD(s.id) });
    if (s.origin !== "web") throw new TRPCError({ code: "BAD_REQUEST", message: `session ${s.id} runs from the command line: resume it with overseer loop --resume ${s.id}` });
    if (s.status === "running" && s.requested === "stop") throw new TRPCError({ code: "BAD_REQUEST", message: `session ${s.id} is stopping: resume it once it has stopped` });
    if (s.status === "queued" || (s.status === "running" && !s.requested)) throw new TRPCError({ code: "BAD_REQUEST", message: `session ${s.id} is already ${s.status}` });
    const options = sessionOptionsSchema.parse({ ...sessionOptions(s), ...input.raise });
    if (isSessionEnded(s.status)) {
      const limit = limitBlockingResume(options, s, listExperimentOutlines(db, s.id), Date.now());
      if (limit)
        throw new TRPCError({ code: "BAD_REQUEST", message: `session ${s.id} ${limit.reason.replace(/^plateau: /, "reached its plateau, ")}: raise its ${LIMIT_WORDS[limit.option]} to resume it` });
    }
    const patch = { requested: null, ...(input.raise ? { optionsJson: JSON.stringify(options) } : {}) };
    // An ended session runs again (the runner picks it up); a paused one has its request lifted.
    if (isSessionEnded(s.status) && s.baselineCommit) applySessionEvent(db, s.id, "resumed", Date.now(), patch, "session_resume_requested");
    else updateSession(db, s.id, patch, Date.now(), "session_resume_requested");
    return sessionView(getSession(db, s.id)!);
  }),

  steer: publicProcedure.input(z.object({ id: recordId, text: steeringText })).mutation(({ ctx: { db }, input }) => {
    const s = mustGetSession(db, input.id);
    if (isSessionEnded(s.status)) throw new TRPCError({ code: "BAD_REQUEST", message: `session ${s.id} has ${s.status}: resume it first` });
    return addSteeringNote(db, s.id, input.text, Date.now());
  }),

  /** The session's best code, whole: what the Propose panel edits. */
  bestCode: publicProcedure.input(z.object({ id: recordId })).query(({ ctx: { db }, input }) => {
    const best = bestCode(db, mustGetSession(db, input.id));
    return best && { experimentId: best.experiment.id, idx: best.experiment.idx, commit: best.experiment.commitSha, files: best.files };
  }),

  /** A human's proposal (the manual proposer, or alongside any other): a pasted unified diff, or the best code edited. */
  propose: publicProcedure
    .input(
      z
        .object({ id: recordId, title: experimentTitle, hypothesis, diff: pastedDiff.optional(), files: editedFiles.optional(), baseExperimentId: recordId.optional() })
        .refine((p) => (p.diff === undefined) !== (p.files === undefined), "send either a diff or the edited files, not both"),
    )
    .mutation(({ ctx: { db }, input }) => {
      const s = mustGetSession(db, input.id);
      const words = { title: input.title, hypothesis: input.hypothesis?.trim() || null };
      const r = proposeByHuman(db, s, input.diff !== undefined ? { ...words, diff: input.diff } : { ...words, files: input.files!, baseExperimentId: input.baseExperimentId }, Date.now());
      if (!r.ok) throw new TRPCError({ code: "BAD_REQUEST", message: r.error });
      return experimentView(r.experiment);
    }),

  approve: publicProcedure.input(humanInput).mutation(({ ctx, input }) => decideByHuman(ctx, input, "approved")),
  reject: publicProcedure.input(humanInput).mutation(({ ctx, input }) => decideByHuman(ctx, input, "rejected")),
  /**
   * Edit then approve: the human's version of the changed files becomes the experiment's edits. The loop builds
   * and gates it again (a blocked edit never runs) and records the commit as co-authored.
   */
  editAndApprove: publicProcedure.input(humanInput.extend({ files: editedFiles, title: experimentTitle.optional(), hypothesis })).mutation(({ ctx: { db, credential }, input }) => {
    const e = getExperiment(db, input.experimentId);
    if (!e) throw new TRPCError({ code: "NOT_FOUND", message: `experiment ${input.experimentId} does not exist` });
    if (!e.filesJson) throw new TRPCError({ code: "BAD_REQUEST", message: `experiment ${e.id} has no stored code to edit` });
    const stored = readFileChanges(db, JSON.parse(e.filesJson) as FileSnapshots);
    const before = Object.fromEntries(Object.entries(stored).map(([f, c]) => [f, c.before ?? ""]));
    const after = Object.fromEntries(Object.entries(stored).map(([f, c]) => [f, input.files[f] ?? c.after ?? ""]));
    const unknown = Object.keys(input.files).filter((f) => !(f in stored));
    if (unknown.length) throw new TRPCError({ code: "BAD_REQUEST", message: `${unknown.join(", ")} is not a file this experiment changed (${Object.keys(stored).join(", ")})` });
    const edits = editsFromContents(before, after);
    if (!edits.ok) throw new TRPCError({ code: "BAD_REQUEST", message: edits.error });
    // Unless the human wrote their own, the title and hypothesis say what the edited code does.
    const described = describeHumanEdit(before, after, e.proposedTitle ?? e.title);
    const edit = { edits: edits.edits, title: input.title ?? described.title, hypothesis: input.hypothesis?.trim() || described.hypothesis };
    const r = recordHumanEdit(db, e.id, edit, input.note ?? null, Date.now(), { source: decisionSource(credential), diffHash: input.diffHash });
    return decided(r);
  }),
  /** A result within the noise that waits for a human (policy "ask"): keep it (the loop moves the branch) or discard it. */
  keep: publicProcedure.input(humanInput).mutation(({ ctx, input }) => decideByHuman(ctx, input, "kept")),
  discard: publicProcedure.input(humanInput).mutation(({ ctx, input }) => decideByHuman(ctx, input, "discarded")),
});

function request(db: Db, id: number, what: "pause" | "stop") {
  const s = mustGetSession(db, id);
  if (isSessionEnded(s.status)) throw new TRPCError({ code: "BAD_REQUEST", message: `session ${s.id} has already ${s.status}` });
  if (s.status === "queued" && what === "stop") {
    applySessionEvent(db, s.id, "stopped", Date.now(), { stopReason: "stopped before it started", endedAt: Date.now() });
  } else updateSession(db, s.id, { requested: what }, Date.now(), `session_${what}_requested`);
  return sessionView(getSession(db, s.id)!);
}

/** A decision sent by the dashboard's page is the browser's; one with the token in any other header, a script's. */
function decisionSource(credential: Context["credential"]): DecisionSource {
  return credential === "page" ? "browser" : "api";
}

function decideByHuman({ db, credential }: Context, input: z.infer<typeof humanInput>, decision: "approved" | "rejected" | "kept" | "discarded") {
  const who = { source: decisionSource(credential), diffHash: input.diffHash };
  const note = input.note ?? null;
  const r =
    decision === "approved" || decision === "rejected"
      ? recordHumanDecision(db, input.experimentId, decision, note, Date.now(), who)
      : recordHumanVerdict(db, input.experimentId, decision, note, Date.now(), who);
  return decided(r);
}

/** A refused decision: 404 for a missing experiment, 409 when another decision or a new diff came first. */
function decided(r: DecisionResult) {
  if (!r.ok) throw new TRPCError({ code: r.missing ? "NOT_FOUND" : r.conflict ? "CONFLICT" : "BAD_REQUEST", message: r.error });
  return experimentView(r.experiment);
}
