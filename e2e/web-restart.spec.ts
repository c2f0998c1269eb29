/**
 * kill -9 of the web process under a live run page, on a server of this spec's own (the shared one stays up
 * for the other specs): `overseer start` starts the web again, the runner in its own process goes on, and the
 * open page, never reloaded, resumes its curve with every stored point drawn once.
 */
import Database from "better-sqlite3";
import path from "node:path";
import { expect, test, type Locator } from "@playwright/test";
import { pidListeningOn } from "./listening-pid";
import { ROOT, startOwnServer, type OwnServer } from "./own-server";
import { shortTinyLm } from "./workspaces";

const PORT = 3400;
const DATA_DIR = path.join(ROOT, ".tmp", "e2e-restart-data");
const URL = `http://127.0.0.1:${PORT}`;
const drawn = async (points: Locator) => Number(await points.getAttribute("data-points"));

let server: OwnServer;
let token = "";

test.beforeAll(async () => {
  server = startOwnServer({ port: PORT, dataDir: DATA_DIR });
  await expect.poll(async () => (await fetch(URL).catch(() => null))?.status ?? 0, { timeout: 120_000 }).toBe(200);
  // Changes need the token `overseer start` printed (a new one at every start on loopback).
  token = /\?token=([\w-]+)/.exec(server.output())![1]!;
});

test.afterAll(async () => {
  await server?.stop();
});

test("the web process killed under a live page: the run goes on and the open page's curve resumes with every point once", async ({ page }, info) => {
  const ws = shortTinyLm(25, DATA_DIR);
  await page.goto(`${URL}/?token=${token}`);
  await page
    .getByRole("listitem", { name: `workspace ${ws.name}` })
    .getByRole("button", { name: "Start baseline run" })
    .click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  const runId = Number(/\/runs\/(\d+)$/.exec(page.url())![1]);
  const points = page.getByLabel("points drawn");
  await expect.poll(() => drawn(points), { timeout: 30_000 }).toBeGreaterThan(5);

  const web = pidListeningOn(PORT);
  expect(web).not.toBeNull();
  process.kill(web!, "SIGKILL"); // `overseer start` starts it again; the runner, in its own process, goes on
  const killedAt = Date.now();
  await expect.poll(() => pidListeningOn(PORT), { timeout: 60_000 }).not.toBe(web);
  await expect.poll(() => pidListeningOn(PORT), { timeout: 60_000 }).not.toBeNull();
  const backMs = Date.now() - killedAt;
  expect(server.output()).toContain("the web process exited (SIGKILL); restarting it");

  // The page was not reloaded: its stream reconnects to the new web process and resumes after the last point it had.
  const before = await drawn(points);
  await expect.poll(() => drawn(points), { timeout: 30_000 }).toBeGreaterThan(before);
  await expect(page.getByText("finished", { exact: true })).toBeVisible({ timeout: 60_000 });
  const db = new Database(path.join(DATA_DIR, "overseer.db"), { readonly: true });
  const stored = (db.prepare("SELECT count(*) AS n FROM metric_points WHERE run_id = ? AND series = 'loss'").get(runId) as { n: number }).n;
  db.close();
  expect(stored).toBeGreaterThan(before);
  await expect.poll(() => drawn(points), { timeout: 10_000 }).toBe(stored); // no gap, no point twice
  await page.screenshot({ path: info.outputPath("run-after-web-restart.png"), fullPage: true });
  console.log(`e2e figures: web process back ${backMs} ms after kill -9; the open page drew all ${stored} loss points`);
});

test("kill -9 of overseer start takes the web process with it: nothing is left on the port, and the next start comes up", async () => {
  const web = pidListeningOn(PORT);
  expect(web).not.toBeNull();
  process.kill(server.child.pid!, "SIGKILL"); // the supervisor alone (bin/overseer execs node), not its group
  const killedAt = Date.now();
  await expect.poll(() => pidListeningOn(PORT), { timeout: 15_000 }).toBeNull();
  const goneMs = Date.now() - killedAt;
  server = startOwnServer({ port: PORT, dataDir: DATA_DIR });
  await expect.poll(async () => (await fetch(URL).catch(() => null))?.status ?? 0, { timeout: 120_000 }).toBe(200);
  expect(server.output()).not.toMatch(/EADDRINUSE/);
  console.log(`e2e figures: the web process gone ${goneMs} ms after kill -9 of overseer start`);
});
