import { expect, test, type Locator } from "@playwright/test";
import { shortTinyLm } from "./workspaces";

const drawn = async (points: Locator) => Number(await points.getAttribute("data-points"));

test("a baseline run of tiny-lm streams a growing loss curve, then its summary", async ({ page }, info) => {
  await page.goto("/");
  // `npm start` registers the example workspace on a fresh database.
  await expect(page.getByRole("listitem", { name: "workspace tiny-lm", exact: true })).toBeVisible();
  await expect(page.getByText("runner online")).toBeVisible();

  // A workspace registered from the CLI appears without a reload.
  const ws = shortTinyLm(8);
  const card = page.getByRole("listitem", { name: `workspace ${ws.name}` });
  await expect(card).toBeVisible();

  const clickedAt = Date.now();
  await card.getByRole("button", { name: "Start baseline run" }).click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  await expect(page.getByText("running", { exact: true })).toBeVisible({ timeout: 15_000 });

  const points = page.getByLabel("points drawn");
  await expect.poll(() => drawn(points), { timeout: 20_000, intervals: [50] }).toBeGreaterThan(0);
  const firstPointMs = Date.now() - clickedAt;
  const early = await drawn(points);
  await expect.poll(() => drawn(points), { timeout: 20_000 }).toBeGreaterThan(early + 10);
  await expect(page.getByRole("progressbar", { name: "budget" })).toBeVisible();
  await expect(page.getByText(/of 8s budget/)).toBeVisible();
  await expect(page.getByLabel("log tail")).toContainText("step ");
  // The (fake) GPU's telemetry is charted next to the loss, about once a second; the top bar names the GPU.
  await expect(page.getByText("H100 80GB HBM3", { exact: true })).toBeVisible();
  const telemetry = page.getByRole("region", { name: "GPU telemetry" });
  await expect(telemetry).toContainText("NVIDIA H100 80GB HBM3 · driver 550.54.15");
  await expect.poll(() => drawn(telemetry.getByLabel("GPU utilisation chart")), { timeout: 20_000 }).toBeGreaterThan(1);
  await page.screenshot({ path: info.outputPath("run-live.png"), fullPage: true });

  await expect(page.getByText("finished", { exact: true })).toBeVisible({ timeout: 60_000 });
  const summary = page.getByRole("table", { name: "summary" });
  await expect(summary).toContainText("val_bpb");
  const bpb = Number((await page.getByLabel("metric").innerText()).replace(/[^0-9.]/g, ""));
  expect(bpb).toBeGreaterThan(1);
  expect(bpb).toBeLessThan(5);
  // Scored by tiny-lm's protected evaluation. In the sandbox training cannot read the held-out text and reports
  // nothing; without one, what it reports agrees.
  const shown = await page.getByLabel("metric").locator("strong").innerText();
  await expect(page.getByLabel("scored by")).toHaveText(new RegExp(`^evaluated by node evaluate\\.mjs(; the run reported ${shown.replace(".", "\\.")})?$`));
  await page.screenshot({ path: info.outputPath("run-finished.png"), fullPage: true });

  // The chart's settings are kept in the URL: a reload (or a shared link) shows the chart as it was.
  await page.getByLabel("x axis").selectOption("seconds");
  await page.getByRole("checkbox", { name: "log scale" }).check();
  await expect(page).toHaveURL(/[?&]x=seconds/);
  await expect(page).toHaveURL(/[?&]log=1/);
  await page.reload();
  await expect(page.getByLabel("x axis")).toHaveValue("seconds");
  await expect(page.getByRole("checkbox", { name: "log scale" })).toBeChecked();
  await page.getByLabel("x axis").selectOption("step");
  await expect(page).not.toHaveURL(/[?&]x=/);
  console.log(`e2e figures: first point on the page ${firstPointMs} ms after the click (run queued, worktree, node start, data load); val_bpb ${bpb} after 8 s`);
});

test("a running run can be stopped from its page", async ({ page }) => {
  const ws = shortTinyLm(60);
  await page.goto("/");
  await page
    .getByRole("listitem", { name: `workspace ${ws.name}` })
    .getByRole("button", { name: "Start baseline run" })
    .click();
  await expect.poll(() => drawn(page.getByLabel("points drawn")), { timeout: 30_000 }).toBeGreaterThan(0);
  await page.getByRole("button", { name: "Stop run" }).click();
  await expect(page.getByText("cancelled", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("cancelled by request")).toBeVisible();
});
