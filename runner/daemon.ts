/**
 * The runner daemon: holds the database's runner lease, reconciles runs left in flight by a dead runner,
 * starts queued runs one at a time, and stops a run when a human asks. Unexpected errors are recorded as
 * events and the loop goes on; it gives up after the same error repeats.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { isTerminal } from "../core/run-lifecycle";
import type { Settings } from "../core/settings";
import type { Db } from "../db/open";
import { appendEvent } from "../db/queries/events";
import { describeGpus, identityOf } from "../core/gpu";
import { acquireLease, releaseLease, renewLease, setLeaseClaude, setLeaseGpus, setLeaseSandbox } from "../db/queries/runner-lease";
import { checkClaude } from "./claude/check";
import { queryGpus } from "./gpu";
import { probeSandbox } from "./sandbox";
import { applyRunEvent, cancelRequestedRunIds, getRun, nextQueuedRun, runsWithStatus, type RunRow } from "../db/queries/runs";
import { adoptRun, canAdopt } from "./adopt-run";
import { readLogTail } from "./log-tail";
import { getWorkspace } from "../db/queries/workspaces";
import { applySessionEvent, nextWebSession, sessionOptions, type SessionRow } from "../db/queries/sessions";
import { runSession } from "./loop/engine";
import { startQueuedSession } from "./loop/start-session";
import { createProposer } from "./proposers";
import { cleanUpAbandonedRun, executeRun, worktreeRemovals } from "./execute-run";

export interface DaemonOptions {
  db: Db;
  settings: Settings;
  pollMs?: number;
  log?: (line: string) => void;
}

export interface Daemon {
  /** Stops the active run (recorded as interrupted), releases the lease, resolves when done. */
  stop(): Promise<void>;
  done: Promise<void>;
}

const MAX_SAME_ERROR = 5;

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { db, settings } = opts;
  const log = opts.log ?? ((l: string) => console.log(l));
  const owner = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  const lease = acquireLease(db, owner, process.pid, Date.now(), (held) => !held.owner.startsWith(`${os.hostname()}:`) || processAlive(held.pid));
  if (!lease.ok) {
    throw new Error(`another runner (pid ${lease.holder.pid}, ${lease.holder.owner}) is using ${settings.dbFile}; stop it first, or set OVERSEER_DATA_DIR to use another database.`);
  }
  const sandbox = await probeSandbox();
  setLeaseSandbox(db, owner, sandbox.detail);
  if (!sandbox.available) log(`sandbox ${sandbox.detail}`);
  const gpus = (await queryGpus(settings.gpu.nvidiaSmi)) ?? [];
  setLeaseGpus(db, owner, JSON.stringify(gpus.map(identityOf)));
  log(describeGpus(gpus));
  const orphans = await reconcile(db, settings, log);
  // The dashboard holds no key: the runner says what the Claude API made of its own, now and every 15 minutes.
  const askClaude = () =>
    void checkClaude(settings).then((status) => {
      setLeaseClaude(db, owner, JSON.stringify(status));
      if (status.configured && !status.ok) log(`claude: ${status.error}`);
      else if (status.configured && status.note) log(`claude: ${status.note}`);
    });
  askClaude();
  const claudeTimer = setInterval(askClaude, 15 * 60_000);
  claudeTimer.unref();

  let stopping = false;
  let active: { kind: "run" | "session"; id: number; controller: AbortController; promise: Promise<unknown> } | null = null;
  // Live trainers a dead runner left: followed to their end, one after the other, before anything new starts.
  const adoptNext = () => {
    const run = orphans.shift();
    if (!run) return;
    const controller = new AbortController();
    log(`run ${run.id}: taken over from a runner that died (pid ${run.pid} still trains); following it to its end`);
    appendEvent(db, { type: "run_adopted", at: Date.now(), workspaceId: run.workspaceId, runId: run.id, payload: { pid: run.pid } });
    const promise = adoptRun(run, { db, settings, signal: controller.signal })
      .then(async (r) => {
        log(`run ${r.id}: ${r.status} — ${r.reason ?? ""}`);
        const ws = getWorkspace(db, r.workspaceId);
        if (ws) await cleanUpAbandonedRun(db, settings, ws.repoRoot, r);
      })
      .finally(() => {
        active = null;
      });
    active = { kind: "run", id: run.id, controller, promise };
  };
  adoptNext();
  let lastError = "";
  let sameErrors = 0;
  let stopRequested: () => Promise<void> = async () => undefined;

  let renewedAt = -Infinity;
  const tick = () => {
    // The heartbeat is a write; once a second is plenty for a 5 s staleness limit. Timed on the monotonic
    // clock: after the wall clock jumps back, a wall-clock interval would stop the heartbeat for as long.
    if (performance.now() - renewedAt >= 1000) {
      if (!renewLease(db, owner, Date.now())) throw new Error("this runner lost its lease (it was stalled for over 5 s and another runner took over)");
      renewedAt = performance.now();
    }
    if (active) {
      if (active.kind === "run" && cancelRequestedRunIds(db).includes(active.id)) active.controller.abort("cancel");
      return;
    }
    if (orphans.length) return adoptNext();
    const session = nextWebSession(db);
    if (session) {
      const controller = new AbortController();
      const promise = driveSession(db, settings, session, controller.signal, log).finally(() => {
        active = null;
      });
      active = { kind: "session", id: session.id, controller, promise };
      return;
    }
    const run = nextQueuedRun(db);
    if (!run) return;
    const ws = getWorkspace(db, run.workspaceId);
    if (!ws) {
      applyRunEvent(db, run.id, { type: "run_cancelled" }, Date.now(), { reason: "its workspace no longer exists" });
      return;
    }
    if (run.cancelRequestedAt) {
      applyRunEvent(db, run.id, { type: "run_cancelled" }, Date.now(), { endedAt: Date.now(), reason: "cancelled before it started" });
      return;
    }
    const controller = new AbortController();
    log(`run ${run.id}: starting ${ws.name}`);
    const gpu = gpus[0] ? identityOf(gpus[0]) : null;
    const promise = executeRun(run, ws, { db, settings, signal: controller.signal, gpu })
      .then((r) => log(`run ${r.id}: ${r.status} — ${r.reason ?? ""}`))
      .finally(() => {
        active = null;
      });
    active = { kind: "run", id: run.id, controller, promise };
  };

  const done = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (stopping) return;
      try {
        tick();
        sameErrors = 0;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        sameErrors = message === lastError ? sameErrors + 1 : 1;
        lastError = message;
        log(`runner error: ${message}`);
        try {
          appendEvent(db, { type: "runner_error", at: Date.now(), payload: { message } });
        } catch {
          // the database itself is failing; the repeated-error limit below ends the process
        }
        if (sameErrors >= MAX_SAME_ERROR) {
          clearInterval(timer);
          reject(new Error(`the same error ${MAX_SAME_ERROR} times in a row: ${message}`));
        }
      }
    }, opts.pollMs ?? 100);
    stopRequested = async () => {
      stopping = true;
      clearInterval(timer);
      if (active) {
        active.controller.abort("shutdown");
        await active.promise.catch(() => undefined);
      }
      await worktreeRemovals();
      clearInterval(claudeTimer);
      releaseLease(db, owner);
      resolve();
    };
  });
  log(`runner ready (database ${settings.dbFile})`);
  return { stop: () => stopRequested().then(() => done), done };
}

