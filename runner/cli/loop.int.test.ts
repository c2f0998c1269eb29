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

  it("never proposes, in a new session of a workspace, a configuration an earlier session tried", () => {
    const repo = trainerWorkspace("quadratic.mjs");
    const dataDir = tempDir();
    const loop = (tag: string) =>
      spawnSync(BIN, ["loop", repo, "--proposer", "mutate", "--experiments", "4", "--seed", "3", "--tag", tag], {
        encoding: "utf8",
        env: { ...process.env, OVERSEER_DATA_DIR: dataDir },
        timeout: 60_000,
      });
    expect(loop("first").status).toBe(0);
    expect(loop("second").status).toBe(0); // the same seed: without the workspace's history it would propose the same four
    const db = openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
    try {
      const [a, b] = listSessions(db).sort((x, y) => x.id - y.id);
      const sigs = (id: number) => listExperiments(db, id).flatMap((e) => (e.kind === "baseline" || !e.configSig ? [] : [e.configSig]));
      expect(sigs(a!.id)).toHaveLength(4);
      expect(sigs(b!.id)).toHaveLength(4);
      expect(sigs(b!.id).filter((sig) => sigs(a!.id).includes(sig))).toEqual([]);
    } finally {
      db.$client.close();
    }
  });

  it("finishes a start that was killed after making its branch and before recording its session", () => {
    const repo = trainerWorkspace("quadratic.mjs");
    // What such a start leaves: the branch at HEAD, marked as Overseer's, and no session.
    sh(repo, "git", ["update-ref", "refs/overseer-start/again", "HEAD"]);
    sh(repo, "git", ["branch", "overseer/again"]);
    const r = spawnSync(BIN, ["loop", repo, "--experiments", "1", "--baseline-runs", "1", "--tag", "again"], { encoding: "utf8", env: { ...process.env, OVERSEER_DATA_DIR: tempDir() } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("branch overseer/again");
    expect(sh(repo, "git", ["for-each-ref", "refs/overseer-start/"]).trim()).toBe("");
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
      const victim = await waitFor(
        () => {
          const s = listSessions(db)[0];
          return s && listExperiments(db, s.id).find((e) => e.idx === 1 && e.status === "running");
        },
        30_000,
        "experiment 1 to be running",
      );
      const firstRun = await waitFor(() => {
        const id = (JSON.parse(listExperiments(db, victim.sessionId).find((e) => e.id === victim.id)!.runIdsJson) as number[])[0];
        const run = id === undefined ? undefined : getRun(db, id);
        return run?.pid ? run : null;
      });
      loop.kill("SIGKILL");
      await new Promise((r) => loop.once("exit", r));
      // As if killed between recording the baseline and pinning it: its pin is missing.
      sh(repo, "git", ["update-ref", "-d", `refs/overseer/${victim.sessionId}/0`]);

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
      for (const e of exps) expect(sh(repo, "git", ["rev-parse", `refs/overseer/${victim.sessionId}/${e.idx}`]).trim()).toBe(e.commitSha);
      expect(getSession(db, victim.sessionId)).toMatchObject({ status: "finished", stopReason: "reached 3 experiments" });
      expect(sh(repo, "git", ["worktree", "list"]).trim().split("\n")).toHaveLength(1);
    } finally {
      db.$client.close();
    }
  });

  it("survives being killed at any step, again and again: git and the database agree, nothing lost or doubled", async () => {
    const repo = trainerWorkspace("quadratic.mjs");
    const file = path.join(repo, "train.mjs");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("const sleepMs = 0;", "const sleepMs = 150;"));
    sh(repo, "git", ["commit", "-qam", "quick"]);
    const dataDir = tempDir();
    const env = { ...process.env, OVERSEER_DATA_DIR: dataDir, OVERSEER_KILL_GRACE_MS: "200" };
    const db = openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
    // Kill times after each (re)start, spread over the steps of an experiment (startup takes ~0.5 s).
    const delays = [900, 1000, 700, 800, 1100, 650, 950, 750, 1050, 850];
    const killedAt: string[] = [];
    try {
      let args = ["loop", repo, "--experiments", "12", "--tag", "chaos", "--seed", "5"];
      for (let i = 0; ; i++) {
        const child = spawn(BIN, args, { env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (b: Buffer) => {
          stderr += b.toString();
        });
        const exited = new Promise<number | null>((r) => child.once("close", r));
        const finished = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), delays[i] ?? 60_000))]);
        if (finished) {
          expect(await exited, `start ${i + 1} (${args.join(" ")}) after kills at ${killedAt.join(" | ")}: ${stderr}`).toBe(0);
          break;
        }
        child.kill("SIGKILL");
        await exited;
        const s = listSessions(db)[0];
        const open = s ? listExperiments(db, s.id).filter((e) => !e.decidedAt) : [];
        killedAt.push(open.map((e) => `#${e.idx} ${e.status}`).join(", ") || (s ? "between experiments" : "before the session"));
        if (s) args = ["loop", "--resume", String(s.id)];
      }
      console.log(`killed at: ${killedAt.join(" | ")}`);
      expect(killedAt.length).toBeGreaterThanOrEqual(6);

      const s = listSessions(db)[0]!;
      expect(s).toMatchObject({ status: "finished", stopReason: "reached 12 experiments" });
      const exps = listExperiments(db, s.id);
      expect(exps.map((e) => e.idx)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(exps.every((e) => ["kept", "discarded", "crashed"].includes(e.status))).toBe(true);
      // The branch is the chain of keeps, each pinned; the database's best is the branch's tip.
      const kept = exps.filter((e) => e.status === "kept" && e.kind !== "baseline");
      const chain = sh(repo, "git", ["rev-list", "--reverse", `${s.baselineCommit}..overseer/chaos`])
        .split("\n")
        .filter(Boolean);
      expect(chain).toEqual(kept.map((e) => e.commitSha));
      expect(sh(repo, "git", ["rev-parse", "overseer/chaos"]).trim()).toBe(s.bestCommit);
      for (const e of exps) expect(sh(repo, "git", ["rev-parse", `refs/overseer/${s.id}/${e.idx}`]).trim()).toBe(e.commitSha);
      // Every run ended; none is left queued or running, and no trainer or worktree is left behind.
      const runs = exps.flatMap((e) => (JSON.parse(e.runIdsJson) as number[]).map((id) => getRun(db, id)!));
      expect(runs.filter((r) => !["finished", "crashed", "interrupted", "cancelled"].includes(r.status))).toEqual([]);
      expect(runs.filter((r) => r.pid && pidAlive(r.pid))).toEqual([]);
      expect(sh(repo, "git", ["worktree", "list", "--porcelain"]).match(/^worktree /gm)).toEqual(["worktree "]);
      expect(sh(repo, "git", ["status", "--porcelain"])).toBe("");
    } finally {
      db.$client.close();
    }
  }, 120_000);

  it("killed between moving the branch to a keep and recording it, resumes with the branch back at the recorded best", async () => {
    // The run's score is raised by a variable the resumed loop sets, so the killed keep is discarded when run again.
    const repo = trainerWorkspace("quadratic.mjs", { env: ["QUADRATIC_PENALTY"] });
    const file = path.join(repo, "train.mjs");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("const value = 1 +", "const value = Number(process.env.QUADRATIC_PENALTY ?? 0) + 1 +"));
    sh(repo, "git", ["commit", "-qam", "penalty"]);
    // A git on PATH that, the first time it moves a session branch from one commit to another, does so and then
    // kills the loop that called it: the window between settle()'s update-ref and its database write.
    const bin = tempDir("overseer-git-wrapper-");
    const mark = path.join(bin, "killed");
    const realGit = spawnSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).stdout.trim();
    fs.writeFileSync(
      path.join(bin, "git"),
      `#!/bin/sh\nafter=""; n=0\nfor a in "$@"; do [ -n "$after" ] && n=$((n+1)); [ "$a" = update-ref ] && after=1; done\ncase "$*" in *"update-ref refs/heads/overseer/"*) if [ "$n" = 3 ] && [ ! -e '${mark}' ]; then '${realGit}' "$@"; touch '${mark}'; kill -9 $PPID; exit 0; fi;; esac\nexec '${realGit}' "$@"\n`,
      { mode: 0o755 },
    );
    const dataDir = tempDir();
    const env = { ...process.env, OVERSEER_DATA_DIR: dataDir };
    const first = spawnSync(BIN, ["loop", repo, "--experiments", "3", "--tag", "window"], { encoding: "utf8", env: { ...env, PATH: `${bin}:${process.env.PATH}` }, timeout: 60_000 });
    expect(first.signal).toBe("SIGKILL");
    expect(fs.existsSync(mark)).toBe(true);
    const db = openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
    try {
      const s = listSessions(db)[0]!;
      const moved = sh(repo, "git", ["rev-parse", "overseer/window"]).trim();
      expect(moved).not.toBe(s.bestCommit); // the window: git says kept, the database does not

      const r = spawnSync(BIN, ["loop", "--resume", String(s.id)], { encoding: "utf8", env: { ...env, QUADRATIC_PENALTY: "10" }, timeout: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const after = getSession(db, s.id)!;
      expect(after.status).toBe("finished");
      expect(sh(repo, "git", ["rev-parse", "overseer/window"]).trim()).toBe(after.bestCommit);
      expect(r.stdout).toMatch(/the branch was at #\d, whose keep was never recorded .*: moved back to the best/);
      const victim = listExperiments(db, s.id).find((e) => e.commitSha === moved)!;
      expect(victim.status).toBe("discarded");
    } finally {
      db.$client.close();
    }
  }, 120_000);

  it("refuses a second loop on a session another live loop drives, and leaves that loop's run alone", async () => {
    const repo = slowWorkspace();
    const dataDir = tempDir();
    const env = { ...process.env, OVERSEER_DATA_DIR: dataDir };
    const first = spawn(BIN, ["loop", repo, "--experiments", "1", "--tag", "one"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let said = "";
    for (const out of [first.stdout, first.stderr]) out.on("data", (b: Buffer) => (said += b.toString()));
    const exited = new Promise<number | null>((r) => first.once("close", r));
    const db = openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
    try {
      const run = await waitFor(
        () => {
          const s = listSessions(db)[0];
          const e = s && listExperiments(db, s.id).find((x) => x.status === "running");
          const id = e ? (JSON.parse(e.runIdsJson) as number[])[0] : undefined;
          const r = id === undefined ? undefined : getRun(db, id);
          return r?.pid ? r : null;
        },
        30_000,
        "a run of the first loop to train",
      );
      const s = listSessions(db)[0]!;
      const second = spawnSync(BIN, ["loop", "--resume", String(s.id), "--experiments", "5"], { encoding: "utf8", env, timeout: 30_000 });
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(/session \d+ is being driven by another process \(pid \d+ on .*\): stop it first/);
      expect(pidAlive(run.pid!)).toBe(true);
      // What the first loop said names why, should it end otherwise (it once exited 1 under CI's load).
      expect(await exited, said).toBe(0);
      const done = getSession(db, s.id)!;
      expect(done).toMatchObject({ status: "finished", stopReason: "reached 1 experiments", driver: null });
      expect(listExperiments(db, s.id).every((e) => ["kept", "discarded"].includes(e.status))).toBe(true);
      // At its limit, a resume says which limit to raise instead of ending again at once.
      const atLimit = spawnSync(BIN, ["loop", "--resume", String(s.id)], { encoding: "utf8", env, timeout: 30_000 });
      expect(atLimit).toMatchObject({
        status: 2,
        stderr: expect.stringContaining(`session ${s.id} reached 1 experiments: raise the limit to resume it, as in overseer loop --resume ${s.id} --experiments 2`),
      });
    } finally {
      if (first.exitCode === null) first.kill("SIGKILL");
      db.$client.close();
    }
  }, 90_000);
});
