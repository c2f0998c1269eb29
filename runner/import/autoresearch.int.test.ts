import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listExperiments } from "../../db/queries/experiments";
import { seriesNames, seriesPoints } from "../../db/queries/metrics";
import { getRun } from "../../db/queries/runs";
import { readFileChanges } from "../../db/queries/snapshots";
import { gitRepo, ROOT, sh, tempDb, tempDir, testSettings } from "../../test/helpers/temp";
import { exportSession } from "../export";
import { importAutoresearch } from "./autoresearch";

const RUN_LOG = path.join(ROOT, "test", "fixtures", "autoresearch", "run.log");
const TRAIN = `import torch\nMATRIX_LR = 0.04\nDEPTH = 8\nWARMDOWN_RATIO = 0.5\nWINDOW_PATTERN = "SSSL"\n`;
const HEADER = "commit\tval_bpb\tmemory_gb\tstatus\tdescription";

/**
 * A clone after a night of autoresearch's loop, made the way its agent makes one: commit, run, then keep the
 * commit or `git reset --hard HEAD~1` (which leaves discarded commits only in the reflog).
 */
function autoresearchClone() {
  const repo = gitRepo({ "prepare.py": "TIME_BUDGET = 300\n", "train.py": TRAIN, "program.md": "# autoresearch\n", ".gitignore": "results.tsv\nrun.log\n" });
  sh(repo, "git", ["checkout", "-qb", "autoresearch/mar5"]);
  const rows: string[] = [HEADER];
  const commitEdit = (from: string, to: string, message: string) => {
    const file = path.join(repo, "train.py");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(from, to));
    sh(repo, "git", ["commit", "-qam", message]);
    return sh(repo, "git", ["rev-parse", "--short=7", "HEAD"]).trim();
  };
  const row = (commit: string, value: string, memory: string, status: string, description: string) => rows.push([commit, value, memory, status, description].join("\t"));
  row(sh(repo, "git", ["rev-parse", "--short=7", "HEAD"]).trim(), "0.997900", "44.0", "keep", "baseline");
  row(commitEdit("MATRIX_LR = 0.04", "MATRIX_LR = 0.05", "matrix lr 0.05"), "0.993100", "44.0", "keep", "increase matrix LR to 0.05");
  row(commitEdit("DEPTH = 8", "DEPTH = 10", "depth 10"), "1.001200", "52.3", "discard", "deeper model (depth 10)");
  sh(repo, "git", ["reset", "-q", "--hard", "HEAD~1"]);
  row(commitEdit('"SSSL"', '"LLLL"', "all long windows"), "0.000000", "0.0", "crash", "all long windows (OOM)");
  sh(repo, "git", ["reset", "-q", "--hard", "HEAD~1"]);
  row("deadbee", "0.995000", "44.0", "discard", "a commit git has since lost");
  row(commitEdit("WARMDOWN_RATIO = 0.5", "WARMDOWN_RATIO = 0.6", "warmdown 0.6"), "0.990512", "44.0", "keep", "longer warmdown (0.6)");
  fs.writeFileSync(path.join(repo, "results.tsv"), `${rows.join("\n")}\n`);
  fs.copyFileSync(RUN_LOG, path.join(repo, "run.log"));
  return { repo, tsv: `${rows.join("\n")}\n` };
}

function setup() {
  const dataDir = tempDir("overseer-data-");
  const { db } = tempDb(dataDir);
  return { db, settings: testSettings(dataDir) };
}

