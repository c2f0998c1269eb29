import { execFileSync } from "node:child_process";
import fs from "node:fs";
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

  // The winning chain, downloaded from the page, is one commit per keep and applies to the baseline. (A 2 s budget
  // on a busy machine is noisy, so whether a keep happened is read from the page, not assumed.)
  const keeps = (await page.getByRole("region", { name: "top hits" }).getByRole("row").count()) - 1; // less the header row
  const exportUrl = `${new URL(page.url()).pathname.replace("/sessions/", "/api/sessions/")}/export`;
  if (keeps > 0) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download patch" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^overseer-.+\.patch$/);
    const patch = test.info().outputPath("winning.patch");
    await download.saveAs(patch);
    expect(fs.readFileSync(patch, "utf8").match(/^From [0-9a-f]{40} /gm) ?? []).toHaveLength(keeps);
    execFileSync("git", ["apply", "--check", patch], { cwd: ws.dir }); // the user's checkout is the baseline
  } else {
    // Nothing kept: no empty patch under "apply with git am", but what came closest.
    await expect(page.getByLabel("nothing kept")).toContainText("Nothing was kept beyond the baseline");
    await expect(page.getByRole("link", { name: "Download patch" })).toHaveCount(0);
    const empty = await page.request.get(`${exportUrl}?format=patch`);
    expect(empty.status()).toBe(409);
    expect(await empty.text()).toContain("kept nothing beyond its baseline");
  }
  const tsv = await (await page.request.get(`${exportUrl}?format=tsv`)).text();
  expect(tsv.split("\n")[0]).toBe("commit\tval_bpb\tmemory_gb\tstatus\tdescription");
  expect(tsv.trim().split("\n")).toHaveLength(4);
});
