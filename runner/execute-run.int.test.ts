import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listEventsAfter } from "../db/queries/events";
import { seriesNames, seriesPoints } from "../db/queries/metrics";
import { createRun, getRun } from "../db/queries/runs";
import { gitRepo, sh, tempDb, tempDir, testSettings, trainerWorkspace, TRAINERS } from "../test/helpers/temp";
import { executeRun, worktreeRemovals } from "./execute-run";
import { settleRunCaches } from "./run-cache";
import { loadWorkspace, registerWorkspace } from "./workspace";

/** A registered workspace in a fresh data folder, and a way to run it there (again and again, one database). */
async function workspaceIn(dir: string) {
  const dataDir = tempDir("overseer-data-");
  const { db } = tempDb(dataDir);
  const loaded = await loadWorkspace(dir);
  if (!loaded.ok) throw new Error(loaded.error);
  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  const run = (opts: { parentEnv?: Record<string, string>; origin?: "cli" | "session" } = {}) =>
    executeRun(createRun(db, { workspaceId: ws.id, origin: opts.origin ?? "cli", at: Date.now() }), ws, {
      db,
      settings: testSettings(dataDir),
      parentEnv: opts.parentEnv ?? { PATH: process.env.PATH! },
    });
  return { db, dataDir, ws, run };
}

async function runIn(dir: string, opts: { parentEnv?: Record<string, string> } = {}) {
  const w = await workspaceIn(dir);
  const final = await w.run(opts);
  return { db: w.db, final, dataDir: w.dataDir, ws: w.ws };
}

