/**
 * Another program holding the database's write lock (a sqlite3 shell in a transaction, a backup) while the
 * runner works. The runner used to wait up to ten minutes inside better-sqlite3 for every write, its event loop
 * blocked meanwhile: no timer, no log-flood stop, no signal could act. Now a write waits a moment, and what it
 * carries is tried again asynchronously; nothing is lost and nothing gives up.
 */
import { describe, expect, it } from "vitest";
import { listExperiments } from "../db/queries/experiments";
import { readLease } from "../db/queries/runner-lease";
import { createRun, getRun } from "../db/queries/runs";
import { holdWriteLock } from "../test/helpers/lock-holder";
import { loopSetup } from "../test/helpers/loop";
import { registeredTrainer } from "../test/helpers/registered";
import { testSettings, waitFor } from "../test/helpers/temp";
import { RUNNER_BUSY_TIMEOUT_MS } from "./cli/open-db";
import { startDaemon } from "./daemon";
import { runSession } from "./loop/engine";

/** The longest this process's event loop went without running a 20 ms timer, until stop() is called. */
function eventLoopLag(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return worst;
    },
  };
}

describe("the database locked by another program", () => {
  it("does not stall the loop, and every experiment is decided and recorded", async () => {
    const { db, session, deps, lines } = await loopSetup({ maxExperiments: 5, seed: 3 }, { trainerSource: (s) => s.replace("const sleepMs = 0;", "const sleepMs = 300;") });
    db.$client.pragma(`busy_timeout = ${RUNNER_BUSY_TIMEOUT_MS}`);
    const looping = runSession(session.id, deps);
    await waitFor(() => listExperiments(db, session.id)[0]?.status === "running", 10_000, "the baseline's run");
    const lock = holdWriteLock(db.$client.name, { holds: 5, holdMs: 2000, gapMs: 400 });
    await waitFor(() => lock.held() > 0, 10_000, "the other program's lock");
    const lag = eventLoopLag();
    const final = await looping;
    await lock.done;
    const worstLag = lag.stop();
    expect(lock.held()).toBe(5);
    expect(final).toMatchObject({ status: "finished", stopReason: "reached 5 experiments" });
    const exps = listExperiments(db, session.id);
    expect(exps).toHaveLength(6);
    expect(exps.filter((e) => !["kept", "discarded"].includes(e.status))).toEqual([]);
    // A 2 s lock used to block this process for 2 s at every write that met it.
    expect(worstLag).toBeLessThan(1000);
    // The lock was met (not only slipped between): the loop said it waited, or a run's points waited in memory.
    const warnings = db.$client.prepare("select payload_json from events where type = 'log_warning'").pluck().all() as string[];
    expect([...lines, ...warnings].filter((l) => /database is locked|held it locked/.test(l)).length).toBeGreaterThan(0);
  });

  it("does not make the runner give up, and a run that ends under the lock is recorded", async () => {
    const { dataDir, db, ws } = await registeredTrainer("slow.mjs", { command: ["node", "train.mjs", "2"] });
    db.$client.pragma(`busy_timeout = ${RUNNER_BUSY_TIMEOUT_MS}`);
    const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
    const lines: string[] = [];
    const daemon = await startDaemon({ db, settings: testSettings(dataDir), pollMs: 20, log: (l) => lines.push(l) });
    let gaveUp: unknown = null;
    daemon.done.catch((e: unknown) => (gaveUp = e));
    try {
      await waitFor(() => getRun(db, run.id)?.status === "running", 10_000, "the run's start");
      // Held from the run's first second to a second past its end: its points and its result meet the lock.
      const lock = holdWriteLock(db.$client.name, { holds: 1, holdMs: 3000, gapMs: 0 });
      await waitFor(() => lock.held() > 0, 10_000, "the other program's lock");
      const lag = eventLoopLag();
      await lock.done;
      const worstLag = lag.stop();
      await waitFor(() => getRun(db, run.id)?.status === "finished", 15_000, "the run's result");
      expect(worstLag).toBeLessThan(1000);
      expect(getRun(db, run.id)).toMatchObject({ metricValue: 0.9, pointCount: 40 } /* loss and progress, 20 records */);
      expect(gaveUp).toBeNull();
      expect(readLease(db)?.pid).toBe(process.pid);
    } finally {
      await daemon.stop();
    }
  });
});
