import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordId } from "../inputs";
import { topLevelConstants } from "../../core/constants";
import { MAX_COMPARED, MAX_SELECTED } from "../../core/limits";
import { filesAtExperiment } from "../../db/queries/experiment-files";
import { getExperiment, searchWorkspaceExperiments } from "../../db/queries/experiments";
import { getRun } from "../../db/queries/runs";
import { exportSelection } from "../../db/queries/selection-export";
import { getSession } from "../../db/queries/sessions";
import { getWorkspace, workspaceMetric } from "../../db/queries/workspaces";
import { publicProcedure, router } from "../trpc";
import { runView } from "../views";

export const compareRouter = router({
  /**
   * Experiments side by side: each one's last run (its summary; the curves come from run.series), its
   * hyperparameters (the top-level constants of its files) and its files whole, for a diff between any two.
   */
  experiments: publicProcedure.input(z.object({ ids: z.array(recordId).min(1).max(MAX_COMPARED) })).query(({ ctx: { db }, input }) => {
    const ids = [...new Set(input.ids)];
    const rows = ids.map((id) => {
      const e = getExperiment(db, id);
      if (!e) throw new TRPCError({ code: "NOT_FOUND", message: `experiment ${id} does not exist: remove it from the comparison` });
      return { e, s: getSession(db, e.sessionId)! };
    });
    const workspaceIds = new Set(rows.map((r) => r.s.workspaceId));
    if (workspaceIds.size > 1)
      throw new TRPCError({ code: "BAD_REQUEST", message: "these experiments belong to different workspaces: compare experiments of one workspace, whose metric and files are the same" });
    const ws = getWorkspace(db, rows[0]!.s.workspaceId)!;
    return {
      workspace: { id: ws.id, name: ws.name },
      metric: workspaceMetric(db, ws.id),
      experiments: rows.map(({ e, s }) => {
        const runId = (JSON.parse(e.runIdsJson) as number[]).at(-1) ?? null;
        const run = runId === null ? undefined : getRun(db, runId);
        const files = filesAtExperiment(db, e);
        const hyperparameters: Record<string, string> = {};
        const qualify = Object.keys(files).length > 1; // file:NAME only when a name could be in two files
        for (const [file, content] of Object.entries(files).sort()) {
          for (const c of topLevelConstants(content)) hyperparameters[qualify ? `${file}:${c.name}` : c.name] = c.value;
        }
        return {
          id: e.id,
          idx: e.idx,
          title: e.title,
          status: e.status,
          metricValue: e.metricValue,
          delta: e.delta,
          commitSha: e.commitSha,
          humanEdited: e.humanEdited,
          session: { id: s.id, tag: s.tag },
          run: run ? runView(run) : null,
          hyperparameters,
          files,
        };
      }),
    };
  }),

  /** Why a selection cannot be exported (its changes do not replay on the baseline, …), or null when it can. */
  exportCheck: publicProcedure.input(z.object({ ids: z.array(recordId).min(1).max(MAX_SELECTED) })).query(({ ctx: { db }, input }) => {
    const r = exportSelection(db, input.ids, "patch");
    return { problem: r.ok ? null : r.error };
  }),

  /** Experiments of a workspace that ran, newest first, matching a title: what can be added to a comparison. */
  candidates: publicProcedure
    .input(z.object({ workspaceId: recordId, q: z.string().max(200).default("") }))
    .query(({ ctx: { db }, input }) => searchWorkspaceExperiments(db, input.workspaceId, input.q.trim(), 50)),
});
