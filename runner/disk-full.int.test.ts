/**
 * A disk that fills up. Two real ways: free space below OVERSEER_MIN_FREE_DISK_MB (set above what the disk
 * has, so that this disk is "full"), and SQLite itself answering SQLITE_FULL ("database or disk is full") for
 * every write that needs a new page, which it does once max_page_count is reached and no page is free.
 */
import { describe, expect, it } from "vitest";
import { listEventsAfter } from "../db/queries/events";
import { seriesNames, seriesPoints } from "../db/queries/metrics";
import { createRun, getRun } from "../db/queries/runs";
import { lossInLog } from "../test/helpers/runner-process";
import { registeredTrainer } from "../test/helpers/registered";
import { tempDb, tempDir, testSettings, waitFor } from "../test/helpers/temp";
import { freeDiskMb } from "../db/free-space";
import { executeRun } from "./execute-run";
import { appRouter } from "../server/root";

async function setup(trainer: string, config: Record<string, unknown> = {}) {
  const { dataDir, db, ws } = await registeredTrainer(trainer, config);
  const run = createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() });
  return { db, dataDir, ws, run, settings: testSettings(dataDir) };
}

/** Fills every page SQLite may use, as a full disk would; the returned function frees them again. */
function fillDatabase(db: ReturnType<typeof tempDb>["db"]): () => void {
  const sqlite = db.$client;
  sqlite.exec("CREATE TABLE IF NOT EXISTS filler (x BLOB)");
  sqlite.pragma(`max_page_count = ${sqlite.pragma("page_count", { simple: true }) as number}`);
  for (;;) {
    try {
      sqlite.prepare("INSERT INTO filler VALUES (randomblob(200))").run();
    } catch (e) {
      expect((e as { code?: string }).code).toBe("SQLITE_FULL");
      break;
    }
  }
  return () => {
    sqlite.pragma("max_page_count = 1073741823");
    sqlite.exec("DROP TABLE filler");
  };
}

describe("a full disk", () => {
  it("a run waits, saying why, while free space is below OVERSEER_MIN_FREE_DISK_MB, and starts once it is freed", async () => {
    const { db, dataDir, ws, run, settings } = await setup("ok.mjs");
    settings.minFreeDiskMb = freeDiskMb(dataDir) + 100_000;
    const done = executeRun(run, ws, { db, settings, parentEnv: { PATH: process.env.PATH } });
    const waiting = await waitFor(() => getRun(db, run.id)?.waitingFor, 10_000, "the run to wait");
    expect(waiting).toMatch(/^disk almost full: \d+ MB free in .*new runs wait until \d+ MB are free \(OVERSEER_MIN_FREE_DISK_MB\)$/);
    expect(getRun(db, run.id)!.status).toBe("queued");
    await new Promise((r) => setTimeout(r, 1500));
    expect(getRun(db, run.id)!.status).toBe("queued"); // still waiting, not started on a full disk
    settings.minFreeDiskMb = 0; // space freed
    const final = await done;
    expect(final).toMatchObject({ status: "finished", metricValue: 1.234567, waitingFor: null });
    expect(listEventsAfter(db, 0).filter((e) => e.type === "run_waiting")).toHaveLength(1);
  });

  it("a run that fails while the disk is full says that is the likely cause", async () => {
    const { db, dataDir, ws, run, settings } = await setup("crash.mjs");
    const free = freeDiskMb(dataDir);
    const done = executeRun(run, ws, { db, settings, parentEnv: { PATH: process.env.PATH } });
    await waitFor(() => getRun(db, run.id)?.status === "running", 10_000, "the run to start");
    settings.minFreeDiskMb = free + 100_000; // the disk fills while it trains
    const final = await done;
    expect(final.status).toBe("crashed");
    expect(final.reason).toMatch(/exited with code 1 — the disk holding .* was almost full \(\d+ MB free\), the likely cause$/);
  });

  it("SQLite full in the middle of a run: points wait in memory, nothing is lost, the result is recorded once there is space", async () => {
    const { db, ws, run, settings } = await setup("wide.mjs", { command: ["node", "train.mjs", "4"], budgetSeconds: 4, timeoutSeconds: 60 });
    const done = executeRun(run, ws, { db, settings, parentEnv: { PATH: process.env.PATH } });
    await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) >= 32, 15_000, "the first points");
    const free = fillDatabase(db);
    const pointsWhenFull = getRun(db, run.id)!.pointCount;
    await new Promise((r) => setTimeout(r, 2500));
    expect(getRun(db, run.id)!.pointCount).toBeLessThan(pointsWhenFull + 16 * 20); // most of 2.5 s of points could not be stored
    free();
    const final = await done;
    expect(final).toMatchObject({ status: "finished", metricValue: 0.9 });
    // Every point of the log is stored, once, in every series.
    const inLog = lossInLog(final.logPath!);
    expect(inLog.size).toBe(80);
    expect(seriesPoints(db, run.id, "loss").map((p) => [p.step, p.value])).toEqual([...inLog]);
    expect(seriesNames(db, run.id)).toHaveLength(16);
    for (const series of seriesNames(db, run.id)) expect(seriesPoints(db, run.id, series)).toHaveLength(80);
    expect(final.pointCount).toBe(80 * 16);
    const warnings = listEventsAfter(db, 0)
      .filter((e) => e.type === "log_warning")
      .map((e) => JSON.parse(e.payloadJson!).message as string);
    expect(warnings).toContainEqual(expect.stringMatching(/^the database could not be written for \d+ s \(the disk was full\): the points waited in memory and were stored afterwards$/));
  });

  it("the dashboard's top bar says the disk is almost full", async () => {
    const dataDir = tempDir("overseer-data-");
    const { db } = tempDb(dataDir);
    const before = { ...process.env };
    process.env.OVERSEER_DATA_DIR = dataDir; // read once, at the web's first request
    process.env.OVERSEER_MIN_FREE_DISK_MB = String(freeDiskMb(dataDir) + 100_000);
    const status = await appRouter.createCaller({ db, credential: "page", client: "test" }).system.runner();
    process.env = before;
    expect(status.disk).toMatch(new RegExp(`^disk almost full: \\d+ MB free in ${dataDir}, where logs and the database are kept`));
  });
});
