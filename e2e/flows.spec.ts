import { expect, test, type Page } from "@playwright/test";
import { shortTinyLm } from "./workspaces";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(name), fullPage: true });

async function startLoop(page: Page, name: string, proposer: "mutate" | "manual", experiments: number) {
  await page.goto("/");
  const card = page.getByRole("listitem", { name: `workspace ${name}` });
  await card.getByLabel("proposer").selectOption(proposer);
  await card.getByLabel("experiments").fill(String(experiments));
  await card.getByRole("button", { name: "Start loop" }).click();
  await expect(page).toHaveURL(/\/sessions\/\d+$/);
}

test("a manual session runs what a human proposes, in Monaco or as a diff; with nothing kept it says so; a selection that does not apply names one that does", async ({ page }) => {
  const ws = shortTinyLm(2);
  await startLoop(page, ws.name, "manual", 2);
  const table = page.getByRole("table", { name: "experiments" });
  const propose = page.getByRole("region", { name: "propose" });
  await expect(propose).toContainText("This session's proposer is manual");
  await expect(table.getByRole("row").filter({ hasText: "baseline" })).toContainText("kept", { timeout: 60_000 });

  // The best code in Monaco: a learning rate a hundred times smaller (it barely learns: a clear discard), and a
  // hidden layer one unit narrower, so that it changes the line the next proposal changes too.
  const retype = async (from: string, to: string) => {
    await propose.locator(".editor.modified .view-line").filter({ hasText: from }).click();
    await page.keyboard.press("Home");
    await page.keyboard.press("Shift+End");
    await page.keyboard.type(to);
  };
  await retype("const HIDDEN = 128;", "const HIDDEN = 127; // hidden units");
  await retype("const LEARNING_RATE = 0.01;", "const LEARNING_RATE = 0.0001;");
  const TITLE = "HIDDEN 128 → 127, LEARNING_RATE 0.01 → 0.0001";
  const words = propose.getByRole("group", { name: "your proposal in words" });
  await expect(words.getByLabel("title")).toHaveValue(TITLE);
  await expect(words.getByLabel("hypothesis")).toHaveValue("A human's proposal: it sets HIDDEN from 128 to 127; sets LEARNING_RATE from 0.01 to 0.0001.");
  await shot(page, "propose-in-monaco.png");
  await propose.getByRole("button", { name: "Propose", exact: true }).click();
  await expect(propose.getByRole("status")).toContainText("Proposed #1");
  await expect(table.getByRole("row").filter({ hasText: TITLE })).toContainText("discarded", { timeout: 90_000 });

  // Nothing kept yet: no empty patch to "git am", but the closest discarded experiment, to export instead.
  const nothing = page.getByLabel("nothing kept");
  await expect(nothing).toContainText("Nothing was kept beyond the baseline");
  await expect(nothing.getByRole("link", { name: `#1 ${TITLE}` })).toBeVisible();
  await expect(page.getByRole("link", { name: "Download patch" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Download tsv" })).toBeVisible();
  await shot(page, "nothing-kept.png");

  // A pasted diff of the same line, narrower this time (four times the steps: a clear keep).
  await propose.getByRole("tab", { name: "Paste a diff" }).click();
  await propose.getByLabel("unified diff").fill("--- a/train.mjs\n+++ b/train.mjs\n@@ -8 +8 @@\n-const HIDDEN = 128; // hidden units\n+const HIDDEN = 32; // hidden units\n");
  await words.getByLabel("title").fill("Narrower hidden layer");
  await words.getByLabel("hypothesis").fill("A quarter of the width trains four times the steps.");
  await propose.getByRole("button", { name: "Propose", exact: true }).click();
  await expect(propose.getByRole("status")).toContainText("Proposed #2");
  await expect(page.getByText("reached 2 experiments")).toBeVisible({ timeout: 90_000 });
  await expect(table.getByRole("row").filter({ hasText: "Narrower hidden layer" })).toContainText("kept");
  await expect(page.getByRole("link", { name: "Download patch" })).toBeVisible();

  // Both changed the HIDDEN line: together they do not apply, and the message names the selection that does.
  for (const idx of [1, 2]) await page.getByLabel(`select #${idx}`, { exact: true }).check();
  await page.getByRole("link", { name: "Compare 2" }).click();
  const selection = page.getByRole("region", { name: "export the selection" });
  await expect(selection).toContainText(/#2 \(Narrower hidden layer\) does not apply to the baseline and the experiments before it in the selection: .*; select only \S+ #2, which applies/, {
    timeout: 15_000,
  });
  await shot(page, "selection-that-applies.png");
});

test("a stop during the baseline is not a crash: resume runs it again; at the experiment limit, resume raises it", async ({ page }) => {
  const ws = shortTinyLm(4);
  await startLoop(page, ws.name, "mutate", 1);
  const sessionUrl = page.url();
  const running = page.getByRole("region", { name: "running now" });
  await expect(running).toContainText("baseline", { timeout: 60_000 });
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    void d.accept();
  });
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.locator(".run-head .badge").first()).toHaveText("stopped", { timeout: 30_000 });
  expect(asked).toMatch(/^Stop session #\d+\? The experiment running now is killed; it runs again if you resume the session\.$/);
  const table = page.getByRole("table", { name: "experiments" });
  await expect(table.getByRole("row").filter({ hasText: "baseline" })).toContainText("interrupted");

  await page.getByRole("button", { name: "Resume session" }).click();
  await expect(table.getByRole("row").filter({ hasText: "baseline" })).toContainText("kept", { timeout: 60_000 });
  await expect(page.getByText("reached 1 experiments")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(/the baseline interrupted/)).toHaveCount(0);

  // At its limit, Resume offers a higher one.
  await page.goto(sessionUrl);
  await expect(page.getByLabel("raise the experiment limit to")).toHaveValue("2");
  await shot(page, "resume-at-limit.png");
  await page.getByRole("button", { name: "Resume with 2 experiments" }).click();
  await expect(page.getByText("reached 2 experiments")).toBeVisible({ timeout: 90_000 });
  await expect(table.getByRole("row").filter({ hasText: /→/ })).toHaveCount(2);

  // The breadcrumb goes where it says: the sessions on the home page, not its top.
  await page.getByRole("heading", { level: 1 }).getByRole("link", { name: "Sessions" }).click();
  await expect(page).toHaveURL(/\/#sessions$/);
  await expect(page.getByRole("region", { name: "sessions" })).toBeInViewport();
});