describe("overseer import", () => {
  it("adopts an autoresearch branch, its results.tsv and run.log, and pins the discarded commits git still has", async () => {
    const { repo, tsv } = autoresearchClone();
    const { db, settings } = setup();
    const r = await importAutoresearch(db, settings, { dir: repo });
    if (!r.ok) throw new Error(r.error);
    expect(r.session).toMatchObject({
      origin: "import",
      status: "finished",
      branch: "autoresearch/mar5",
      tag: "mar5",
      bestValue: 0.990512,
      stopReason: "imported from autoresearch/mar5: 6 experiments in results.tsv",
    });
    expect(r.added).toBe(6);
    expect(r.notes).toEqual([
      "pinned 2 discarded commits that only git's reflog still held, under refs/overseer/1/",
      "1 commit is no longer in the repository: its row is kept without code",
      "run.log: 84 metric points of the last run (experiment #5)",
    ]);

    const exps = listExperiments(db, r.session.id);
    expect(exps.map((e) => [e.idx, e.kind, e.status, e.metricValue])).toEqual([
      [0, "baseline", "kept", 0.9979],
      [1, "proposal", "kept", 0.9931],
      [2, "proposal", "discarded", 1.0012],
      [3, "proposal", "crashed", null],
      [4, "proposal", "discarded", 0.995],
      [5, "proposal", "kept", 0.990512],
    ]);
    expect(exps[1]!.delta).toBeCloseTo(0.0048, 9);
    expect(exps[2]!.delta).toBeCloseTo(-0.0081, 9); // against the best at its time, 0.9931
    // Discarded code survives: the diff is stored and the commit pinned, so `git gc` cannot take it.
    expect(exps[2]!.diff).toContain("-DEPTH = 8\n+DEPTH = 10");
    const files = readFileChanges(db, JSON.parse(exps[2]!.filesJson!));
    expect(files).toEqual({ "train.py": { before: TRAIN.replace("0.04", "0.05"), after: TRAIN.replace("0.04", "0.05").replace("DEPTH = 8", "DEPTH = 10") } });
    expect(exps[4]!.filesJson).toBeNull();
    expect(sh(repo, "git", ["rev-parse", "refs/overseer/1/2"]).trim()).toBe(exps[2]!.commitSha);
    expect(exps[4]).toMatchObject({ commitSha: "deadbee", diff: null, reason: expect.stringContaining("its code is lost") });
    expect(r.session.bestCommit).toBe(sh(repo, "git", ["rev-parse", "autoresearch/mar5"]).trim());

    // run.log became the last experiment's run, with its loss curve and summary.
    const run = getRun(db, (JSON.parse(exps[5]!.runIdsJson) as number[])[0]!)!;
    expect(run).toMatchObject({ origin: "import", status: "finished", metricValue: 0.990512, lastStep: 11, commitSha: exps[5]!.commitSha });
    expect(seriesNames(db, run.id).sort()).toEqual(["dt", "epoch", "loss", "lrm", "mfu", "remaining", "tok/sec"]);
    expect(seriesPoints(db, run.id, "loss")).toHaveLength(12);
    expect(JSON.parse(run.summaryJson!).peak_vram_mb.value).toBe(45060.2);
    expect(fs.readFileSync(run.logPath!, "utf8")).toBe(fs.readFileSync(RUN_LOG, "utf8"));

    // Exported again, results.tsv is the agent's own file; the winning chain applies to the baseline.
    expect(await exportSession(db, r.session.id, "tsv")).toBe(tsv);
    const patchFile = path.join(tempDir(), "win.patch");
    fs.writeFileSync(patchFile, await exportSession(db, r.session.id, "patch"));
    const check = tempDir();
    sh(repo, "git", ["worktree", "add", "-q", "--detach", check, exps[0]!.commitSha!]);
    sh(check, "git", ["am", "-q", patchFile]);
    expect(fs.readFileSync(path.join(check, "train.py"), "utf8")).toBe(sh(repo, "git", ["show", "autoresearch/mar5:train.py"]));
    // The user's checkout is as it was.
    expect(sh(repo, "git", ["status", "--porcelain"])).toBe("");
  });

  it("adds the rows the agent wrote since, and refuses a file whose imported rows changed", async () => {
    const { repo, tsv } = autoresearchClone();
    const { db, settings } = setup();
    const first = await importAutoresearch(db, settings, { dir: repo });
    if (!first.ok) throw new Error(first.error);
    fs.appendFileSync(path.join(repo, "results.tsv"), "abcdef1\t0.991000\t44.0\tdiscard\tsomething new\n");
    const again = await importAutoresearch(db, settings, { dir: repo });
    expect(again).toMatchObject({ ok: true, added: 1, session: { id: first.session.id, stopReason: "imported from autoresearch/mar5: 7 experiments in results.tsv" } });
    expect(listExperiments(db, first.session.id)).toHaveLength(7);

    const now = fs.readFileSync(path.join(repo, "results.tsv"), "utf8");
    fs.writeFileSync(path.join(repo, "results.tsv"), now.replace("0.993100\t44.0\tkeep", "0.993100\t44.0\tdiscard"));
    expect(await importAutoresearch(db, settings, { dir: repo })).toEqual({
      ok: false,
      error: expect.stringMatching(/no longer matches session 1, imported from it before: line 3 is [0-9a-f]{7} discard, but experiment #1 was [0-9a-f]{7} kept/),
    });
    fs.writeFileSync(path.join(repo, "results.tsv"), tsv);
    expect(await importAutoresearch(db, settings, { dir: repo })).toEqual({ ok: false, error: "results.tsv no longer matches session 1, imported from it before: it has 6 rows, and 7 were imported" });
    expect(listExperiments(db, first.session.id)).toHaveLength(7);
  });

  it("leaves out a run.log that is not the last row's run, and says what is wrong with bad input", async () => {
    const { repo } = autoresearchClone();
    const { db, settings } = setup();
    fs.writeFileSync(path.join(repo, "run.log"), "Vocab size: 8,192\n\rstep 00000 (0.0%) | loss: 9.0 | dt: 20315ms    "); // a run in progress
    const r = await importAutoresearch(db, settings, { dir: repo });
    expect(r).toMatchObject({ ok: true, notes: expect.arrayContaining(["run.log (no val_bpb) is not the run of the last row (line 7) — perhaps a run still in progress: left out"]) });

    const bare = gitRepo({ "train.py": TRAIN });
    expect(await importAutoresearch(db, settings, { dir: bare })).toEqual({ ok: false, error: `${fs.realpathSync(bare)} has no autoresearch/<tag> branch: name the session's branch with --branch` });
    expect(await importAutoresearch(db, settings, { dir: bare, branch: "main" })).toEqual({
      ok: false,
      error: expect.stringMatching(/no results.tsv at .*results.tsv: autoresearch's agent writes it there/),
    });
    fs.writeFileSync(path.join(bare, "results.tsv"), `${HEADER}\nabc1234\t0.99\t44.0\tkept\tx\n`);
    expect(await importAutoresearch(db, settings, { dir: bare, branch: "main" })).toEqual({ ok: false, error: expect.stringContaining('line 2: status "kept" is not keep, discard or crash') });
    fs.writeFileSync(path.join(bare, "results.tsv"), `${HEADER}\nabc1234\t0.99\t44.0\tkeep\tbaseline\n`);
    expect(await importAutoresearch(db, settings, { dir: bare, branch: "main" })).toEqual({
      ok: false,
      error: expect.stringContaining("the first row of results.tsv (the baseline, commit abc1234) is not a commit of"),
    });
    sh(bare, "git", ["branch", "autoresearch/a"]);
    sh(bare, "git", ["branch", "autoresearch/b"]);
    expect(await importAutoresearch(db, settings, { dir: bare })).toEqual({
      ok: false,
      error: expect.stringContaining("several autoresearch branches (autoresearch/a, autoresearch/b): choose one with --branch"),
    });
  });

  it("runs from the command line and prints what it adopted", () => {
    const { repo } = autoresearchClone();
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    const out = spawnSync(path.join(ROOT, "bin", "overseer"), ["import", repo], { encoding: "utf8", env, timeout: 60_000 });
    expect(out.status).toBe(0);
    expect(out.stdout).toContain("session 1 ← autoresearch/mar5: 6 experiments added (5 in all after the baseline; kept 2, discarded 2, crashed 1)");
    expect(out.stdout).toContain("baseline 0.9979 → best 0.990512 (0.74%)");
    const resume = spawnSync(path.join(ROOT, "bin", "overseer"), ["loop", "--resume", "1"], { encoding: "utf8", env, timeout: 60_000 });
    expect(resume).toMatchObject({ status: 2, stderr: expect.stringContaining("session 1 was imported from autoresearch and is a record") });
  });
});
