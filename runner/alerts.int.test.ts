import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, sh, tempDir, trainerWorkspace, waitFor } from "../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback: it records what it is sent, and answers 503 to a path's first `failFirst` posts. */
async function receiver(failFirst: Record<string, number>) {
  const got: Received[] = [];
  const fails = { ...failFirst };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const p = req.url ?? "/";
      if ((fails[p] ?? 0) > 0) {
        fails[p]!--;
        res.writeHead(503).end();
        return;
      }
      got.push({ path: p, headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("alerts to webhooks", () => {
  it("tells a JSON, an ntfy and a Slack webhook that a candidate waits and that a new best was kept, retrying a receiver that is down", async () => {
    const hook = await receiver({ "/json": 2 });
    try {
      const repo = trainerWorkspace("quadratic.mjs", {
        notify: [
          { url: `${hook.url}/json`, format: "json" },
          { url: `${hook.url}/ntfy`, format: "ntfy", on: ["new_best"] },
          { urlEnv: "TEST_SLACK_HOOK", format: "slack", includeCode: true },
        ],
      });
      const env = { ...process.env, OVERSEER_DATA_DIR: tempDir(), TEST_SLACK_HOOK: `${hook.url}/slack`, OVERSEER_ISOLATION: "none" };
      const loop = spawn(BIN, ["loop", repo, "--experiments", "1", "--seed", "3", "--approve", "all", "--allow-unsandboxed", "--baseline-runs", "1", "--tag", "hooks"], { env });
      let out = "";
      loop.stdout.on("data", (b: Buffer) => (out += b.toString()));
      loop.stderr.on("data", (b: Buffer) => (out += b.toString()));
      const exited = new Promise<number | null>((r) => loop.once("exit", r));

      // The candidate waits: the JSON webhook hears it after two refusals, the Slack one at once, ntfy not (it asked only for new bests).
      const waiting = await waitFor(() => hook.got.find((g) => g.path === "/json" && JSON.parse(g.body).kind === "approval"), 30_000, "the approval alert");
      const alert = JSON.parse(waiting.body);
      expect(alert).toMatchObject({ source: "overseer", kind: "approval", title: "#1 waits for your approval", url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:3000\/experiments\/\d+$/) });
      expect(alert.diff).toBeUndefined();
      const slack = JSON.parse(hook.got.find((g) => g.path === "/slack")!.body);
      expect(slack.text).toMatch(/^\*#1 waits for your approval\*\n.* in .*, session hooks\n<http:\/\/127\.0\.0\.1:3000\/experiments\/\d+\|Open in Overseer>\n```diff --git a\/train.mjs/);

      expect(spawnSync(BIN, ["approve", String(alert.experimentId)], { env, encoding: "utf8" }).status).toBe(0);
      expect(await exited).toBe(0);
      const best = hook.got.find((g) => g.path === "/ntfy");
      expect(best?.headers).toMatchObject({ title: expect.stringMatching(/^new best: val_bpb [\d.]+$/), tags: "tada", priority: "3", click: expect.stringContaining("/experiments/") });
      expect(best?.body).toMatch(/^#1 .* kept in .*, session hooks$/);
      expect(hook.got.filter((g) => g.path === "/json").map((g) => JSON.parse(g.body).kind)).toEqual(["approval", "new_best"]);
      // Nothing secret went out: not the URL from the environment, nor any key.
      for (const g of hook.got) expect(g.body).not.toContain("TEST_SLACK_HOOK");
      expect(out).not.toContain(`${hook.url}/slack`);
      expect(sh(repo, "git", ["status", "--porcelain"])).toBe("");
    } finally {
      await hook.close();
    }
  });

  it("says so, without the URL, when a webhook stays down, and the loop is not held up", async () => {
    // A port nothing listens on: a server takes one, then lets it go.
    const closed = await receiver({});
    const port = new URL(closed.url).port;
    await closed.close();
    const repo = trainerWorkspace("quadratic.mjs", { notify: [{ url: `http://127.0.0.1:${port}/secret-token-path`, format: "json" }] });
    const started = Date.now();
    const r = spawnSync(BIN, ["loop", repo, "--experiments", "1", "--seed", "3", "--baseline-runs", "1", "--tag", "down"], {
      encoding: "utf8",
      env: { ...process.env, OVERSEER_DATA_DIR: tempDir() },
      timeout: 90_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("session 1 finished");
    expect(r.stdout).not.toContain("secret-token-path");
    // The retries outlast the loop: the process waits at most 10 s for them, then says what was not delivered.
    expect(r.stdout).toMatch(/alert "new best: val_bpb [\d.]+" to 127\.0\.0\.1:\d+ not delivered: .*ECONNREFUSED.*; the process stopped with \d tries left/);
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 60_000);
});