/** A process of this machine exists (signal 0 checks without sending anything; EPERM: it exists, not ours). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Starts (if queued) and runs a session from the web until it ends or the daemon stops. */
async function driveSession(db: Db, settings: Settings, session: SessionRow, signal: AbortSignal, log: (l: string) => void): Promise<void> {
  const ws = getWorkspace(db, session.workspaceId);
  const fail = (reason: string) => void applySessionEvent(db, session.id, "failed", Date.now(), { stopReason: reason, endedAt: Date.now() });
  if (!ws) return fail("its workspace no longer exists");
  if (session.status === "queued") {
    const started = await startQueuedSession(db, session, ws);
    if (!started.ok) return log(`session ${session.id}: ${started.error}`);
  }
  let proposer;
  try {
    proposer = createProposer(sessionOptions(session), settings, log);
  } catch (e) {
    return fail((e as Error).message);
  }
  log(`session ${session.id}: running on ${ws.name}`);
  try {
    const final = await runSession(session.id, { db, settings, proposer, signal, log: (l) => log(`session ${session.id}: ${l}`) });
    log(`session ${session.id}: ${final.status}`);
  } catch (e) {
    // Recorded on the session, and the daemon goes on with other work.
    fail(`internal error: ${(e as Error).message}`);
    log(`session ${session.id}: failed: ${(e as Error).stack ?? e}`);
  }
}

/**
 * Runs a dead runner left in flight: those whose trainer still runs are returned, to be followed to their end;
 * the others keep every point of their log and are marked interrupted.
 */
async function reconcile(db: Db, settings: Settings, log: (l: string) => void): Promise<RunRow[]> {
  const orphans: RunRow[] = [];
  // Only runs the daemon itself started: a foreground `overseer run` or `overseer loop` owns its own, and a
  // session's loop reconciles its runs when it resumes.
  for (const run of runsWithStatus(db, "running").filter((r) => r.origin === "web")) {
    if (canAdopt(run)) {
      orphans.push(run);
      continue;
    }
    const ws = getWorkspace(db, run.workspaceId);
    if (ws) await cleanUpAbandonedRun(db, settings, ws.repoRoot, run);
    const fresh = getRun(db, run.id);
    if (fresh && !isTerminal(fresh.status)) {
      applyRunEvent(db, run.id, { type: "run_interrupted" }, Date.now(), {
        endedAt: Date.now(),
        reason: "the runner stopped while this run was in flight, and its trainer is gone; every point of its log is kept",
        logTail: readLogTail(run.logPath),
      });
      log(`run ${run.id}: marked interrupted (left in flight by an earlier runner)`);
    }
  }
  return orphans;
}
