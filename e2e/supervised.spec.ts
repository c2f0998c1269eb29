import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { proposing, startFakeAnthropic, userText, type FakeAnthropic, type Reply } from "../test/helpers/fake-anthropic";
import { shortTinyLm } from "./workspaces";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(name), fullPage: true });

/** What "Claude" proposes, in order: edits of examples/tiny-lm/train.mjs. */
const PROPOSALS: Reply[] = [
  // A constant: low risk, so it runs unattended under "ask me for risky changes". 4× the steps in the budget: a clear keep.
  proposing({
    title: "Narrower hidden layer",
    hypothesis: "A quarter of the width trains four times the steps in the budget.",
    edits: [{ file: "train.mjs", old: "const HIDDEN = 128;", new: "const HIDDEN = 32;" }],
    learned: "The baseline is step-bound: it ends the budget still improving.",
    next_ideas: ["a shorter warm-down", "smooth the loss faster"],
  }),
  // Code: medium risk, it waits; the human approves it.
  proposing({
    title: "Warm down to 10%, not to zero",
    hypothesis: "The last steps still learn something.",
    edits: [{ file: "train.mjs", old: "Math.max(0, (1 - progress) / WARMDOWN_RATIO)", new: "Math.max(0.1, (1 - progress) / WARMDOWN_RATIO)" }],
  }),
  // Code: the human rejects it, with a note for the proposer.
  proposing({
    title: "Report the raw smoothed loss",
    hypothesis: "Debiasing hides the early loss.",
    edits: [{ file: "train.mjs", old: "const debiased = smoothLoss / (1 - 0.9 ** (stepIndex + 1));", new: "const debiased = smoothLoss;" }],
  }),
  // Code: the human edits it before approving it.
  proposing({
    title: "Faster loss smoothing",
    hypothesis: "A shorter average follows the loss sooner.",
    edits: [{ file: "train.mjs", old: "smoothLoss = 0.9 * smoothLoss + 0.1 * loss;", new: "smoothLoss = 0.5 * smoothLoss + 0.5 * loss;" }],
  }),
];

let fake: FakeAnthropic;
test.beforeAll(async () => {
  fake = await startFakeAnthropic((_req, n) => PROPOSALS[n] ?? { text: "nothing more" }, { port: 3101, apiKey: "e2e-fake-key" }); // serve.sh points the runner here
});
test.afterAll(async () => fake.close());

/** Opens an experiment from the session's approval queue. */
async function openWaiting(page: Page, sessionUrl: string, idx: number) {
  await page.goto(sessionUrl);
  const link = page
    .getByRole("region", { name: "awaiting a human" })
    .getByRole("link")
    .filter({ hasText: `#${idx}` });
  await expect(link).toBeVisible({ timeout: 90_000 });
  await link.click();
  await expect(page.locator(".monaco-diff-editor")).toBeVisible({ timeout: 30_000 });
}

