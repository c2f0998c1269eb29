/**
 * Access control on a real `overseer start --host 0.0.0.0`: the token printed once, then Host, Origin,
 * token and cross-site checks on pages, tRPC and its event stream; each refusal is a 403 and changes nothing.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ROOT, startOwnServer, type OwnServer } from "./own-server";

const PORT = 3300;
const DATA_DIR = path.join(ROOT, ".tmp", "e2e-remote-data");
const HOST = `127.0.0.1:${PORT}`;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http, not fetch: fetch may not set Host, which is exactly what a DNS-rebinding attack controls. */
function request(method: string, urlPath: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: PORT, method, path: urlPath, headers: { host: HOST, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
        // An event stream never ends by itself: its first bytes are enough.
        if (res.headers["content-type"]?.includes("text/event-stream")) res.destroy();
      });
      res.on("close", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

let server: OwnServer;
let token = "";

test.beforeAll(async () => {
  server = startOwnServer({ port: PORT, dataDir: DATA_DIR, args: ["--host", "0.0.0.0"] });
  await expect.poll(() => /\?token=([\w-]+)/.exec(server.output())?.[1] ?? "", { timeout: 120_000 }).not.toBe("");
  token = /\?token=([\w-]+)/.exec(server.output())![1]!;
  // Stored only as a digest.
  const stored = fs.readFileSync(path.join(DATA_DIR, "access-token.sha256"), "utf8");
  expect(stored).not.toContain(token);
  expect(fs.statSync(path.join(DATA_DIR, "access-token.sha256")).mode & 0o077).toBe(0);
  await expect.poll(async () => (await request("GET", "/", { authorization: `Bearer ${token}` }).catch(() => ({ status: 0 }))).status, { timeout: 120_000 }).toBe(200);
});

test.afterAll(async () => {
  await server?.stop();
});

const auth = () => ({ authorization: `Bearer ${token}` });
const runCount = async () => JSON.parse((await request("GET", `/api/trpc/run.list?input=${encodeURIComponent("{}")}`, auth())).body).result.data.length as number;

test("a foreign Host, a foreign Origin, a missing token and a forged cross-site POST are refused with 403, and nothing changes", async () => {
  const before = await runCount();
  const start = (headers: Record<string, string>) => request("POST", "/api/trpc/run.start", { "content-type": "application/json", ...headers }, JSON.stringify({ workspaceId: 1 }));

  // DNS rebinding: the attacker's name resolves to this machine; the token does not help it.
  const rebound = await request("GET", "/", { ...auth(), host: `attacker.example:${PORT}` });
  expect(rebound.status).toBe(403);
  expect(rebound.body).toContain('does not answer to the host "attacker.example"');
  expect((await start({ ...auth(), host: "attacker.example" })).status).toBe(403);

  // No token: pages, queries, mutations and the event stream alike.
  const bare = await request("GET", "/");
  expect(bare.status).toBe(403);
  expect(bare.body).toContain("needs its access token");
  expect((await request("GET", "/api/trpc/system.runner")).status).toBe(403);
  expect((await start({})).status).toBe(403);
  expect((await request("GET", "/api/trpc/system.live", { accept: "text/event-stream" })).status).toBe(403);
  expect((await request("GET", "/", { cookie: `overseer_read_${PORT}=wrong` })).status).toBe(403);
  expect((await request("GET", "/", { cookie: `overseer_read_${PORT}=${token}` })).status).toBe(403); // the token is not the read key

  // A forged cross-site POST from a page elsewhere, even holding the token.
  const forged = await start({ "x-overseer-token": token, origin: "http://attacker.example", "sec-fetch-site": "cross-site" });
  expect(forged.status).toBe(403);
  expect(forged.body).toContain("cross-origin request from http://attacker.example refused");
  expect((await start({ "x-overseer-token": token, "sec-fetch-site": "cross-site" })).status).toBe(403);
  // The event stream from another origin (EventSource sends Origin).
  expect((await request("GET", "/api/trpc/system.live", { ...auth(), origin: "http://attacker.example", accept: "text/event-stream" })).status).toBe(403);
  // A mutation cannot be sent as a GET (a link or an <img> elsewhere).
  expect((await request("GET", `/api/trpc/run.start?input=${encodeURIComponent(JSON.stringify({ workspaceId: 1 }))}`, auth())).status).toBe(405);

  // A body past the 10 MiB the proxy buffers: refused before any route reads it, with the reason.
  const huge = await request("POST", "/api/trpc/session.propose", { ...auth(), "content-type": "application/json" }, JSON.stringify({ id: 1, title: "big", diff: "+".repeat(11 * 1024 * 1024) }));
  expect(huge.status).toBe(413);
  expect(huge.body).toContain("over the 10 MiB limit");
  // The same sent chunked, with no length to check before it is read: still 413, not a JSON error on a cut body.
  const chunked = await request(
    "POST",
    "/api/trpc/session.propose",
    { ...auth(), "content-type": "application/json", "transfer-encoding": "chunked" },
    JSON.stringify({ id: 1, title: "big", diff: "+".repeat(11 * 1024 * 1024) }),
  );
  expect(chunked.status).toBe(413);
  expect(chunked.body).toContain("over the 10 MiB limit");
  // Just under the limit, chunked, it is read whole: the answer is about its content, not its size.
  const under = await request(
    "POST",
    "/api/trpc/session.propose",
    { ...auth(), "content-type": "application/json", "transfer-encoding": "chunked" },
    JSON.stringify({ id: 999999, title: "big", diff: "+".repeat(10 * 1024 * 1024 - 100) }),
  );
  expect(under.status).not.toBe(413);
  expect(under.body).not.toMatch(/JSON|Unexpected end/);

  expect(await runCount()).toBe(before);

  // The same request from the dashboard's own origin, with the token, does change things: the checks are not vacuous.
  const own = await start({ ...auth(), origin: `http://${HOST}`, "sec-fetch-site": "same-origin" });
  expect(own.status).toBe(200);
  const runId = JSON.parse(own.body).result.data.id as number;
  expect(await runCount()).toBe(before + 1);
  await request("POST", "/api/trpc/run.cancel", { ...auth(), "content-type": "application/json" }, JSON.stringify({ id: runId }));
});

test("the URL's token reaches the page, and only its read key the cookie; the pages carry a nonce CSP and the security headers, and run under it", async ({ page }) => {
  const first = await request("GET", `/?token=${token}`);
  expect(first.status).toBe(303);
  // The token goes to the page in the fragment (never sent to a server); the cookie gets only a read key.
  expect(first.headers.location).toBe(`http://${HOST}/#overseer-token=${token}`);
  const cookie = /overseer_read_\d+=([\w-]+); .*HttpOnly/i.exec(String(first.headers["set-cookie"]))?.[1];
  expect(cookie).toBeTruthy();
  expect(cookie).not.toContain(token);
  // The read key loads pages beyond loopback, and changes nothing (cookies reach every port of the host).
  expect((await request("GET", "/", { cookie: `overseer_read_${PORT}=${cookie}` })).status).toBe(200);
  const posted = await request("POST", "/api/trpc/run.start", { cookie: `overseer_read_${PORT}=${cookie}`, "content-type": "application/json" }, JSON.stringify({ workspaceId: 1 }));
  expect(posted.status).toBe(403);

  const home = await request("GET", "/", auth());
  const csp = String(home.headers["content-security-policy"]);
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("worker-src 'self' blob:");
  expect(home.body).toContain(`nonce="${nonce}"`);
  expect(home.headers["x-frame-options"]).toBe("DENY");
  expect(home.headers["x-content-type-options"]).toBe("nosniff");
  expect(home.headers["referrer-policy"]).toBe("no-referrer");
  // A fresh nonce for every page.
  expect(String((await request("GET", "/", auth())).headers["content-security-policy"])).not.toContain(nonce!);

  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(`http://${HOST}/?token=${token}`);
  await expect(page).toHaveURL(`http://${HOST}/`);
  await expect(page.getByRole("listitem", { name: "workspace tiny-lm" })).toBeVisible();
  await expect(page.getByText("runner online")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("listitem", { name: "workspace tiny-lm" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("overseer token --reset ends the event streams opened with the old token, and the old token stops working", async () => {
  // An event stream opened with the token, read as it comes.
  let ended = false;
  let received = "";
  const stream = http.request({ host: "127.0.0.1", port: PORT, method: "GET", path: "/api/trpc/system.live", headers: { host: HOST, accept: "text/event-stream", ...auth() } }, (res) => {
    res.setEncoding("utf8");
    res.on("data", (c: string) => (received += c));
    res.on("end", () => (ended = true));
    res.on("close", () => (ended = true));
  });
  stream.end();
  await expect.poll(() => received, { timeout: 10_000 }).toContain("connected");
  await new Promise((r) => setTimeout(r, 1500));
  expect(ended).toBe(false); // a live stream stays open

  const old = token;
  const reset = spawnSync(path.join(ROOT, "bin", "overseer"), ["token", "--reset"], {
    encoding: "utf8",
    env: { ...process.env, OVERSEER_DATA_DIR: DATA_DIR, OVERSEER_HOST: "0.0.0.0", OVERSEER_PORT: String(PORT) },
  });
  expect(reset.status).toBe(0);
  token = /\?token=([\w-]+)/.exec(reset.stdout)![1]!;
  const resetAt = Date.now();
  await expect.poll(() => ended, { timeout: 10_000 }).toBe(true);
  console.log(`e2e figures: a stream opened with the old token ended ${Date.now() - resetAt} ms after overseer token --reset`);
  expect((await request("GET", "/api/trpc/system.runner", { authorization: `Bearer ${old}` })).status).toBe(403);
  expect((await request("GET", "/api/trpc/system.runner", auth())).status).toBe(200);
  stream.destroy();
});
