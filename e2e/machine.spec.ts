import { expect, test } from "@playwright/test";

test("the home page shows the runner's check of its machine, and it checks again when asked", async ({ page }) => {
  await page.goto("/");
  const panel = page.getByRole("region", { name: "this machine" });
  const checks = panel.getByRole("table", { name: "machine checks" });
  // e2e/serve.sh gives the runner the fake nvidia-smi: one H100, seen inside the sandbox too.
  await expect(checks.getByRole("row").filter({ hasText: "gpu 0" })).toContainText("NVIDIA H100 80GB HBM3, driver 550.54.15");
  await expect(checks.getByRole("row").filter({ hasText: "gpu in sandbox" })).toContainText("lists 1 GPU, as outside");
  await expect(checks.getByRole("row").filter({ hasText: "sandbox" }).first()).toContainText("bubblewrap");
  // The Claude key can be checked only while supervised.spec's fake API is up: otherwise it is said, not counted as passing.
  const summary = panel.getByText(/as the runner found them at/);
  await expect(summary).toContainText(/^(6 of 7 checks pass, 1 could not be checked|7 of 7 checks pass),/);
  const first = await summary.textContent();
  // The time it shows is to the second: a second check is told apart from the first by it.
  await page.waitForTimeout(1100);
  await panel.getByRole("button", { name: "check again" }).click();
  await expect(summary).not.toHaveText(first!, { timeout: 30_000 });
  await expect(panel.getByRole("button", { name: "check again" })).toBeEnabled();
  await panel.screenshot({ path: test.info().outputPath("machine-panel.png") });
});
