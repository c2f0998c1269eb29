/**
 * The runner daemon: holds the database's runner lease, reconciles runs left in flight by a dead runner,
 * drives the web's sessions and starts its queued runs side by side up to the GPU slots, and stops a run when a
 * human asks. Unexpected errors are recorded as
 * events and the loop goes on; it gives up after the same error repeats.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { isTerminal } from "../core/run-lifecycle";
import type { Settings } from "../core/settings";
import { slurmJobOf } from "../core/slurm-job";
import type { Db } from "../db/open";
import { appendEvent } from "../db/queries/events";
import { databaseFault, describeDatabaseWait } from "../db/faults";
import { describeGpus, identityOf } from "../core/gpu";
import { doctorChecks } from "../core/doctor";
import { acquireLease, readLease, releaseLease, renewLease, setLeaseClaude, setLeaseDoctor, setLeaseGpus, setLeaseSandbox } from "../db/queries/runner-lease";
import { cancelAbandonedJob } from "./backends";
import { gatherDoctorFacts, type KnownFacts } from "./doctor";
import { queryGpus } from "./gpu";
import { startAlerts } from "./alerts";
import { probeSandbox } from "./sandbox";
import { applyRunEvent, cancelRequestedRunIds, getRun, nextQueuedRun, runsWithStatus, updateRun, type RunRow } from "../db/queries/runs";
import { adoptRun, canAdopt } from "./adopt-run";
import { readLogTail } from "./log-tail";
import { getWorkspace } from "../db/queries/workspaces";
import { applySessionEvent, activeWebSessions, sessionOptions, type SessionRow } from "../db/queries/sessions";
import { runSession, SessionDriven } from "./loop/engine";
import { startQueuedSession } from "./loop/start-session";
import { createProposer } from "./proposers";
import { cleanUpAbandonedRun, executeRun, worktreeRemovals } from "./execute-run";
import { driverAlive, ownGroupAlive, selfDriver } from "./process-identity";
import { createSlotPool, type SlotPool } from "./slot-pool";
import { processIdentity, sameProcessAlive } from "./process-identity";

export interface DaemonOptions {
  db: Db;
  settings: Settings;
  pollMs?: number;
  log?: (line: string) => void;
}

export interface Daemon {
  /** Stops the runs and sessions in flight (recorded as interrupted, resumable), releases the lease, resolves when done. */
  stop(): Promise<void>;
  done: Promise<void>;
}

const MAX_SAME_ERROR = 5;

