import "server-only";
import { initTRPC } from "@trpc/server";

const t = initTRPC.create({
  // Pings keep proxies and SSH tunnels from closing a quiet stream; the client reconnects after silence.
  sse: { ping: { enabled: true, intervalMs: 5000 }, client: { reconnectAfterInactivityMs: 12000 } },
});

export const router = t.router;
export const publicProcedure = t.procedure;