test("a supervised session with Claude: a constant runs unattended, code waits; approve, reject with a note, edit then approve; the winning patch applies", async ({ page }) => {
  const ws = shortTinyLm(4);
  // Every page runs under the Content-Security-Policy, Monaco's workers included.
  const cspViolations: string[] = [];
  page.on("console", (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  const workers: string[] = [];
  page.on("worker", (w) => workers.push(w.url()));
  await page.goto("/");
  const card = page.getByRole("listitem", { name: `workspace ${ws.name}` });
  await card.getByLabel("proposer").selectOption("claude");
  await card.getByLabel("experiments").fill("4");
  await card.getByLabel("approval").selectOption("risky");
  // One candidate may wait before the proposer is held to changes that run unattended; a second stops it until a human decides.
  await card.getByLabel("candidates waiting at once").fill("1");
  await card.getByLabel("model", { exact: true }).fill("claude-opus-5-5");
  await card.getByLabel("effort", { exact: true }).selectOption("max");
  await card.getByLabel("tool calls per proposal").fill("5");
  await card.getByRole("button", { name: "Start loop" }).click();
  await expect(page).toHaveURL(/\/sessions\/\d+$/);
  const sessionUrl = page.url();
  const table = page.getByRole("table", { name: "experiments" });

  // #1 runs without asking; its curve grows while it trains.
  const running = page.getByRole("region", { name: "running now" });
  await expect(running).toContainText("#1 Narrower hidden layer", { timeout: 60_000 });
  const points = running.getByLabel("points drawn");
  const first = Number(await points.getAttribute("data-points"));
  await expect.poll(async () => Number(await points.getAttribute("data-points")), { timeout: 10_000 }).toBeGreaterThan(first);
  await shot(page, "session-running.png");
  await expect(table.getByRole("row").filter({ hasText: "Narrower hidden layer" })).toContainText("kept", { timeout: 60_000 });
  // The model and effort picked in the form are what the proposer asked with.
  expect(fake.requests[0]!.body).toMatchObject({ model: "claude-opus-5-5", output_config: { effort: "max" }, thinking: { type: "adaptive" } });
  expect(JSON.stringify(fake.requests[0]!.body.system)).toContain("You have at most 5 tool calls this turn.");
  // Its page shows the agent's lab notebook and what its proposal cost, call by call.
  await table.getByRole("link", { name: "Narrower hidden layer" }).click();
  await expect(page.getByRole("region", { name: "lab notebook" })).toContainText("The baseline is step-bound");
  await expect(page.getByRole("region", { name: "lab notebook" })).toContainText("smooth the loss faster");
  const api = page.getByRole("region", { name: "API calls" });
  await expect(api).toContainText("claude-opus-5-5");
  await expect(api).toContainText(/1 call · [\d,]+ input tokens/);
  await shot(page, "experiment-notebook.png");

  // #2 and #3 change code: both wait, and nothing more is proposed meanwhile. #3 is rejected with a note, which
  // the proposer reads in its next request (the one the rejection makes room for).
  await page.goto(sessionUrl);
  await expect(page.getByRole("region", { name: "awaiting a human" }).getByRole("link")).toHaveCount(2, { timeout: 90_000 });
  expect(fake.requests).toHaveLength(3);
  // On every page, the top bar says how many wait and opens the oldest.
  await page.goto("/");
  const topbar = page.getByRole("link", { name: "waiting for you" });
  await expect(topbar).toContainText("Waiting for you 2");
  await expect(topbar).toContainText("#2 Warm down to 10%, not to zero");
  await topbar.click();
  await expect(page).toHaveURL(/\/experiments\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("#2 Warm down to 10%, not to zero");
  await openWaiting(page, sessionUrl, 3);
  await page.getByLabel("note").fill("keep the debiasing: it is what autoresearch prints");
  await page.getByRole("button", { name: "Reject" }).click();
  await expect(page.locator(".run-head .badge").first()).toHaveText("rejected");

  // #2 waited with the gate's reason; approved by a click.
  await openWaiting(page, sessionUrl, 2);
  const verdict = page.getByRole("region", { name: "risk verdict" });
  await expect(verdict).toContainText("medium");
  await expect(verdict).toContainText("changes code in train.mjs");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.locator(".run-head .badge").first()).toHaveText(/approved|running|kept|discarded|crashed/, { timeout: 30_000 });

  // #4 is edited in Monaco, then approved: built and gated again, run, and co-authored.
  await openWaiting(page, sessionUrl, 4);
  await page.getByRole("button", { name: "Edit the candidate" }).click();
  // The gate's reason sits beside the line it is about.
  // (Wrapped lines split the note into pieces, one per screen line: read them together.)
  await expect.poll(async () => (await page.locator(".editor.modified .gate-note").allTextContents()).join("").replace(/\s+/g, " ")).toContain("medium: code-change");
  const line = page.locator(".editor.modified .view-line").filter({ hasText: /0\.5\s\*\ssmoothLoss/ });
  await line.click();
  await page.keyboard.press("Home");
  await page.keyboard.press("Shift+End");
  await page.keyboard.type("smoothLoss = 0.8 * smoothLoss + 0.2 * loss;");
  await expect(page.getByRole("button", { name: "Approve my edits" })).toBeVisible();
  // The title and hypothesis follow the edit, not the proposer's "0.5" (the human may rewrite them).
  const words = page.getByRole("group", { name: "your edit in words" });
  const EDITED_TITLE = "train.mjs: smoothLoss = 0.8 * smoothLoss + 0.2 * loss;";
  await expect(words.getByLabel("title")).toHaveValue(EDITED_TITLE);
  await expect(words.getByLabel("hypothesis")).toHaveValue(/A human's edit of the proposal "Faster loss smoothing"/);
  await shot(page, "experiment-editing.png");
  await page.getByRole("button", { name: "Approve my edits" }).click();
  await expect(page.getByText("edited by a human (co-authored)")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`#4 ${EDITED_TITLE}`);
  await expect(page.getByLabel("as proposed")).toContainText("before a human edited it: Faster loss smoothing — A shorter average follows the loss sooner.");
  await expect(page.locator(".run-head .badge").first()).toHaveText(/running|kept|discarded|crashed/, { timeout: 30_000 });
  // The run used the human's line (Monaco splits a changed line into spans, so read the page's diff data instead).
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  const diff = await page.evaluate(async (experimentId) => {
    const res = await fetch(`/api/trpc/experiment.byId?input=${encodeURIComponent(JSON.stringify({ id: experimentId }))}`);
    return JSON.stringify(await res.json());
  }, id);
  expect(diff).toContain("+    smoothLoss = 0.8 * smoothLoss + 0.2 * loss;");

  await page.goto(sessionUrl);
  await expect(page.getByText("reached 4 experiments")).toBeVisible({ timeout: 90_000 });
  await expect(table.getByRole("row").filter({ hasText: "Report the raw smoothed loss" })).toContainText("rejected");
  await shot(page, "session-supervised.png");
  expect(fake.requests).toHaveLength(4);
  expect(userText(fake.requests[3]!)).toContain("keep the debiasing: it is what autoresearch prints");

  // Compare the baseline, the keep and the edited one: curves overlaid, differences marked, a diff of any two.
  for (const idx of [0, 1, 4]) await page.getByLabel(`select #${idx}`, { exact: true }).check();
  await page.getByRole("link", { name: "Compare 3" }).click();
  await expect(page).toHaveURL(/\/compare\?ids=/);
  const compare = page.getByRole("article", { name: "compare" });
  await expect(compare.getByRole("list", { name: "compared experiments" }).getByRole("listitem")).toHaveCount(3);
  // Each panel overlays the three runs, named in the curves' key.
  await expect(compare.getByRole("list", { name: "curve key" }).getByRole("listitem")).toHaveCount(3, { timeout: 15_000 });
  await expect(compare.getByLabel("loss chart", { exact: true }).locator("path.recharts-line-curve")).toHaveCount(3);
  await expect(compare.getByLabel("points drawn")).not.toHaveAttribute("data-points", "0");
  await expect(compare.getByRole("region", { name: "summary comparison" }).locator("tr.differs").filter({ hasText: "val_bpb" })).toHaveCount(1);
  const hyper = compare.getByRole("region", { name: "hyperparameters" });
  await expect(hyper.getByRole("row").filter({ hasText: "HIDDEN" }).getByRole("cell")).toHaveText(["128", "32", "32"]);
  await expect(hyper.getByRole("row").filter({ hasText: "LEARNING_RATE" })).toHaveCount(0); // the same everywhere: hidden
  const right = compare.getByLabel("right experiment");
  await right.selectOption((await right.locator("option", { hasText: `#4 ${EDITED_TITLE}` }).getAttribute("value"))!);
  await expect(compare.locator(".monaco-diff-editor .char-insert, .monaco-diff-editor .line-insert").first()).toBeVisible({ timeout: 30_000 });
  await shot(page, "compare.png");

  // The selection exports too: the keep and the edited one replayed on the baseline, one diff that applies there.
  const selection = compare.getByRole("region", { name: "export the selection" });
  const [selected] = await Promise.all([page.waitForEvent("download"), selection.getByRole("link", { name: "Download diff" }).click()]);
  expect(selected.suggestedFilename()).toMatch(/^overseer-[\w.-]+-0-1-4\.diff$/);
  const selectedDiff = test.info().outputPath("selection.diff");
  await selected.saveAs(selectedDiff);
  expect(fs.readFileSync(selectedDiff, "utf8")).toContain("+const HIDDEN = 32;");
  expect(fs.readFileSync(selectedDiff, "utf8")).toContain("+    smoothLoss = 0.8 * smoothLoss + 0.2 * loss;");
  execFileSync("git", ["apply", "--check", selectedDiff], { cwd: ws.dir });
  await page.goto(sessionUrl);

  // The winning chain applies to the baseline: the user's checkout.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download patch" }).click()]);
  const patch = test.info().outputPath("winning.patch");
  await download.saveAs(patch);
  expect(fs.readFileSync(patch, "utf8")).toContain("+const HIDDEN = 32;");
  execFileSync("git", ["apply", "--check", patch], { cwd: ws.dir });

  expect(cspViolations).toEqual([]);
  expect(workers.length).toBeGreaterThan(0);
});
