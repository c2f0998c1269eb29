import "server-only";
import { initTRPC } from "@trpc/server";
import { ZodError } from "zod";
import type { Db } from "../db/open";

/** What every procedure gets: the database (the route opens it lazily; tests pass their own file). */
export interface Context {
  db: Db;
}

/** "title: a title is at most 200 characters…; diff: paste a unified diff": zod's issues as one sentence. */
export function describeInputIssues(error: ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
}

const t = initTRPC.context<Context>().create({
  // A refused input reads as a sentence in the UI, not as zod's JSON.
  errorFormatter: ({ shape, error }) => (error.cause instanceof ZodError ? { ...shape, message: `invalid input — ${describeInputIssues(error.cause)}` } : shape),
  // Pings keep proxies and SSH tunnels from closing a quiet stream; the client reconnects after silence.
  sse: { ping: { enabled: true, intervalMs: 5000 }, client: { reconnectAfterInactivityMs: 12000 } },
});

export const router = t.router;
export const publicProcedure = t.procedure;