class LeaseLost extends Error {}
/** The single runs' place in line for slots (runner/slot-pool). */
const RUNS = "runs";
const ORPHAN_CHECK_MS = 3000;

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { db, settings } = opts;
  const log = opts.log ?? ((l: string) => console.log(l));
  const owner = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  // A holder on this machine is checked by process identity: a dead runner is a zombie until reaped, and its pid may be reused.
  const lease = acquireLease(db, owner, process.pid, processIdentity(process.pid), Date.now(), (held) => !held.owner.startsWith(`${os.hostname()}:`) || sameProcessAlive(held.pid, held.pidIdentity));
  if (!lease.ok) {
    throw new Error(`another runner (pid ${lease.holder.pid}, ${lease.holder.owner}) is using ${settings.dbFile}; stop it first, or set OVERSEER_DATA_DIR to use another database.`);
  }
  // The webhooks of the sessions this runner drives (the web's); a headless loop sends its own.
  const alerts = startAlerts(db, settings, { sessions: (s) => s.origin === "web", log });
  const sandbox = await probeSandbox();
  setLeaseSandbox(db, owner, sandbox.detail);
  if (!sandbox.available) log(`sandbox ${sandbox.detail}`);
  const found = await queryGpus(settings.gpu.nvidiaSmi);
  const gpus = found ?? [];
  setLeaseGpus(db, owner, JSON.stringify(gpus.map(identityOf)));
  log(describeGpus(gpus));
  const orphans = await reconcile(db, settings, log);
  // The dashboard holds no key and runs no probe: the runner checks its machine as `overseer doctor` does, the
  // Claude key included, now, every 15 minutes and when the dashboard asks; the answers go to its lease.
  let checkingMachine = false;
  let answeredRequest = readLease(db)?.doctorRequestedAt ?? null;
  // The first check takes the sandbox and GPUs just probed above; later ones (every 15 minutes, "check again") ask anew.
  let known: KnownFacts | undefined = { sandbox, gpus: found };
  const checkMachine = () => {
    if (checkingMachine) return;
    checkingMachine = true;
    const gathering = gatherDoctorFacts(settings, null, known);
    known = undefined;
    void gathering
      .then((facts) => {
        const status = facts.claude;
        setLeaseClaude(db, owner, JSON.stringify(status));
        if (status.configured && !status.ok) log(`claude: ${status.error}`);
        else if (status.configured && status.note) log(`claude: ${status.note}`);
        setLeaseDoctor(db, owner, JSON.stringify({ checkedAt: Date.now(), checks: doctorChecks(facts) }));
        appendEvent(db, { type: "machine_checked", at: Date.now() });
      })
      .catch((e: unknown) => log(`runner: checking the machine failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        checkingMachine = false;
      });
  };
  checkMachine();
  const machineTimer = setInterval(checkMachine, 15 * 60_000);
  machineTimer.unref();

  let stopping = false;
  // What this runner drives at once: single runs and sessions, side by side up to the slots (runner/slot-pool).
  const pool = createSlotPool(gpus.map(identityOf));
  type Work = { kind: "run" | "session"; id: number; controller: AbortController; promise: Promise<unknown> };
  const active = new Map<string, Work>();
  const track = (work: Omit<Work, "promise">, promise: Promise<unknown>) => {
    const key = `${work.kind}:${work.id}`;
    active.set(key, { ...work, promise: promise.finally(() => active.delete(key)) });
  };
  // Live trainers a dead runner left: followed to their end, one after the other, before anything new starts.
  const adoptNext = () => {
    const run = orphans.shift();
    if (!run) return;
    const controller = new AbortController();
    // This runner drives it now: a later runner finds it by this one.
    updateRun(db, run.id, { driver: selfDriver() });
    const job = slurmJobOf(run);
    const how = job
      ? `re-attached to its Slurm job ${job}: following it to its end, or reading how it ended`
      : ownGroupAlive(run.pid!, run.pidIdentity)
        ? `following it to its end (pid ${run.pid} still trains)`
        : "its trainer ended meanwhile: reading its outcome from the log";
    log(`run ${run.id}: taken over from a driver that is gone; ${how}`);
    appendEvent(db, { type: "run_adopted", at: Date.now(), workspaceId: run.workspaceId, runId: run.id, payload: { pid: run.pid } });
    const promise = adoptRun(run, { db, settings, signal: controller.signal }).then(async (r) => {
      log(`run ${r.id}: ${r.status} — ${r.reason ?? ""}`);
      const ws = getWorkspace(db, r.workspaceId);
      if (ws) await cleanUpAbandonedRun(db, settings, ws.repoRoot, r);
    });
    track({ kind: "run", id: run.id, controller }, promise);
  };
  let adopting = orphans.length > 0;
  adoptNext();
  let lastError = "";
  let sameErrors = 0;
  let waitingForDatabase = false;
  let stopRequested: () => Promise<void> = async () => undefined;

  /** Starts the next queued single run if a slot may be granted to the runs; false when none started. */
  const startQueuedRun = (): boolean => {
    const run = nextQueuedRun(
      db,
      [...active.values()].filter((w) => w.kind === "run").map((w) => w.id),
    );
    pool.want(RUNS, run ? 1 : 0, pool.slots);
    if (!run) return false;
    const ws = getWorkspace(db, run.workspaceId);
    if (!ws) {
      applyRunEvent(db, run.id, { type: "run_cancelled" }, Date.now(), { reason: "its workspace no longer exists" });
      return true;
    }
    if (run.cancelRequestedAt) {
      applyRunEvent(db, run.id, { type: "run_cancelled" }, Date.now(), { endedAt: Date.now(), reason: "cancelled before it started" });
      return true;
    }
    const slot = pool.claim(RUNS, 1, pool.slots);
    if (!slot) return false;
    const controller = new AbortController();
    const gpu = slot[0]!.gpu;
    log(`run ${run.id}: starting ${ws.name}${gpu ? ` (GPU ${gpu.index})` : ""}`);
    const promise = executeRun(run, ws, { db, settings, signal: controller.signal, gpu })
      .then((r) => log(`run ${r.id}: ${r.status} — ${r.reason ?? ""}`))
      // A bug in one run must not take the runner, and every other run, down with it.
      .catch((e: unknown) => log(`runner error: run ${run.id}: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => pool.release(slot));
    track({ kind: "run", id: run.id, controller }, promise);
    return true;
  };

  let renewedAt = -Infinity;
  let orphansCheckedAt = performance.now();
  let checkingOrphans = false;
  const tick = () => {
    // The heartbeat is a write; once a second is plenty for a 5 s staleness limit. Timed on the monotonic
    // clock: after the wall clock jumps back, a wall-clock interval would stop the heartbeat for as long.
    if (performance.now() - renewedAt >= 1000) {
      const renewed = renewLease(db, owner, Date.now());
      if (!renewed) throw new LeaseLost("this runner lost its lease (it was stalled for over 5 s and another runner took over)");
      renewedAt = performance.now();
      const requested = renewed.doctorRequestedAt;
      if (requested !== null && requested !== answeredRequest) {
        answeredRequest = requested;
        checkMachine();
      }
    }
    // Every few seconds: single runs whose driver died while this runner was up (a killed `overseer run`).
    if (!adopting && !checkingOrphans && performance.now() - orphansCheckedAt >= ORPHAN_CHECK_MS) {
      checkingOrphans = true;
      void reconcile(db, settings, log, false)
        .then((found) => {
          orphans.push(...found);
          while (orphans.length) adoptNext();
        })
        .catch((e: unknown) => log(`runner error: reconciling orphaned runs: ${(e as Error).message}`))
        .finally(() => {
          checkingOrphans = false;
          orphansCheckedAt = performance.now();
        });
    }
    const cancels = cancelRequestedRunIds(db);
    for (const w of active.values()) if (w.kind === "run" && cancels.includes(w.id)) w.controller.abort("cancel");
    if (adopting) {
      if (active.size) return;
      if (orphans.length) return adoptNext();
      adopting = false;
    }
    for (const session of activeWebSessions(db)) {
      if (active.has(`session:${session.id}`)) continue;
      // Resumed from the CLI while no runner was up: that loop drives it until it ends.
      if (session.driver && driverAlive(session.driver)) continue;
      const controller = new AbortController();
      track({ kind: "session", id: session.id, controller }, driveSession(db, settings, session, pool, controller.signal, log));
    }
    while (startQueuedRun());
  };

  const done = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (stopping) return;
      try {
        tick();
        sameErrors = 0;
        waitingForDatabase = false;
      } catch (e) {
        // Another program's lock (or a full disk) is waited out: the next tick tries again, and nothing gives up.
        // The lease cannot be taken meanwhile, since taking it is a write too.
        const fault = databaseFault(e);
        if (fault && !(e instanceof LeaseLost)) {
          if (!waitingForDatabase) log(`runner: ${describeDatabaseWait(fault)}`);
          waitingForDatabase = true;
          return;
        }
        const message = e instanceof Error ? e.message : String(e);
        sameErrors = message === lastError ? sameErrors + 1 : 1;
        lastError = message;
        log(`runner error: ${message}`);
        try {
          appendEvent(db, { type: "runner_error", at: Date.now(), payload: { message } });
        } catch {
          // the database itself is failing; the repeated-error limit below ends the process
        }
        // Without the lease another runner may drive the same work: stop at once. After the same error again and
        // again, give up. Either way the work in flight stops first (runs interrupted, sessions resumable).
        if (e instanceof LeaseLost) void shutDown().then(() => reject(e));
        else if (sameErrors >= MAX_SAME_ERROR) void shutDown().then(() => reject(new Error(`the same error ${MAX_SAME_ERROR} times in a row: ${message}`)));
      }
    }, opts.pollMs ?? 100);
    let shutting: Promise<void> | null = null;
    const shutDown = () => (shutting ??= shutDownOnce());
    const shutDownOnce = async () => {
      stopping = true;
      clearInterval(timer);
      for (const w of active.values()) w.controller.abort("shutdown");
      await Promise.all([...active.values()].map((w) => w.promise.catch(() => undefined)));
      await worktreeRemovals();
      clearInterval(machineTimer);
      await alerts.stop();
      try {
        releaseLease(db, owner); // only if still ours
      } catch {
        // the database is failing: the lease goes stale by itself
      }
    };
    stopRequested = async () => {
      await shutDown();
      resolve();
    };
  });
  log(`runner ready (database ${settings.dbFile})`);
  return { stop: () => stopRequested().then(() => done), done };
}

