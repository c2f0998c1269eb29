import "server-only";
import { listRuns } from "../../db/queries/runs";
import { listWorkspaces } from "../../db/queries/workspaces";
import { publicProcedure, router } from "../trpc";
import { runView, workspaceView } from "../views";

export const workspaceRouter = router({
  list: publicProcedure.query(({ ctx: { db } }) => {
    return listWorkspaces(db).map((w) => ({ ...workspaceView(w), lastRun: listRuns(db, { workspaceId: w.id, limit: 1 }).map(runView)[0] ?? null }));
  }),
});
