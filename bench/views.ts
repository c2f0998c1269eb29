/**
 * Benchmark 5, views at scale, and 6, memory: a generated database (10,000 experiments; three runs of
 * 1,000,000 points each, written by the runner's own writer) served by `overseer start`, loaded in Chromium.
 * For the session overview, the best experiment's page and the compare view of the three big runs: time to
 * first render (first contentful paint) and to interactive (its content drawn: the loss chart's points, the
 * table's rows), the median of 3 loads, and the largest JSON answer the page fetched (a chart's data). Then
 * the web and runner processes' resident memory.
 *   npx tsx bench/views.ts [experiments] [points]
 */
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { generateLargeDb } from "./large-db";
import { rssOf, startDashboard } from "./lib/dashboard";
import { openBenchDb, tempDir } from "./lib/fixture";
import { median } from "./lib/stats";
import { CHROMIUM } from "./stream-latency";

export interface ViewFigures {
  firstRenderMs: number;
  interactiveMs: number;
  /** The largest tRPC answer of the load (a chart's data), and all of them together. */
  largestJsonBytes: number;
  totalJsonBytes: number;
}

export interface Views {
  generateS: number;
  session: ViewFigures;
  /** The experiment table sorted and filtered in SQL (?sort=-metric&status=discarded&q=…). */
  filtered: ViewFigures;
  /** The hyperparameter views: the first visit derives every experiment's constants from the snapshots. */
  hyperparametersFirstMs: number;
  hyperparameters: ViewFigures;
  experiment: ViewFigures;
  compare: ViewFigures;
  webRss: number;
  runnerRss: number;
}

async function load(page: Page, url: string, ready: (page: Page) => Promise<void>): Promise<ViewFigures> {
  const sizes: number[] = [];
  const onResponse = (r: import("@playwright/test").Response) => {
    if (r.url().includes("/api/trpc/"))
      void r.body().then(
        (b) => sizes.push(b.length),
        () => undefined,
      );
  };
  page.on("response", onResponse);
  await page.goto("about:blank");
  const t0 = Date.now();
  await page.goto(url);
  await ready(page);
  const interactiveMs = Date.now() - t0;
  const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
  await page.waitForTimeout(300); // the last bodies are read
  page.off("response", onResponse);
  return { firstRenderMs: fcp, interactiveMs, largestJsonBytes: Math.max(0, ...sizes), totalJsonBytes: sizes.reduce((a, b) => a + b, 0) };
}

async function medianOf(page: Page, url: string, ready: (page: Page) => Promise<void>, times = 3): Promise<ViewFigures> {
  await load(page, url, ready); // a first load warms the server's caches, as a second visit would find them
  const loads: ViewFigures[] = [];
  for (let i = 0; i < times; i++) loads.push(await load(page, url, ready));
  const m = (k: keyof ViewFigures) => median(loads.map((l) => l[k]));
  return { firstRenderMs: m("firstRenderMs"), interactiveMs: m("interactiveMs"), largestJsonBytes: m("largestJsonBytes"), totalJsonBytes: m("totalJsonBytes") };
}

const chartDrawn = async (page: Page) => {
  await page.locator('[aria-label="points drawn"]:not([data-points="0"])').first().waitFor({ timeout: 30_000 });
};

export async function views(experiments = 10_000, points = 1_000_000, port = 3330): Promise<Views> {
  const dataDir = tempDir("overseer-bench-views-");
  const file = path.join(dataDir, "overseer.db");
  const t = performance.now();
  const big = generateLargeDb(file, experiments, points, 3);
  const generateS = (performance.now() - t) / 1000;
  const db = openBenchDb(dataDir);
  const experimentOf = (runId: number) => (db.$client.prepare("SELECT id FROM experiments WHERE run_ids_json = ?").get(JSON.stringify([runId])) as { id: number }).id;
  const compared = big.bigRunIds.map(experimentOf);
  db.$client.close();

  const dash = await startDashboard({ dataDir, port });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const session = await medianOf(page, `${dash.url}/sessions/${big.sessionId}`, async (p) => {
      await p.getByRole("region", { name: "top hits" }).waitFor({ timeout: 30_000 });
      await p.locator("table tbody tr").nth(20).waitFor({ timeout: 30_000 });
    });
    const filtered = await medianOf(page, `${dash.url}/sessions/${big.sessionId}?sort=-metric&status=discarded&q=schedule`, async (p) => {
      await p.getByRole("region", { name: "top hits" }).waitFor({ timeout: 30_000 });
      await p.locator("table.experiments tbody tr td.title").nth(20).waitFor({ timeout: 30_000 });
    });
    const hyperReady = async (p: Page) => {
      await p.locator('[aria-label="parallel coordinates"] [data-drawn]:not([data-drawn="0"])').waitFor({ timeout: 60_000 });
      await p.locator('[aria-label="scatter"] [data-drawn]:not([data-drawn="0"])').waitFor({ timeout: 60_000 });
    };
    const hyperUrl = `${dash.url}/sessions/${big.sessionId}/hyperparameters`;
    const hyperparametersFirstMs = (await load(page, hyperUrl, hyperReady)).interactiveMs;
    const hyperparameters = await medianOf(page, hyperUrl, hyperReady);
    const experiment = await medianOf(page, `${dash.url}/experiments/${compared[0]}`, chartDrawn);
    const compare = await medianOf(page, `${dash.url}/compare?ids=${compared.join(",")}`, chartDrawn);
    return { generateS, session, filtered, hyperparametersFirstMs, hyperparameters, experiment, compare, webRss: rssOf(dash.webPid()), runnerRss: rssOf(dash.runnerPid) };
  } finally {
    await browser.close();
    await dash.stop();
  }
}

if (require.main === module) {
  const [n, m] = process.argv.slice(2).map(Number);
  void views(n || undefined, m || undefined).then((r) => console.log(JSON.stringify(r, null, 1)));
}
