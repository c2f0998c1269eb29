import { expect, test, type Page } from "@playwright/test";
import { shortTinyLm } from "./workspaces";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(name), fullPage: true });

/** How far the page scrolls sideways (0: it fits its window). */
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
/** What sticks out past the window's right edge (outside Monaco, which lays out its own wide layers and clips them), to name in a failure. */
const wideElements = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((e) => !e.closest(".monaco-editor") && e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent ?? "").slice(0, 40)}"`),
  );

/** How the diff editor fits what it shows: its height against the content height it reports, and whether either side needs a sideways scrollbar. */
const diffFit = (page: Page) =>
  page
    .locator("[data-content-height]")
    .first()
    .evaluate((wrapper) => {
      const modified = wrapper.querySelector(".monaco-diff-editor .editor.modified") as HTMLElement;
      const bars = [...wrapper.querySelectorAll(".monaco-diff-editor .editor .scrollbar.horizontal")] as HTMLElement[];
      return {
        height: modified.clientHeight,
        contentHeight: Number(wrapper.getAttribute("data-content-height")),
        scrollsSideways: bars.some((bar) => !bar.classList.contains("invisible") && getComputedStyle(bar).visibility !== "hidden" && bar.offsetWidth > 0),
      };
    });

test("every change waits for a human: the diff in Monaco, approved with a, rejected with r; the progress chart fills in", async ({ page }) => {
  const ws = shortTinyLm(2);
  // Nothing on the way may throw in the page (Monaco's teardown on leaving an experiment did, on j and k).
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto("/");
  const card = page.getByRole("listitem", { name: `workspace ${ws.name}` });
  await card.getByLabel("experiments").fill("2");
  await card.getByLabel("approval").selectOption("all");
  await card.getByRole("button", { name: "Start loop" }).click();
  await expect(page).toHaveURL(/\/sessions\/\d+$/);
  const sessionUrl = page.url();

  // The proposals wait (the second is proposed while the first waits: nothing stalls for a human); the tab's title counts them.
  const queue = page.getByRole("region", { name: "awaiting a human" });
  await expect(queue).toBeVisible({ timeout: 60_000 });
  await expect(page).toHaveTitle(/^\([12]\) waiting for you/);
  await expect(page.getByRole("region", { name: "progress chart" }).locator(".recharts-scatter-symbol").first()).toBeVisible({ timeout: 30_000 }); // the baseline's dot (once its run is trained and evaluated)
  await shot(page, "session-waiting.png");

  // Its page shows the candidate against its parent in Monaco's diff editor, served by the app itself.
  const offsite: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("http://127.0.0.1")) offsite.push(r.url());
  });
  await queue.getByRole("link").filter({ hasText: "#1" }).click();
  await expect(page).toHaveURL(/\/experiments\/\d+$/);
  const editor = page.locator(".monaco-diff-editor");
  await expect(editor).toBeVisible({ timeout: 30_000 });
  await expect(editor.locator(".char-insert, .line-insert").first()).toBeVisible();
  await expect(editor.locator(".editor.modified")).toContainText("const CONTEXT = 8;");
  await expect(page.getByRole("region", { name: "risk verdict" })).toContainText("low");
  // At 1280 px the diff is as tall as what it shows (one changed line and its context, not a fixed 420 px box) and
  // wraps long lines instead of hiding them past the edge.
  await expect.poll(async () => (await diffFit(page)).height, { timeout: 10_000 }).toBeLessThan(300);
  const fit = await diffFit(page);
  expect(fit.height).toBeGreaterThanOrEqual(fit.contentHeight);
  expect(fit.scrollsSideways).toBe(false);
  await shot(page, "experiment-awaiting.png");
  await page.keyboard.press("a");
  await expect(page.locator(".run-head .badge").first()).toHaveText(/approved|running|kept|discarded|crashed/, { timeout: 30_000 });
  await expect(page.getByRole("region", { name: "run" })).toBeVisible({ timeout: 30_000 });

  // k goes to the previous experiment (the baseline), j comes back.
  const here = page.url();
  await page.keyboard.press("k");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("#0 baseline");
  await page.keyboard.press("j");
  await expect(page).toHaveURL(here);
  await expect(page.locator(".monaco-diff-editor")).toBeVisible({ timeout: 30_000 });
  expect(pageErrors).toEqual([]);

  // The second proposal is rejected from the keyboard, with nothing run.
  await page.goto(sessionUrl);
  await expect(queue.getByRole("link").filter({ hasText: "#2" })).toBeVisible({ timeout: 90_000 });
  await queue.getByRole("link").filter({ hasText: "#2" }).click();
  await expect(page.locator(".monaco-diff-editor")).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press("r");
  await expect(page.locator(".run-head .badge").first()).toHaveText("rejected");
  await expect(page.getByText("It has not run.")).toBeVisible();

  await page.goto(sessionUrl);
  await expect(page.getByText("reached 2 experiments")).toBeVisible({ timeout: 90_000 });
  await expect(page).toHaveTitle(/^Session #\d+ · Overseer/);
  await expect(page.getByRole("region", { name: "progress chart" })).toContainText("Progress: 2 Experiments");
  await expect(page.getByRole("table", { name: "experiments" }).getByRole("row").filter({ hasText: "rejected" })).toHaveCount(1);
  await shot(page, "session-finished.png");
  await page.getByRole("table", { name: "experiments" }).getByRole("link").filter({ hasText: "→" }).last().click();
  await expect(page.getByRole("region", { name: "run" })).toBeVisible();
  await expect(page.locator(".monaco-diff-editor")).toBeVisible({ timeout: 30_000 });
  await shot(page, "experiment-decided.png");
  expect(offsite).toEqual([]);

  // At 900 px nothing scrolls sideways: the home page, the session, an experiment with its diff, its run.
  const experimentUrl = page.url();
  await page.setViewportSize({ width: 900, height: 900 });
  // Each page's content, rows included: the table's head alone fits at any width.
  const loaded = [
    page.getByRole("listitem", { name: `workspace ${ws.name}` }),
    page.getByRole("table", { name: "experiments" }).getByRole("row").filter({ hasText: "rejected" }),
    page.locator(".monaco-diff-editor .line-insert").first(),
  ];
  for (const [i, url] of ["/", sessionUrl, experimentUrl].entries()) {
    await page.goto(url);
    await expect(loaded[i]!).toBeVisible({ timeout: 30_000 });
    // Polled: charts size themselves to their container a moment after the page is drawn.
    // A failure names how far it scrolls and what sticks out.
    const overflow = async () => {
      const by = await sideways(page);
      return by <= 0 ? [] : [`scrolls ${by} px`, ...(await wideElements(page))];
    };
    await expect.poll(overflow, { message: `${url} fits 900 px`, timeout: 5_000 }).toEqual([]);
  }
  await shot(page, "experiment-900px.png");
  expect(pageErrors).toEqual([]);
});
