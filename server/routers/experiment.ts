import "server-only";
import { apiCallTotals, listApiCalls } from "../../db/queries/api-calls";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordId } from "../inputs";
import { workspaceConfigSchema } from "../../core/workspace-config";
import { getExperiment, listExperimentIds, setExperimentTags } from "../../db/queries/experiments";
import { tagsSchema } from "../../core/tags";
import { listDecisions } from "../../db/queries/human-decisions";
import { getRun } from "../../db/queries/runs";
import { getSession } from "../../db/queries/sessions";
import { readFileChanges, type FileSnapshots } from "../../db/queries/snapshots";
import { getWorkspace } from "../../db/queries/workspaces";
import { publicProcedure, router } from "../trpc";
import { experimentView, runView, sessionView } from "../views";

export const experimentRouter = router({
  /** A human's labels on it (core/tags), replacing those it had. */
  setTags: publicProcedure.input(z.object({ id: recordId, tags: tagsSchema })).mutation(({ ctx: { db }, input }) => {
    if (!getExperiment(db, input.id)) throw new TRPCError({ code: "NOT_FOUND", message: `experiment ${input.id} does not exist` });
    setExperimentTags(db, input.id, input.tags);
    return input.tags;
  }),

  /** One experiment whole: its code before and after, its runs, and where it sits in its session. */
  byId: publicProcedure.input(z.object({ id: recordId })).query(({ ctx: { db }, input }) => {
    const e = getExperiment(db, input.id);
    if (!e) throw new TRPCError({ code: "NOT_FOUND", message: `experiment ${input.id} does not exist` });
    const s = getSession(db, e.sessionId)!;
    const ws = getWorkspace(db, s.workspaceId)!;
    const config = workspaceConfigSchema.safeParse(JSON.parse(ws.configJson ?? "{}"));
    const siblings = listExperimentIds(db, s.id);
    const at = siblings.indexOf(e.id);
    const best = s.bestExperimentId && s.bestExperimentId !== e.id ? getExperiment(db, s.bestExperimentId) : undefined;
    const lastRun = (ids: string) => (JSON.parse(ids) as number[]).at(-1) ?? null;
    return {
      experiment: { ...experimentView(e), diff: e.diff },
      /** Every human decision on it: what, when, from where, about which diff. */
      decisions: listDecisions(db, e.id),
      files: e.filesJson ? readFileChanges(db, JSON.parse(e.filesJson) as FileSnapshots) : null,
      runs: (JSON.parse(e.runIdsJson) as number[])
        .map((id) => getRun(db, id))
        .filter((r) => r !== undefined)
        .map(runView),
      session: sessionView(s),
      workspace: { id: ws.id, name: ws.name },
      metric: config.success ? config.data.metric : { name: "val_bpb", goal: "minimize" as const },
      previousId: at > 0 ? siblings[at - 1]! : null,
      nextId: at >= 0 && at < siblings.length - 1 ? siblings[at + 1]! : null,
      /** The best experiment's last run, for the reference curve. */
      best: best ? { id: best.id, idx: best.idx, title: best.title, runId: lastRun(best.runIdsJson) } : null,
      /** Its Claude API calls (the proposal's and the reviewer's), each with its tokens and cost. */
      apiCalls: listApiCalls(db, { experimentId: e.id }).map(
        ({ id, role, model, outcome, stopReason, inputTokens, outputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, costUsd, error, durationMs, at }) => ({
          id,
          role,
          model,
          outcome,
          stopReason,
          inputTokens,
          outputTokens,
          cacheWriteTokens: cacheWrite5mTokens + cacheWrite1hTokens,
          cacheReadTokens,
          costUsd,
          error,
          durationMs,
          at,
        }),
      ),
      apiTotals: apiCallTotals(db, { experimentId: e.id }),
    };
  }),
});
