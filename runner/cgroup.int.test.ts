/**
 * A run that takes more than its share — processes past sandbox.maxProcesses, memory past sandbox.maxMemoryMb,
 * daemons that outlive it — with a real runner, as root: RLIMIT_NPROC alone would hold none of it for root.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createRun } from "../db/queries/runs";
import { TRAINERS, gitRepo, tempDb, tempDir, testSettings } from "../test/helpers/temp";
import { cgroupSupport } from "./cgroup";
import { executeRun } from "./execute-run";
import { loadWorkspace, registerWorkspace } from "./workspace";

async function run(sandbox: Record<string, unknown>, env: Record<string, string>) {
  const dir = gitRepo({
    "train.mjs": fs.readFileSync(path.join(TRAINERS, "hog.mjs"), "utf8"),
    "prepare.mjs": "export const EVAL_TOKENS = 1024;\n",
    "overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"], protected: ["prepare.mjs"], budgetSeconds: 2, timeoutSeconds: 30, env: Object.keys(env), sandbox }),
  });
  const dataDir = tempDir("overseer-data-");
  const { db } = tempDb(dataDir);
  const loaded = await loadWorkspace(dir);
  if (!loaded.ok) throw new Error(loaded.error);
  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  const final = await executeRun(createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() }), ws, { db, settings: testSettings(dataDir), parentEnv: { PATH: process.env.PATH, ...env } });
  return { final, log: fs.readFileSync(final.logPath!, "utf8") };
}

const contained = !cgroupSupport().startsWith("no cgroup");

describe("a run's share of the machine", () => {
  it("cannot start more processes than sandbox.maxProcesses, and none it started outlives it", { timeout: 30_000 }, async () => {
    // Sleepers with a duration no other process has, to find them on the host whatever pid namespace they had.
    const mark = `${60 + (process.pid % 1000) / 1000}`;
    const { final, log } = await run({ maxProcesses: 40 }, { HOG_MARK: mark });
    const [, started, failed] = /HOG started (\d+) failed (\d+)/.exec(log)!.map(Number);
    const alive = spawnSync("pgrep", ["-f", `^sleep ${mark}$`], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean)
      .map(Number);
    if (contained) {
      expect(started).toBeLessThan(40);
      expect(failed).toBeGreaterThan(0);
      expect(alive).toEqual([]);
      expect(JSON.parse(final.guardsJson!).limits).toMatch(/^cgroup v[12]/);
    } else {
      // Without a cgroup, root's processes are not limited and setsid daemons escape: the run says so.
      expect(JSON.parse(final.guardsJson!).limits).toMatch(/^no cgroup/);
      for (const pid of alive) process.kill(pid, "SIGKILL");
    }
  });

  it("is killed past sandbox.maxMemoryMb, with a reason that says so", { timeout: 30_000 }, async () => {
    const { final, log } = await run({ maxMemoryMb: 100 }, { HOG: "memory" });
    if (contained) {
      expect(log).not.toContain("HOG allocated");
      expect(final).toMatchObject({ status: "crashed", metricValue: null });
      expect(final.reason).toMatch(/went over its memory limit \(sandbox.maxMemoryMb: 100 MB\)/);
    } else expect(log).toContain("HOG allocated 400 MB");
  });
});
