import "server-only";
import { initTRPC } from "@trpc/server";
import type { Db } from "../db/open";

/** What every procedure gets: the database (the route opens it lazily; tests pass their own file). */
export interface Context {
  db: Db;
}

const t = initTRPC.context<Context>().create({
  // Pings keep proxies and SSH tunnels from closing a quiet stream; the client reconnects after silence.
  sse: { ping: { enabled: true, intervalMs: 5000 }, client: { reconnectAfterInactivityMs: 12000 } },
});

export const router = t.router;
export const publicProcedure = t.procedure;
