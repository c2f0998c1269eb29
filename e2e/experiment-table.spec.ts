import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_DATA_DIR } from "./workspaces";

const ROOT = path.resolve(__dirname, "..");

/** An autoresearch clone after a short night (results.tsv), adopted with `overseer import`: a session of 8 experiments. */
function importedSession(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "table-e2e-"));
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "e2e", GIT_AUTHOR_EMAIL: "e2e@x", GIT_COMMITTER_NAME: "e2e", GIT_COMMITTER_EMAIL: "e2e@x" },
    }).trim();
  fs.writeFileSync(path.join(dir, "prepare.py"), "TIME_BUDGET = 300\n");
  fs.writeFileSync(path.join(dir, "train.py"), "DEPTH = 8\n");
  fs.writeFileSync(path.join(dir, "program.md"), "# autoresearch\n");
  fs.writeFileSync(path.join(dir, ".gitignore"), "results.tsv\n");
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "baseline");
  const branch = `autoresearch/table${Date.now() % 100000}`;
  git("checkout", "-qb", branch);
  const base = git("rev-parse", "--short=7", "HEAD");
  const rows = [
    [base, "0.997900", "44.0", "keep", "baseline"],
    ["a000001", "0.993100", "44.0", "keep", "increase matrix LR to 0.05"],
    ["a000002", "1.001200", "52.3", "discard", "deeper model (depth 10)"],
    ["a000003", "0.000000", "0.0", "crash", "all long windows (OOM)"],
    ["a000004", "0.995000", "44.0", "discard", "wider MLP (ratio 5)"],
    ["a000005", "0.990512", "44.0", "keep", "longer warmdown (0.6)"],
    ["a000006", "0.999000", "44.0", "discard", "learning rate warmup 5%"],
    ["a000007", "0.991800", "44.0", "discard", "shorter warmdown (0.3)"],
  ];
  fs.writeFileSync(path.join(dir, "results.tsv"), `${["commit\tval_bpb\tmemory_gb\tstatus\tdescription", ...rows.map((r) => r.join("\t"))].join("\n")}\n`);
  execFileSync(path.join(ROOT, "bin", "overseer"), ["import", dir], { env: { ...process.env, OVERSEER_DATA_DIR: E2E_DATA_DIR } });
  return branch;
}

test("the experiment table sorts by a column and filters by status and words, in SQL, with its state in the URL", async ({ page }) => {
  const branch = importedSession();
  await page.goto("/");
  await page.getByRole("row").filter({ hasText: branch }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/sessions\/\d+$/);
  const table = page.getByRole("table", { name: "experiments" });
  const titles = () => table.locator("tbody td.title").allTextContents();
  await expect(table.locator("tbody td.title")).toHaveCount(8);
  expect((await titles())[0]).toContain("shorter warmdown"); // newest first

  // Sorted by the metric: one click highest first, a second lowest first (the crash has no value: last either way).
  await table.getByRole("button", { name: "metric" }).click();
  await expect(page).toHaveURL(/[?&]sort=-metric/);
  await expect.poll(async () => (await titles())[0]).toContain("deeper model");
  await table.getByRole("button", { name: /metric/ }).click();
  await expect(page).toHaveURL(/[?&]sort=metric/);
  await expect.poll(async () => (await titles())[0]).toContain("longer warmdown");
  expect((await titles()).at(-1)).toContain("all long windows");
  await expect(table.getByRole("columnheader", { name: /metric/ })).toHaveAttribute("aria-sort", "ascending");

  // Filtered by status, then by words too; the count says how many are shown.
  const filters = page.getByRole("search", { name: "filter experiments" });
  await filters.getByLabel("status").selectOption("discarded");
  await expect(page).toHaveURL(/[?&]status=discarded/);
  await expect(table.locator("tbody td.title")).toHaveCount(4);
  await expect(filters.getByText("4 shown")).toBeVisible();
  await filters.getByLabel("text").fill("warm");
  await expect(page).toHaveURL(/[?&]q=warm/);
  await expect(table.locator("tbody td.title")).toHaveCount(2);
  expect(await titles()).toEqual([expect.stringContaining("shorter warmdown"), expect.stringContaining("learning rate warmup")]);
  await page.screenshot({ path: test.info().outputPath("experiment-table-filtered.png"), fullPage: true });

  // A reload, or the link, shows the same rows.
  await page.reload();
  await expect(table.locator("tbody td.title")).toHaveCount(2);
  await expect(filters.getByLabel("status")).toHaveValue("discarded");
  await expect(filters.getByLabel("text")).toHaveValue("warm");
  await filters.getByRole("button", { name: "clear filters" }).click();
  await expect(table.locator("tbody td.title")).toHaveCount(8);
  await expect(page).not.toHaveURL(/status=|q=/);
  await expect(page).toHaveURL(/[?&]sort=metric/);
});

test("tags: a human labels an experiment and its session, and the table filters by a tag", async ({ page }) => {
  const branch = importedSession();
  await page.goto("/");
  await page.getByRole("row").filter({ hasText: branch }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/sessions\/\d+$/);
  const sessionUrl = page.url();
  const sessionTags = page.getByRole("group", { name: "session tags" });
  await sessionTags.getByLabel("add a tag").fill("night-1");
  await sessionTags.getByLabel("add a tag").press("Enter");
  await expect(sessionTags.getByText("night-1")).toBeVisible();

  // On an experiment's page: two tags at once; one that is not a tag is refused, saying why.
  const table = page.getByRole("table", { name: "experiments" });
  await table.getByRole("link", { name: "deeper model (depth 10)" }).click();
  const tags = page.getByRole("group", { name: "experiment tags" });
  await tags.getByLabel("add a tag").fill("Architecture, depth");
  await tags.getByLabel("add a tag").press("Enter");
  await expect(tags.getByText("architecture")).toBeVisible();
  await expect(tags.getByText("depth")).toBeVisible();
  await tags.getByLabel("add a tag").fill("not;a;tag");
  await tags.getByLabel("add a tag").press("Enter");
  await expect(tags.getByRole("alert")).toContainText("a tag is a word");
  await page.screenshot({ path: test.info().outputPath("experiment-tags.png") });

  // Back in the table: the tag on its row picks the filter, which the URL keeps.
  await page.goto(sessionUrl);
  await expect(table.locator("tbody td.title")).toHaveCount(8);
  await table.getByRole("button", { name: "architecture" }).click();
  await expect(page).toHaveURL(/[?&]tag=architecture/);
  await expect(table.locator("tbody td.title")).toHaveCount(1);
  await expect(page.getByRole("search", { name: "filter experiments" }).getByLabel("tag")).toHaveValue("architecture");

  // The session's tag is on the home page's list.
  await page.goto("/");
  await expect(page.getByRole("row").filter({ hasText: branch })).toContainText("night-1");
});
