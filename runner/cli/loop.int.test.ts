import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/open";
import { listExperiments } from "../../db/queries/experiments";
import { getRun } from "../../db/queries/runs";
import { getSession, listSessions } from "../../db/queries/sessions";
import { MIGRATIONS, pidAlive, ROOT, sh, tempDir, trainerWorkspace, waitFor } from "../../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");

function slowWorkspace() {
  const repo = trainerWorkspace("quadratic.mjs");
  const file = path.join(repo, "train.mjs");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("const sleepMs = 0;", "const sleepMs = 1500;"));
  sh(repo, "git", ["commit", "-qam", "slow"]);
  return repo;
}

describe("bin/overseer loop", () => {
  it("runs a session headless, a line per experiment and a summary", () => {
    const r = spawnSync(BIN, ["loop", trainerWorkspace("quadratic.mjs"), "--proposer", "mutate", "--experiments", "3", "--tag", "cli"], {
      encoding: "utf8",
      env: { ...process.env, OVERSEER_DATA_DIR: tempDir() },
      timeout: 60_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/session 1 on .*, branch overseer\/cli, proposer mutate/);
    expect(r.stdout).toMatch(/#0 kept: baseline val_bpb = 2\.15/);
    expect(r.stdout).toMatch(/#3 (kept|discarded|crashed)/);
    expect(r.stdout).toMatch(/session 1 finished: reached 3 experiments\nexperiments 3 · kept \d · discarded \d · crashed \d · keep rate \d+%\nbaseline 2.15 → best [\d.]+/);
    expect(r.stdout).toMatch(/GPU duty cycle [\d.]+%/);
  });

  it("refuses a tag whose branch exists, and a workspace that is not a repository", () => {
    const repo = trainerWorkspace("quadratic.mjs");
    sh(repo, "git", ["branch", "overseer/taken"]);
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    const taken = spawnSync(BIN, ["loop", repo, "--experiments", "1", "--tag", "taken"], { encoding: "utf8", env });
    expect(taken.status).toBe(2);
    expect(taken.stderr).toMatch(/the branch overseer\/taken already exists: choose another tag/);
    const bad = spawnSync(BIN, ["loop", repo, "--experiments", "0"], { encoding: "utf8", env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad option: --experiments: /);
  });

  it("resumes after being killed during a run, without losing or duplicating an experiment", async () => {
    const repo = slowWorkspace();
    const dataDir = tempDir();
    const env = { ...process.env, OVERSEER_DATA_DIR: dataDir, OVERSEER_KILL_GRACE_MS: "200" };
    const loop = spawn(BIN, ["loop", repo, "--experiments", "3", "--tag", "resume"], { env, stdio: "ignore" });
    const db = openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
    try {
      const victim = await waitFor(() => {
        const s = listSessions(db)[0];
        return s && listExperiments(db, s.id).find((e) => e.idx === 1 && e.status === "running");
      }, 30_000, "experiment 1 to be running");
      const firstRun = await waitFor(() => {
        const id = (JSON.parse(listExperiments(db, victim.sessionId).find((e) => e.id === victim.id)!.runIdsJson) as number[])[0];
        const run = id === undefined ? undefined : getRun(db, id);
        return run?.pid ? run : null;
      });
      loop.kill("SIGKILL");
      await new Promise((r) => loop.once("exit", r));

      const r = spawnSync(BIN, ["loop", "--resume", String(victim.sessionId)], { encoding: "utf8", env, timeout: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(pidAlive(firstRun.pid!)).toBe(false);

      const exps = listExperiments(db, victim.sessionId);
      expect(exps.map((e) => e.idx)).toEqual([0, 1, 2, 3]);
      expect(exps.every((e) => ["kept", "discarded", "crashed"].includes(e.status))).toBe(true);
      const again = exps.find((e) => e.id === victim.id)!;
      const runs = (JSON.parse(again.runIdsJson) as number[]).map((id) => getRun(db, id)!);
      expect(runs.map((x) => x.status)).toEqual(["interrupted", "finished"]);
      expect(getSession(db, victim.sessionId)).toMatchObject({ status: "finished", stopReason: "reached 3 experiments" });
      expect(sh(repo, "git", ["worktree", "list"]).trim().split("\n")).toHaveLength(1);
    } finally {
      db.$client.close();
    }
  });
});
