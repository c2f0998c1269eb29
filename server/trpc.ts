import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { databaseFault, describeDatabaseFault } from "../db/faults";
import type { Credential } from "../core/access";
import type { Db } from "../db/open";
import { webSettings } from "./access-policy";
import { openStream } from "./stream-slots";

/** What every procedure gets: the database (the route opens it lazily; tests pass their own file), and what proved the token. */
export interface Context {
  db: Db;
  /** Set by the proxy (server/access-policy `requestCredential`): a decision records it; "none" and "cookie" only read. */
  credential: Credential | "none";
  /** Where the request came from, for the cap on live streams (server/stream-slots). */
  client: string;
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

/** A locked or full database is the user's to fix: a 503 that says so, not an internal error. */
const databaseFaults = t.middleware(async ({ next }) => {
  const result = await next();
  const fault = result.ok ? null : databaseFault(result.error.cause);
  if (fault) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: describeDatabaseFault(fault), cause: result.ok ? undefined : result.error.cause });
  return result;
});

/** The proxy refuses a change without the token in a header; a mutation checks again, should a request get past it. */
const changesNeedTheToken = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && ctx.credential !== "page" && ctx.credential !== "header") {
    throw new TRPCError({ code: "FORBIDDEN", message: "changes need this dashboard's access token in a header: open the URL `overseer start` printed" });
  }
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(changesNeedTheToken).use(databaseFaults);

/**
 * A live stream: holds one of its client's stream slots while it is open, and is refused with the reason when
 * the client already holds its share (server/stream-slots).
 */
export function withStreamSlot<T>(ctx: Context, stream: () => AsyncGenerator<T>): AsyncGenerator<T> {
  return (async function* () {
    const slot = openStream(ctx.client, webSettings().maxStreamsPerClient);
    if (!slot.ok) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: slot.reason });
    try {
      yield* stream();
    } finally {
      slot.close();
    }
  })();
}
