import "server-only";
import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { eventCursor } from "../inputs";
import type { ClaudeStatus } from "../../core/claude/status";
import type { DoctorCheck } from "../../core/doctor";
import type { GpuIdentity } from "../../core/gpu";
import { diskShortage } from "../../core/disk";
import { databaseWriteLocked } from "../../db/faults";
import { freeDiskMb } from "../../db/free-space";
import { lastEventId, listEventsAfter } from "../../db/queries/events";
import { heartbeatFresh, readLease, requestDoctor } from "../../db/queries/runner-lease";
import type { Db } from "../../db/open";
import { credentialStillValid, webSettings } from "../access-policy";
import { databaseChange } from "../db-changes";
import { publicProcedure, router, withStreamSlot } from "../trpc";

/** The stream wakes at each write to the database (server/db-changes.ts); the poll notices a runner gone silent. */
const POLL_MS = 1000;

/**
 * A runner whose heartbeat went quiet may be dead, or waiting for another program's lock on the database
 * (it waits rather than fail, runner/cli/open-db.ts): `databaseLocked` tells them apart.
 */
function computeRunnerStatus(db: Db, now: number) {
  const lease = readLease(db);
  const online = !!lease && heartbeatFresh(lease.heartbeatAt, now);
  const databaseLocked = !online && databaseWriteLocked(db);
  const { dataDir, minFreeDiskMb } = webSettings();
  const disk = diskShortage(freeDiskMb(dataDir), minFreeDiskMb, dataDir);
  if (!lease) return { online, databaseLocked, disk, pid: null as number | null, sandbox: null as string | null, gpus: null as GpuIdentity[] | null };
  const gpus = lease.gpusJson ? (JSON.parse(lease.gpusJson) as GpuIdentity[]) : null;
  return { online, databaseLocked, disk, pid: lease.pid as number | null, sandbox: lease.sandbox, gpus };
}

export type RunnerStatusView = ReturnType<typeof computeRunnerStatus>;

/** How long one reading of the runner's status serves every stream and query of this process. */
export const RUNNER_STATUS_SHARED_MS = 250;
let shared: { file: string; at: number; view: RunnerStatusView } | null = null;

/**
 * The runner's status, read once per write and shared: every open stream wakes at the same write, and 500 of them
 * each reading the lease, the disk and (runner offline) trying the write lock made page loads take 25 s.
 */
export function runnerStatus(db: Db, now: number): RunnerStatusView {
  const file = db.$client.name;
  if (shared && shared.file === file && now >= shared.at && now - shared.at < RUNNER_STATUS_SHARED_MS) return shared.view;
  shared = { file, at: now, view: computeRunnerStatus(db, now) };
  return shared.view;
}

/** claude: null until a runner has looked; false with claudeError when the key is missing or was refused. */
function claudeCapabilities(json: string | null) {
  const status = json ? (JSON.parse(json) as ClaudeStatus) : null;
  if (!status) return { claude: null as boolean | null, claudeModel: null as string | null, claudeError: null as string | null, claudeNote: null as string | null };
  if (!status.configured) return { claude: false, claudeModel: null, claudeError: "the runner has no ANTHROPIC_API_KEY", claudeNote: null };
  if (!status.ok) return { claude: false, claudeModel: status.model, claudeError: status.error, claudeNote: null };
  return { claude: true, claudeModel: status.model, claudeError: null, claudeNote: status.note };
}

export const systemRouter = router({
  /**
   * What this installation can do. The claude proposer needs the runner's ANTHROPIC_API_KEY: the runner asks the
   * API what it makes of the key and writes the answer to its lease (the web holds no key).
   */
  capabilities: publicProcedure.query(({ ctx }) => claudeCapabilities(readLease(ctx.db)?.claudeJson ?? null)),

  /**
   * The runner's doctor report of its machine (`overseer doctor`, without a workspace): null until a runner has
   * checked. The web probes nothing itself; `checkMachine` asks the runner to look again.
   */
  machine: publicProcedure.query(({ ctx }) => {
    const lease = readLease(ctx.db);
    const report = lease?.doctorJson ? (JSON.parse(lease.doctorJson) as { checkedAt: number; checks: DoctorCheck[] }) : null;
    return { report, requestedAt: lease?.doctorRequestedAt ?? null };
  }),

  checkMachine: publicProcedure.mutation(({ ctx }) => {
    const now = Date.now();
    if (!runnerStatus(ctx.db, now).online || !requestDoctor(ctx.db, now))
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: "no runner is running to check its machine: start one (overseer start or overseer runner), or run overseer doctor in a shell" });
    return { requestedAt: now };
  }),

  /** Whether this browser holds the access token, without which it can only look (core/access). */
  access: publicProcedure.query(({ ctx }) => ({ canChange: ctx.credential === "page" || ctx.credential === "header" })),

  /** Whether a runner holds the database; without one, queued runs wait. */
  runner: publicProcedure.query(({ ctx }) => runnerStatus(ctx.db, Date.now())),

  /**
   * Every event row after the last one seen (tracked, so a reconnect resumes), and the runner's status
   * whenever it changes. Pages refresh their queries on these; the browser never polls. `connected` comes first,
   * once the starting point is fixed: data fetched after it misses nothing the stream will not bring (data
   * fetched before it, as a page loads, may have missed an event, so the page fetches again).
   */
  live: publicProcedure.input(z.object({ lastEventId: eventCursor }).optional()).subscription(({ ctx, input, signal }) =>
    withStreamSlot(ctx, async function* () {
      const { db } = ctx;
      let afterId = input?.lastEventId ? Number(input.lastEventId) : lastEventId(db);
      let runnerJson = "";
      const credentialValid = credentialStillValid();
      yield { kind: "connected" as const };
      while (!signal?.aborted && credentialValid()) {
        const runner = runnerStatus(db, Date.now());
        if (JSON.stringify(runner) !== runnerJson) {
          runnerJson = JSON.stringify(runner);
          yield { kind: "runner" as const, runner };
        }
        for (const e of listEventsAfter(db, afterId)) {
          afterId = e.id;
          yield tracked(String(e.id), { kind: "event" as const, event: { id: e.id, type: e.type, runId: e.runId, workspaceId: e.workspaceId, at: e.at } });
        }
        await databaseChange(db, POLL_MS, signal);
      }
    }),
  ),
});
