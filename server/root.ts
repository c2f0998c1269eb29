import "server-only";
import { compareRouter } from "./routers/compare";
import { experimentRouter } from "./routers/experiment";
import { runRouter } from "./routers/run";
import { sessionRouter } from "./routers/session";
import { systemRouter } from "./routers/system";
import { workspaceRouter } from "./routers/workspace";
import { router } from "./trpc";

export const appRouter = router({ run: runRouter, experiment: experimentRouter, compare: compareRouter, session: sessionRouter, workspace: workspaceRouter, system: systemRouter });

export type AppRouter = typeof appRouter;
