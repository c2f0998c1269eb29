import { expect, test } from "@playwright/test";
import { shortTinyLm } from "./workspaces";

test("a click starts a research loop with the offline proposer; it keeps the baseline and decides each experiment", async ({ page }) => {
  const ws = shortTinyLm(2);
  await page.goto("/");
  const card = page.getByRole("listitem", { name: `workspace ${ws.name}` });
  await card.getByLabel("experiments").fill("2");
  await card.getByRole("button", { name: "Start loop" }).click();
  await expect(page).toHaveURL(/\/sessions\/\d+$/);

  await page.getByLabel("steering note").fill("try a shorter context");
  await page.getByRole("button", { name: "Add note" }).click();
  const table = page.getByRole("table", { name: "experiments" });
  await expect(table).toContainText("steering: try a shorter context");
  await expect(table.getByRole("row").filter({ hasText: "baseline" })).toContainText("kept", { timeout: 30_000 });
  await expect(page.getByText("reached 2 experiments")).toBeVisible({ timeout: 60_000 });
  // Two proposals, each decided: kept, discarded or crashed, with a reason.
  const decided = table.getByRole("row").filter({ hasText: /→/ });
  await expect(decided).toHaveCount(2);
  for (const row of await decided.all()) await expect(row).toContainText(/kept|discarded|crashed/);
  await expect(page.getByText("overseer/")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("session.png"), fullPage: true });
});
