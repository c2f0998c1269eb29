import { expect, type Locator, type Page, test } from "@playwright/test";
import { shortTinyLm } from "./workspaces";

const drawn = async (l: Locator) => Number(await l.getAttribute("data-points"));

/** Drags across a chart's plot from one fraction of its width to another, as a user zooming does. */
async function drag(page: Page, chart: Locator, from: number, to: number) {
  const box = (await chart.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 70 + (box.width - 80) * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 70 + (box.width - 80) * ((from + to) / 2), y, { steps: 4 });
  await page.mouse.move(box.x + 70 + (box.width - 80) * to, y, { steps: 4 });
  await page.mouse.up();
}

test("a run's page shows every series in panels: zoom by dragging, reset by double-click, smoothing over the raw curve, x by wall clock, a panel expanded", async ({ page }, info) => {
  const ws = shortTinyLm(5);
  await page.goto("/");
  await page
    .getByRole("listitem", { name: `workspace ${ws.name}` })
    .getByRole("button", { name: "Start baseline run" })
    .click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  await expect(page.getByText("finished", { exact: true })).toBeVisible({ timeout: 60_000 });

  // Every series of tiny-lm's progress line has a panel, loss first; the (fake) GPU's telemetry follows.
  const curves = page.getByRole("region", { name: "curves" });
  for (const name of ["loss", "lrm", "dt", "tok/sec", "epoch", "remaining"]) await expect(curves.getByLabel(`${name} panel`, { exact: true })).toBeVisible();
  const titles = await curves.locator(".panel h3").allInnerTexts();
  expect(titles[0]).toMatch(/^loss\s/);
  await expect(curves.getByRole("region", { name: "GPU telemetry" }).getByLabel("GPU utilisation panel")).toBeVisible();

  const loss = curves.getByLabel("loss chart", { exact: true });
  const all = await drawn(loss);
  expect(all).toBeGreaterThan(20);
  await page.screenshot({ path: info.outputPath("panels.png"), fullPage: true });

  // Drag across the middle of the loss panel: it and the other step panels show that window only.
  await drag(page, loss, 0.3, 0.6);
  await expect(loss).toHaveAttribute("data-zoomed", /.+:.+/);
  const zoomed = await drawn(loss);
  expect(zoomed).toBeGreaterThan(2);
  expect(zoomed).toBeLessThan(all * 0.6);
  await expect(curves.getByLabel("lrm chart", { exact: true })).toHaveAttribute("data-zoomed", (await loss.getAttribute("data-zoomed"))!);
  await page.screenshot({ path: info.outputPath("panels-zoomed.png"), fullPage: true });
  await loss.dblclick();
  await expect(loss).not.toHaveAttribute("data-zoomed");
  expect(await drawn(loss)).toBe(all);

  // Smoothing draws a second, smoothed line over each faded raw one.
  const paths = () => loss.locator("path.recharts-line-curve").count();
  expect(await paths()).toBe(1);
  await page.getByLabel("smoothing").fill("0.8");
  await expect.poll(paths).toBe(2);
  await expect(loss.locator('path.recharts-line-curve[stroke-opacity="0.25"]')).toHaveCount(1);
  await expect(page).toHaveURL(/[?&]smooth=0\.8/);

  // By wall clock the ticks are times of day; the setting is in the URL.
  await page.getByLabel("x axis").selectOption("wall");
  await expect(page).toHaveURL(/[?&]x=wall/);
  const ticks = loss.locator(".recharts-cartesian-axis-tick-value");
  await expect.poll(() => ticks.filter({ hasText: /^\d\d:\d\d:\d\d$/ }).count()).toBeGreaterThan(1);

  // A panel expands to the whole row, and stays so after a reload.
  await curves.getByRole("button", { name: "expand loss" }).click();
  await expect(page).toHaveURL(/[?&]panel=loss/);
  await page.reload();
  await expect(curves.getByLabel("loss panel", { exact: true })).toHaveClass(/expanded/);
  const [grid, panel] = await Promise.all([curves.locator(".panel-grid").first().boundingBox(), curves.getByLabel("loss panel", { exact: true }).boundingBox()]);
  expect(panel!.width).toBeGreaterThan(grid!.width * 0.95);
  await page.screenshot({ path: info.outputPath("panel-expanded.png"), fullPage: true });
});
