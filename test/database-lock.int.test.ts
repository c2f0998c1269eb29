/**
 * The database held locked by another program (a `sqlite3` shell left in a transaction) while a run trains:
 * the runner waits for the lock instead of failing, stores every point once it goes, and the run ends as it
 * should; the dashboard says the database is locked, and its changes are refused with that reason.
 */
import { describe, expect, it } from "vitest";
import { createRun, getRun } from "../db/queries/runs";
import { appRouter } from "../server/root";
import { expectEveryPointOnce, holdDatabaseLock, startRunner, stopRunner } from "./helpers/runner-process";
import { registeredTrainer } from "./helpers/registered";
import { type tempDb, waitFor } from "./helpers/temp";
import { runEnded } from "./helpers/run-ended";

const countRuns = (db: ReturnType<typeof tempDb>["db"]) => (db.$client.prepare("SELECT count(*) AS n FROM runs").get() as { n: number }).n;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the database locked by another program while a run trains", () => {
  it("the runner waits it out and loses nothing; the dashboard says so and refuses changes with a reason", async () => {
    const { dataDir, db, dbFile: file, ws } = await registeredTrainer("slow.mjs", { command: ["node", "train.mjs", "5"], budgetSeconds: 5, timeoutSeconds: 60 });
    const caller = appRouter.createCaller({ db, credential: "page", client: "test" });
    const runner = startRunner(dataDir);
    try {
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) >= 3, 30_000, "the first points");
      const lock = await holdDatabaseLock(file, 9000);
      const pointsBefore = getRun(db, run.id)!.pointCount;
      const runsBefore = countRuns(db);
      // A change from the dashboard waits its 5 s, then is refused, saying why; nothing is written.
      await expect(caller.run.start({ workspaceId: ws.id })).rejects.toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        message: expect.stringMatching(/database is locked by another program.*nothing was changed/),
      });
      expect(countRuns(db)).toBe(runsBefore);
      // The runner's heartbeat has gone quiet by now: the top bar tells a lock from a dead runner.
      await until(async () => (await caller.system.runner()).online === false, 10_000, "the heartbeat to go quiet");
      expect(await caller.system.runner()).toMatchObject({ online: false, databaseLocked: true });
      expect(getRun(db, run.id)!.pointCount).toBe(pointsBefore); // reads go on; the runner's writes wait
      await lock.released;

      const ended = await runEnded(db, run.id, 30_000, "the run to end");
      expect(ended).toMatchObject({ status: "finished", metricValue: 0.9 });
      expectEveryPointOnce(db, run.id);
      await until(async () => (await caller.system.runner()).online, 10_000, "the runner to be back online");
      expect(await caller.system.runner()).toMatchObject({ databaseLocked: false });
      expect(runner.child.exitCode).toBeNull(); // it never crashed
    } finally {
      await stopRunner(runner.child);
    }
  }, 90_000);
});
