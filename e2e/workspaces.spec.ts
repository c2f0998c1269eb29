import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { tinyLmRepo } from "./workspaces";

test("a workspace is added by its path, with a clear error for a wrong one; its overseer.json is edited on its page", async ({ page }) => {
  await page.goto("/");
  const input = page.getByLabel("workspace path");
  const add = page.getByRole("button", { name: "Add workspace" });

  // A folder that is not a repository, then one without the files the config names: each says what to do.
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), "not-a-repo-"));
  await input.fill(bare);
  await add.click();
  await expect(page.getByText(/is not inside a git repository.*git init/)).toBeVisible();

  const repo = tinyLmRepo();
  await input.fill(repo);
  await add.click();
  const card = page.getByRole("listitem", { name: `workspace ${path.basename(repo)}` });
  await expect(card).toBeVisible();
  await expect(card).toContainText("node train.mjs");

  // Its page: the config as written, saved only when valid.
  await card.getByRole("link", { name: path.basename(repo) }).click();
  await expect(page).toHaveURL(/\/workspaces\/\d+$/);
  const config = page.getByLabel("overseer.json");
  const original = await config.inputValue();
  expect(JSON.parse(original)).toMatchObject({ command: ["node", "train.mjs"] });
  await config.fill('{ "editable": ["missing.mjs"] }');
  await page.getByRole("button", { name: "Save overseer.json" }).click();
  await expect(page.getByText(/missing\.mjs not found/)).toBeVisible();
  expect(fs.readFileSync(path.join(repo, "overseer.json"), "utf8")).toBe(original);

  await config.fill(JSON.stringify({ ...JSON.parse(original), budgetSeconds: 12 }, null, 2));
  await page.getByRole("button", { name: "Save overseer.json" }).click();
  await expect(page.getByText(/Saved\. Sessions read overseer\.json at the commit/)).toBeVisible();
  expect(JSON.parse(fs.readFileSync(path.join(repo, "overseer.json"), "utf8")).budgetSeconds).toBe(12);
  await expect(page.getByRole("button", { name: "Save overseer.json" })).toBeDisabled(); // reloaded: what is saved is what is shown
  // The start form says the budget every run of a session gets: the one just saved.
  await expect(page.getByLabel("budget per run")).toHaveText("12s per run (overseer.json)");
  await expect(page.getByText(/Saved\. Sessions read/)).toBeVisible();
  await expect(page.getByText("No session on this workspace yet")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("workspace.png"), fullPage: true });
});
