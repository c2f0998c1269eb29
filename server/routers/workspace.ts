import "server-only";
import { workspaceHyperparameters } from "../../db/queries/hyperparameter-views";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordId } from "../inputs";
import { DEFAULT_CONFIG } from "../../core/workspace-config";
import { loadWorkspaceWith } from "../../core/workspace-load";
import { listRuns } from "../../db/queries/runs";
import { listSessions } from "../../db/queries/sessions";
import { getWorkspace, listWorkspaces, registerWorkspace } from "../../db/queries/workspaces";
import { publicProcedure, router } from "../trpc";
import { runView, sessionView, workspaceView } from "../views";
import { fsProbe, readConfigText, writeConfigText } from "../workspace-files";

function mustGetWorkspace(db: Parameters<typeof getWorkspace>[0], id: number) {
  const ws = getWorkspace(db, id);
  if (!ws) throw new TRPCError({ code: "NOT_FOUND", message: `workspace ${id} does not exist` });
  return ws;
}

export const workspaceRouter = router({
  list: publicProcedure.query(({ ctx: { db } }) => {
    return listWorkspaces(db).map((w) => ({ ...workspaceView(w), lastRun: listRuns(db, { workspaceId: w.id, limit: 1 }).map(runView)[0] ?? null }));
  }),

  /** A workspace with its overseer.json as written (null when it has none: the defaults apply) and its sessions. */
  byId: publicProcedure.input(z.object({ id: recordId })).query(({ ctx: { db }, input }) => {
    const ws = mustGetWorkspace(db, input.id);
    return {
      workspace: workspaceView(ws),
      configText: readConfigText(ws.path),
      defaultsText: JSON.stringify(DEFAULT_CONFIG, null, 2),
      sessions: listSessions(db, ws.id).map(sessionView),
    };
  }),

  /** Registers a folder as a workspace, as `overseer init` does, after the same checks (or refreshes one known). */
  /** Every session's constants against the workspace's metric, together: what changed, the values, the ranking. */
  hyperparameters: publicProcedure.input(z.object({ id: recordId })).query(({ ctx: { db }, input }) => workspaceHyperparameters(db, mustGetWorkspace(db, input.id))),

  add: publicProcedure.input(z.object({ path: z.string().trim().min(1, "give the folder's path").max(4096) })).mutation(async ({ ctx: { db }, input }) => {
    const loaded = await loadWorkspaceWith(fsProbe, input.path);
    if (!loaded.ok) throw new TRPCError({ code: "BAD_REQUEST", message: loaded.error });
    return workspaceView(registerWorkspace(db, loaded.workspace, Date.now()));
  }),

  /**
   * Writes overseer.json after checking it as a session would. Sessions read it at the commit they start from,
   * so it takes effect once committed; the answer says so.
   */
  saveConfig: publicProcedure.input(z.object({ id: recordId, text: z.string().min(2).max(100_000) })).mutation(async ({ ctx: { db }, input }) => {
    const ws = mustGetWorkspace(db, input.id);
    const loaded = await loadWorkspaceWith(fsProbe, ws.path, input.text);
    if (!loaded.ok) throw new TRPCError({ code: "BAD_REQUEST", message: loaded.error });
    writeConfigText(ws.path, input.text);
    return workspaceView(registerWorkspace(db, loaded.workspace, Date.now()));
  }),
});
