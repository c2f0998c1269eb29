import { expect, type Page, test } from "@playwright/test";
import { shortTinyLm } from "./workspaces";

test.describe.configure({ mode: "serial" });

/** A real session of examples/tiny-lm: the offline proposer's changes to its constants, 6 experiments of 2 s. */
let sessionPath = "";
let workspaceName = "";
async function session(page: Page): Promise<string> {
  if (sessionPath) return sessionPath;
  const ws = shortTinyLm(2);
  workspaceName = ws.name;
  await page.goto("/");
  const card = page.getByRole("listitem", { name: `workspace ${ws.name}` });
  await card.getByLabel("experiments").fill("6");
  await card.getByRole("button", { name: "Start loop" }).click();
  await expect(page).toHaveURL(/\/sessions\/\d+$/);
  await expect(page.getByText("reached 6 experiments")).toBeVisible({ timeout: 110_000 });
  sessionPath = new URL(page.url()).pathname;
  return sessionPath;
}

test("a session's hyperparameters: what moved the metric, a scatter of any constant, parallel coordinates, every experiment's constants", async ({ page }, info) => {
  test.setTimeout(180_000);
  await page.goto(await session(page));
  await page.getByRole("navigation", { name: "session views" }).getByRole("link", { name: "Hyperparameters" }).click();
  await expect(page).toHaveURL(/\/sessions\/\d+\/hyperparameters$/);

  // The constants table: the baseline and each proposal with code, its values and what it changed.
  const table = page.getByRole("table", { name: "constants table" });
  const rows = table.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  expect(n).toBeGreaterThanOrEqual(5);
  const changed = await table.getByLabel("changed").allInnerTexts();
  // The offline proposer changes constants only (one, or two that go together); the baseline changed nothing.
  expect(changed.filter((c) => /^[A-Z][A-Z0-9_]*(, [A-Z][A-Z0-9_]*)*$/.test(c)).length).toBeGreaterThanOrEqual(n - 2);
  const constants = (await table.locator("thead th").allInnerTexts()).slice(5).map((t) => t.replace(/[ ▲▼]+$/, ""));
  expect(constants.length).toBeGreaterThan(0);
  for (const c of changed.filter(Boolean).flatMap((a) => a.split(", "))) expect(constants).toContain(c);

  // Sorting by the metric puts the lowest first (one with no metric, a crash, last).
  await table.getByRole("button", { name: "val_bpb" }).click();
  const metrics = (await table.locator("tbody tr td:nth-child(4)").allInnerTexts()).map(Number).filter(Number.isFinite);
  expect(metrics).toEqual([...metrics].sort((a, b) => a - b));

  // The ranking names constants the experiments changed, with how many experiments stand behind each.
  const ranking = page.getByRole("table", { name: "importance ranking" });
  const ranked = await ranking.locator("tbody tr td:first-child").allInnerTexts();
  expect(ranked.length).toBeGreaterThan(0);
  for (const c of ranked) expect(constants).toContain(c);

  // The scatter and the parallel coordinates are drawn on canvases, one mark per experiment with a metric.
  const scatter = page.getByRole("region", { name: "scatter" });
  await expect(scatter.getByRole("img")).toHaveAttribute("data-drawn", /^[1-9]\d*$/);
  await expect(scatter.locator("canvas")).toHaveCount(1);
  const second = constants.find((c) => c !== ranked[0]) ?? constants[0]!;
  await scatter.getByLabel("constant").selectOption(second);
  await expect(page).toHaveURL(new RegExp(`[?&]constant=${second}`));
  await expect(scatter.getByRole("img")).toHaveAccessibleName(`${second} against val_bpb`);
  await expect(scatter.getByRole("img")).toHaveAttribute("data-drawn", /^[1-9]\d*$/);
  const parallel = page.getByRole("region", { name: "parallel coordinates" });
  await expect(parallel.getByRole("img")).toHaveAttribute("data-drawn", /^[1-9]\d*$/);
  // A canvas with marks on it: not one colour.
  const colours = await parallel.locator("canvas").evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    return seen.size;
  });
  expect(colours).toBeGreaterThan(3);
  await page.screenshot({ path: info.outputPath("hyperparameters.png"), fullPage: true });

  // The workspace's page has the same views over every session of the workspace (here, the one).
  await page.goto("/");
  await page
    .getByRole("listitem", { name: `workspace ${workspaceName}` })
    .getByRole("link", { name: workspaceName })
    .click();
  await page.getByRole("navigation", { name: "workspace views" }).getByRole("link", { name: "Hyperparameters of every session" }).click();
  await expect(page).toHaveURL(/\/workspaces\/\d+\/hyperparameters$/);
  await expect(page.getByRole("table", { name: "constants table" }).locator("tbody tr")).toHaveCount(n);
  await expect(page.getByRole("table", { name: "constants table" }).locator("tbody tr td:first-child").first()).toHaveText(/^\S+ #\d+$/);
});