/** Starts (if queued) and runs a session from the web until it ends or the daemon stops. */
async function driveSession(db: Db, settings: Settings, session: SessionRow, pool: SlotPool, signal: AbortSignal, log: (l: string) => void): Promise<void> {
  const ws = getWorkspace(db, session.workspaceId);
  const fail = (reason: string) => void applySessionEvent(db, session.id, "failed", Date.now(), { stopReason: reason, endedAt: Date.now() });
  if (!ws) return fail("its workspace no longer exists");
  if (session.status === "queued") {
    const started = await startQueuedSession(db, session, ws);
    if (!started.ok) return log(`session ${session.id}: ${started.error}`);
  }
  let proposer: ReturnType<typeof createProposer>;
  try {
    proposer = createProposer(sessionOptions(session), settings, log);
  } catch (e) {
    return fail((e as Error).message);
  }
  log(`session ${session.id}: running on ${ws.name}`);
  try {
    const final = await runSession(session.id, { db, settings, proposer, signal, pool, log: (l) => log(`session ${session.id}: ${l}`) });
    log(`session ${session.id}: ${final.status}`);
  } catch (e) {
    // Another process took it first: it is that one's, nothing to record.
    if (e instanceof SessionDriven) return log(`session ${session.id}: ${e.message}`);
    // The database refused a write before the loop began (a lock): the next tick drives it again.
    if (databaseFault(e)) return log(`session ${session.id}: ${(e as Error).message}; trying again`);
    // Recorded on the session, and the daemon goes on with other work.
    fail(`internal error: ${(e as Error).message}`);
    log(`session ${session.id}: failed: ${(e as Error).stack ?? e}`);
  }
}

