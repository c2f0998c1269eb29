/**
 * Every change needs the access token on loopback too: other users of the machine, and a training run without a
 * sandbox, reach 127.0.0.1 as well, and send no Origin. Against the shared `overseer start` (e2e/serve.sh), whose
 * token is E2E_TOKEN: a local process without it can read and change nothing; a browser without it sees a
 * read-only dashboard until it opens the printed URL; a change made with the token in a header is recorded as
 * the API's, not the browser's.
 */
import { expect, test } from "@playwright/test";
import { E2E_PORT, E2E_TOKEN } from "../playwright.config";

const BASE = `http://127.0.0.1:${E2E_PORT}`;
const trpcGet = (proc: string, headers: Record<string, string> = {}) => fetch(`${BASE}/api/trpc/${proc}`, { headers });
const runStart = (headers: Record<string, string>) =>
  fetch(`${BASE}/api/trpc/run.start`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ workspaceId: 1 }) });
const runCount = async () => ((await (await trpcGet(`run.list?input=${encodeURIComponent(JSON.stringify({ limit: 500 }))}`)).json()).result.data as unknown[]).length;

test("a local process without the token reads, but changes nothing; with it in a header it can", async () => {
  const before = await runCount();
  const bare = await runStart({});
  expect(bare.status).toBe(403);
  expect(await bare.text()).toContain("changes need this dashboard's access token in a header, on this machine too");
  // The proxy's own word on the credential cannot be forged by the client.
  expect((await runStart({ "x-overseer-credential": "header" })).status).toBe(403);
  expect((await (await trpcGet("system.access", { "x-overseer-credential": "cookie" })).json()).result.data).toEqual({ canChange: false });
  // A wrong token, and the right one in a POST's URL, do not count.
  expect((await runStart({ authorization: "Bearer not-the-token-at-all-000000" })).status).toBe(403);
  expect((await fetch(`${BASE}/api/trpc/run.start?token=${E2E_TOKEN}`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"workspaceId":1}' })).status).toBe(403);
  expect(await runCount()).toBe(before);

  // With the token the same request goes through: the refusals above are not vacuous.
  const own = await runStart({ authorization: `Bearer ${E2E_TOKEN}` });
  expect(own.status).toBe(200);
  const runId = (await own.json()).result.data.id as number;
  expect(await runCount()).toBe(before + 1);
  await fetch(`${BASE}/api/trpc/run.cancel`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${E2E_TOKEN}` }, body: JSON.stringify({ id: runId }) });
});

test("a browser without the token sees a read-only dashboard; the printed URL gives it the token, and its cookie gives no other program a way in", async ({ browser }, info) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(BASE);
  const notice = page.getByRole("status").filter({ hasText: "read-only" });
  await expect(notice).toContainText("open the URL overseer start printed");
  // A change tried anyway is refused with the reason, where the page shows its errors.
  await page.getByRole("button", { name: "Start baseline run" }).first().click();
  await expect(page.locator(".error").first()).toContainText("changes need this dashboard's access token in a header, on this machine too");
  await page.screenshot({ path: info.outputPath("read-only.png") });

  // What `overseer start` printed: the page keeps the token in its origin's storage, out of the address bar.
  await page.goto(`${BASE}/?token=${E2E_TOKEN}`);
  await expect(page).toHaveURL(`${BASE}/`);
  await expect(page.getByText("runner online")).toBeVisible();
  await expect(notice).toHaveCount(0);
  expect(await page.evaluate(() => window.localStorage.getItem("overseer-token"))).toBe(E2E_TOKEN);
  const runs = await runCount();
  await page.getByRole("button", { name: "Start baseline run" }).first().click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  expect(await runCount()).toBe(runs + 1);
  const runId = Number(/\/runs\/(\d+)$/.exec(page.url())![1]);
  await page.getByRole("button", { name: "Stop run" }).click();

  // Cookies reach every port of this host (a program listening on another one gets them): the one the browser
  // holds reads, but changes nothing, and is not the token.
  const cookies = (await context.cookies(BASE)).map((c) => `${c.name}=${c.value}`).join("; ");
  expect(cookies).toMatch(/overseer_read_/);
  expect(cookies).not.toContain(E2E_TOKEN);
  expect((await runStart({ cookie: cookies })).status).toBe(403);
  expect(await runCount()).toBe(runs + 1);
  await expect
    .poll(async () => (await (await trpcGet(`run.byId?input=${encodeURIComponent(JSON.stringify({ id: runId }))}`)).json()).result.data.status, { timeout: 30_000 })
    .toMatch(/cancelled|interrupted|finished|crashed/);
  await context.close();
});