test("the session's report downloads as one HTML file that opens from disk with the network off", async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  await page.goto(await session(page));
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("navigation", { name: "session views" }).getByRole("link", { name: "Download report" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^overseer-.+-report\.html$/);
  const file = info.outputPath(download.suggestedFilename());
  await download.saveAs(file);

  // A fresh browser context, offline, that records every request but the file itself.
  const context = await browser.newContext({ offline: true });
  const requests: string[] = [];
  context.on("request", (r) => {
    if (!r.url().startsWith("file://")) requests.push(r.url());
  });
  const offline = await context.newPage();
  await offline.goto(`file://${file}`);
  await expect(offline.getByRole("heading", { level: 1 })).toHaveText(/^Overseer report: /);
  for (const name of ["summary", "progress", "kept chain", "top discards", "hyperparameters"]) await expect(offline.getByRole("region", { name })).toBeVisible();
  await expect(offline.getByRole("region", { name: "summary" })).toContainText("baseline → best val_bpb");
  await expect(offline.getByRole("region", { name: "summary" })).toContainText("H100 80GB HBM3");
  await expect(offline.getByRole("region", { name: "progress" }).locator("svg")).toHaveCount(1);
  const hyper = offline.getByRole("region", { name: "hyperparameters" });
  expect(await hyper.locator("svg").count()).toBeGreaterThanOrEqual(2);
  // The charts are drawn: the progress chart holds a mark per experiment with a result.
  expect(await offline.getByRole("region", { name: "progress" }).locator("svg path").count()).toBeGreaterThan(5);
  await offline.screenshot({ path: info.outputPath("report.png"), fullPage: true });
  expect(requests).toEqual([]);
  await context.close();
});

test("the experiment table shows what each experiment tried and groups by it, with the filter in the URL", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(await session(page));
  const table = page.getByRole("table", { name: "experiments" });
  await expect(table.getByLabel("tried").first()).toBeVisible();
  const filter = page.getByRole("search", { name: "filter experiments" }).getByLabel("tried");
  const options = (await filter.locator("option").allInnerTexts()).slice(1);
  expect(options.length).toBeGreaterThan(0);
  const [name, count] = /^(\S+) \((\d+)\)$/.exec(options[0]!)!.slice(1);
  await filter.selectOption(name!);
  await expect(page).toHaveURL(new RegExp(`[?&]tried=${name}`));
  await expect(table.locator("tbody td.title")).toHaveCount(Number(count));
  for (const cell of await table.getByLabel("tried").allInnerTexts()) expect(cell).toContain(name!);
  await page.reload();
  await expect(filter).toHaveValue(name!);
  await expect(table.locator("tbody td.title")).toHaveCount(Number(count));
});

test("the home page's sessions and runs tables sort by a column and filter by status, in the URL", async ({ page }, info) => {
  await session(page);
  await page.goto("/");
  const runs = page.getByRole("table", { name: "runs" });
  await runs.getByRole("button", { name: "metric" }).click();
  await expect(page).toHaveURL(/[?&]rsort=-metric/);
  const values = async () => (await runs.locator("tbody tr td:nth-child(4)").allInnerTexts()).map((t) => Number(t.replace(/^\S+ /, ""))).filter(Number.isFinite);
  await expect.poll(async () => (await values()).length).toBeGreaterThan(3);
  await expect
    .poll(async () => {
      const v = await values();
      return v.join() === [...v].sort((a, b) => b - a).join();
    })
    .toBe(true);
  await page.getByLabel("run status").selectOption("finished");
  await expect(page).toHaveURL(/[?&]rstatus=finished/);
  await expect.poll(async () => [...new Set(await runs.locator("tbody .badge").allInnerTexts())]).toEqual(["finished"]);

  const sessions = page.getByRole("table", { name: "sessions" });
  await sessions.getByRole("button", { name: "experiments" }).click();
  await expect(page).toHaveURL(/[?&]ssort=-experiments/);
  const counts = async () => (await sessions.locator("tbody tr td:nth-child(6)").allInnerTexts()).map(Number);
  await expect.poll(async () => (await counts()).length).toBeGreaterThan(0);
  await expect
    .poll(async () => {
      const c = await counts();
      return c.join() === [...c].sort((a, b) => b - a).join();
    })
    .toBe(true);
  await page.reload();
  await expect(sessions.getByRole("columnheader", { name: /experiments/ })).toHaveAttribute("aria-sort", "descending");
  await expect(runs.getByRole("columnheader", { name: /metric/ })).toHaveAttribute("aria-sort", "descending");
  await page.screenshot({ path: info.outputPath("home-sorted.png"), fullPage: true });
});