/**
 * Single runs in flight whose driver is gone: a dead runner's, or a killed `overseer run`'s (a live one drives its
 * own). A session's runs are its loop's, reconciled when it resumes. Rows from before drivers were recorded: the
 * web's, at the runner's start only.
 */
function orphanedRuns(db: Db, atStart: boolean): RunRow[] {
  return runsWithStatus(db, "running").filter((r) => (r.origin === "web" || r.origin === "cli") && (r.driver ? !driverAlive(r.driver) : atStart && r.origin === "web"));
}

/**
 * Runs a dead driver left in flight: those with a log are returned, to be followed to their end (at once if the
 * trainer is gone too: the outcome is read from the log); the others are marked interrupted.
 */
async function reconcile(db: Db, settings: Settings, log: (l: string) => void, atStart = true): Promise<RunRow[]> {
  const orphans: RunRow[] = [];
  for (const run of orphanedRuns(db, atStart)) {
    if (canAdopt(settings, run)) {
      orphans.push(run);
      continue;
    }
    const ws = getWorkspace(db, run.workspaceId);
    const job = ws ? await cleanUpAbandonedRun(db, settings, ws.repoRoot, run) : await cancelAbandonedJob(run);
    if (job) log(`run ${run.id}: its Slurm job ${job} cancelled: the process that followed it is gone`);
    const fresh = getRun(db, run.id);
    if (fresh && !isTerminal(fresh.status)) {
      applyRunEvent(db, run.id, { type: "run_interrupted" }, Date.now(), {
        endedAt: Date.now(),
        reason: "what drove this run (a runner, or overseer run) stopped while it was in flight, and its trainer is gone; every point of its log is kept",
        logTail: readLogTail(run.logPath),
      });
      log(`run ${run.id}: marked interrupted (left in flight by a process that is gone)`);
    }
  }
  return orphans;
}