describe("executeRun", () => {
  it("with sandbox.cacheReuse, starts a session's run from the cache of a kept run only", async () => {
    const { dataDir, ws, run } = await workspaceIn(trainerWorkspace("cache-plant.mjs", { sandbox: { cacheReuse: true } }));
    const once = async () => {
      const final = await run({ origin: "session" });
      return { id: final.id, found: Number(/PLANTED found (\d+)/.exec(fs.readFileSync(final.logPath!, "utf8"))![1]) };
    };
    const first = await once();
    settleRunCaches(dataDir, ws.id, [first.id], false); // discarded: what it left is dropped
    const second = await once();
    settleRunCaches(dataDir, ws.id, [second.id], true); // kept: what it left is the shared cache
    const third = await once();
    expect([first.found, second.found, third.found]).toEqual([0, 0, 2]); // XDG_CACHE_HOME and TRITON_CACHE_DIR, not TMPDIR or home
  });

  it("gives each run fresh caches, TMPDIR and home, so nothing one run leaves there runs in the next", async () => {
    const { run } = await workspaceIn(trainerWorkspace("cache-plant.mjs"));
    const logs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const final = await run();
      expect(final.status).toBe("finished");
      logs.push(fs.readFileSync(final.logPath!, "utf8"));
      expect(fs.existsSync(path.join(path.dirname(final.logPath!), "scratch"))).toBe(false);
    }
    expect(logs.map((l) => /PLANTED found (\d+)/.exec(l)![1])).toEqual(["0", "0"]);
  });

  it("runs at HEAD in a worktree, stores points and summary, and leaves the user's checkout alone", async () => {
    const repo = trainerWorkspace("ok.mjs");
    fs.writeFileSync(path.join(repo, "train.mjs"), "uncommitted edit that must not run and must survive");
    const head = sh(repo, "git", ["rev-parse", "HEAD"]).trim();
    const { db, final, dataDir } = await runIn(repo);

    expect(final).toMatchObject({ status: "finished", metricName: "val_bpb", metricValue: 1.234567, commitSha: head, exitCode: 0, logTail: null });
    expect(JSON.parse(final.summaryJson!).peak_vram_mb).toEqual({ key: "peak_vram_mb", raw: "0.0", value: 0 });
    expect(seriesNames(db, final.id)).toEqual(["dt", "epoch", "loss", "lrm", "mfu", "remaining", "tok/sec"]);
    expect(seriesPoints(db, final.id, "loss").map(({ step, value }) => ({ step, value }))).toEqual([4, 3.5, 3, 2.5, 2].map((value, step) => ({ step, value })));
    const times = seriesPoints(db, final.id, "loss").map((p) => p.tMs);
    expect(times.every((t, i) => t >= 0 && (i === 0 || t >= times[i - 1]!))).toBe(true); // read in order, from the start
    expect(final.pointCount).toBe(35);
    expect(final.lastStep).toBe(4);
    expect(listEventsAfter(db, 0).map((e) => e.type)).toEqual(["workspace_registered", "run_queued", "run_started", "run_ended"]);

    // The user's branch, HEAD and uncommitted edit are as they were; the worktree is gone once its removal, after the run is recorded, ends.
    await worktreeRemovals();
    expect(sh(repo, "git", ["rev-parse", "--abbrev-ref", "HEAD"]).trim()).toBe("main");
    expect(sh(repo, "git", ["rev-parse", "HEAD"]).trim()).toBe(head);
    expect(fs.readFileSync(path.join(repo, "train.mjs"), "utf8")).toBe("uncommitted edit that must not run and must survive");
    expect(sh(repo, "git", ["worktree", "list"]).trim().split("\n")).toHaveLength(1);
    expect(fs.readdirSync(path.join(dataDir, "worktrees"))).toEqual([]);
    expect(fs.readFileSync(final.logPath!, "utf8")).toContain("val_bpb:          1.234567");
  });

  it("gives the trainer only the allowlisted environment, in the worktree", async () => {
    const repo = trainerWorkspace("env.mjs", { env: ["HF_HOME"] });
    const { final } = await runIn(repo, {
      parentEnv: { PATH: process.env.PATH!, HOME: "/home/r", ANTHROPIC_API_KEY: "sk-ant-secret", GITHUB_TOKEN: "ghp_x", HF_HOME: "/cache/hf" },
    });
    const log = fs.readFileSync(final.logPath!, "utf8");
    // PWD is bubblewrap's (it sets it when it enters the checkout); every other name is the allowlist's.
    expect((JSON.parse(/ENV (.*)/.exec(log)![1]!) as string[]).filter((n) => n !== "PWD")).toEqual([
      "HF_HOME",
      "HOME",
      "OVERSEER_CHECKPOINT_DIR",
      "OVERSEER_RUN_ID",
      "PATH",
      "PYTHONUNBUFFERED",
      "TMPDIR",
      "TORCHINDUCTOR_CACHE_DIR",
      "TRITON_CACHE_DIR",
      "XDG_CACHE_HOME",
    ]);
    expect(log).not.toContain("sk-ant-secret");
    expect(/CWD (.*)/.exec(log)![1]).not.toBe(repo);
  });

  it.each([
    ["fail.mjs", "diverged", /printed FAIL/, /FAIL/],
    ["crash.mjs", "crashed", /exited with code 1/, /RuntimeError: CUDA error/],
    ["no-metric.mjs", "crashed", /printed no "val_bpb:" line/, /forgot to evaluate/],
    ["twice.mjs", "crashed", /printed 2 times with different values \(1.100000, 0.500000\)/, /val_bpb/],
  ])("%s ends %s, with the reason and the log's last lines", async (trainer, status, reason, tail) => {
    const { final } = await runIn(trainerWorkspace(trainer));
    expect(final.status).toBe(status);
    expect(final.reason).toMatch(reason);
    expect(final.metricValue).toBeNull();
    expect(final.logTail).toMatch(tail);
  });

  it("times out a hanging trainer at timeoutSeconds", async () => {
    const { final } = await runIn(trainerWorkspace("hang.mjs", { budgetSeconds: 1, timeoutSeconds: 1 }));
    expect(final.status).toBe("timed_out");
    expect(final.reason).toMatch(/1s timeout/);
    expect(final.endedAt! - final.startedAt!).toBeLessThan(5000);
  });

  it("stops a trainer that floods its output at sandbox.maxLogMb, keeping its log and every point before the limit", async () => {
    const { db, final } = await runIn(trainerWorkspace("flood.mjs", { sandbox: { maxLogMb: 16 } }));
    expect(final.status).toBe("crashed");
    expect(final.reason).toMatch(/stopped after writing 16 MB of output.*raise sandbox\.maxLogMb/);
    expect(final.logTail).toContain("debug: grad tensor");
    // It meant to write 1 GB and a summary; it was stopped soon after the limit.
    const size = fs.statSync(final.logPath!).size;
    expect(size).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(size).toBeLessThan(512 * 1024 * 1024);
    console.log(`flood stopped at ${(size / 1048576).toFixed(0)} MB of output (limit 16 MB)`);
    const head = Buffer.alloc(16 * 1024 * 1024);
    const fd = fs.openSync(final.logPath!, "r");
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const logged = [...head.toString("latin1").matchAll(/^step (\d+) .*loss: ([\d.]+)/gm)].map((m) => ({ step: Number(m[1]), value: Number(m[2]) }));
    expect(logged.length).toBeGreaterThan(10);
    expect(seriesPoints(db, final.id, "loss").map(({ step, value }) => ({ step, value }))).toEqual(logged);
  });

  it("survives binary garbage and a 10 MB line, with a warning", async () => {
    const { db, final } = await runIn(trainerWorkspace("garbage.mjs"));
    expect(final).toMatchObject({ status: "finished", metricValue: 2 });
    expect(seriesPoints(db, final.id, "loss")).toEqual([{ step: 7, value: 2.5, tMs: expect.any(Number) }]);
    expect(listEventsAfter(db, 0).filter((e) => e.type === "log_warning")).toHaveLength(1);
  });

  it("reads JSON lines", async () => {
    const { db, final } = await runIn(trainerWorkspace("json.mjs"));
    expect(final).toMatchObject({ status: "finished", metricValue: 1.5 });
    expect(seriesPoints(db, final.id, "loss").map((p) => p.step)).toEqual([0, 10, 20, 30]);
  });

  it("records a command that does not exist as crashed, with what to do", async () => {
    const { final } = await runIn(trainerWorkspace("ok.mjs", { command: ["no-such-trainer-cmd"] }));
    expect(final.status).toBe("crashed");
    expect(final.reason).toMatch(/command not found: "no-such-trainer-cmd"/);
  });

  it("runs a workspace that is a folder inside a repository", async () => {
    const source = fs.readFileSync(path.join(TRAINERS, "ok.mjs"), "utf8");
    const repo = gitRepo({ "README.md": "monorepo", "ml/lm/train.mjs": source, "ml/lm/overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"] }) });
    const { final, ws } = await runIn(path.join(repo, "ml/lm"));
    expect(ws.subdir).toBe(path.join("ml", "lm"));
    expect(final).toMatchObject({ status: "finished", metricValue: 1.234567 });
  });

  it("takes the config from the commit under test; a bad one ends the run and loses nothing stored", async () => {
    const repo = trainerWorkspace("ok.mjs");
    const dataDir = tempDir("overseer-data-");
    const { db } = tempDb(dataDir);
    const loaded = await loadWorkspace(repo);
    if (!loaded.ok) throw new Error(loaded.error);
    const ws = registerWorkspace(db, loaded.workspace, Date.now());
    const settings = testSettings(dataDir);
    const first = await executeRun(createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() }), ws, { db, settings });

    fs.writeFileSync(path.join(repo, "overseer.json"), '{"command": "node train.mjs"}');
    sh(repo, "git", ["commit", "-qam", "break the config"]);
    const second = await executeRun(createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() }), ws, { db, settings });
    expect(second.status).toBe("crashed");
    expect(second.reason).toMatch(/overseer\.json at [0-9a-f]{7} has a problem:\n {2}- "command": .*argv array/);
    expect(getRun(db, first.id)).toEqual(first);
    expect(seriesPoints(db, first.id, "loss")).toHaveLength(5);
  });
});
