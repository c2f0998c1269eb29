import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitRepo, ROOT, sh, tempDir, trainerWorkspace, waitFor } from "../../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");
const run = (args: string[], env: NodeJS.ProcessEnv) => spawnSync(BIN, args, { encoding: "utf8", env, timeout: 60_000 });

describe("overseer export", () => {
  it("exports a winning chain that applies to the baseline and reproduces the best code", () => {
    const repo = trainerWorkspace("quadratic.mjs");
    const baseline = sh(repo, "git", ["rev-parse", "HEAD"]).trim();
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    expect(run(["loop", repo, "--experiments", "6", "--seed", "3", "--tag", "x"], env).status).toBe(0);
    const best = sh(repo, "git", ["rev-parse", "overseer/x"]).trim();
    expect(best).not.toBe(baseline);

    const mbox = run(["export", "1", "--format", "patch"], env);
    expect(mbox.status).toBe(0);
    expect(mbox.stdout).toMatch(/^From [0-9a-f]{40} /);
    const diff = run(["export", "1", "--format", "diff"], env).stdout;
    const tsv = run(["export", "1", "--format", "tsv"], env).stdout;
    expect(tsv.split("\n")[0]).toBe("commit\tval_bpb\tmemory_gb\tstatus\tdescription");
    const json = JSON.parse(run(["export", "1", "--format", "json"], env).stdout);
    expect(json.experiments).toHaveLength(7);
    expect(json.session.bestCommit).toBe(best);

    // A fresh clone at the baseline: the squashed diff applies, and the mbox replays to the best tree.
    const clone = tempDir();
    sh(clone, "git", ["clone", "-q", repo, "."]);
    sh(clone, "git", ["checkout", "-q", baseline]);
    fs.writeFileSync(path.join(clone, "best.diff"), diff);
    sh(clone, "git", ["apply", "--check", "best.diff"]);
    fs.rmSync(path.join(clone, "best.diff"));
    const am = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "am", "-q"], { cwd: clone, input: mbox.stdout, encoding: "utf8" });
    expect(am.stderr).toBe("");
    expect(sh(clone, "git", ["rev-parse", "HEAD^{tree}"]).trim()).toBe(sh(repo, "git", ["rev-parse", `${best}^{tree}`]).trim());

    // A selection, built from the database alone: the kept experiments replay to the same best tree; with a
    // discarded one after the keeps it was built on, the squashed diff gives that experiment's tree; alone, its change (to the lines
    // its parent changed) does not apply to the baseline, and the error names the experiment to add.
    // (A candidate built before the best last moved ran on its own, older parent: its change is replayed on that.)
    type Row = { id: number; idx: number; kind: string; status: string; commitSha: string; parentCommit: string };
    const rows = json.experiments as Row[];
    const kept = rows.filter((e) => e.kind !== "baseline" && e.status === "kept").map((e) => e.id);
    const keptAt = (commit: string) => rows.find((e) => e.kind !== "baseline" && e.status === "kept" && e.commitSha === commit);
    const discarded = rows.findLast((e) => e.status === "discarded" && !!keptAt(e.parentCommit))!;
    const builtOn = keptAt(discarded.parentCommit)!;
    const chainToIt = rows.filter((e) => e.kind !== "baseline" && e.status === "kept" && e.idx <= builtOn.idx).map((e) => e.id);
    expect(kept.length).toBeGreaterThan(1);
    const selected = run(["export", "--experiments", [...kept].reverse().join(","), "--format", "patch"], env);
    expect(selected.stderr).toBe("");
    sh(clone, "git", ["checkout", "-q", baseline]);
    const amSelected = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "am", "-q"], { cwd: clone, input: selected.stdout, encoding: "utf8" });
    expect(amSelected.stderr).toBe("");
    expect(sh(clone, "git", ["rev-list", "--count", `${baseline}..HEAD`]).trim()).toBe(String(kept.length));
    expect(sh(clone, "git", ["rev-parse", "HEAD^{tree}"]).trim()).toBe(sh(repo, "git", ["rev-parse", `${best}^{tree}`]).trim());

    sh(clone, "git", ["checkout", "-q", baseline]);
    const withDiscarded = run(["export", "--experiments", [...chainToIt, discarded.id].join(","), "--format", "diff"], env);
    expect(withDiscarded.stdout).toMatch(/^diff --git a\/train.mjs b\/train.mjs\n/);
    fs.writeFileSync(path.join(clone, "sel.diff"), withDiscarded.stdout);
    sh(clone, "git", ["apply", "sel.diff"]);
    expect(fs.readFileSync(path.join(clone, "train.mjs"), "utf8")).toBe(sh(repo, "git", ["show", `${discarded.commitSha}:train.mjs`]));
    expect(run(["export", "--experiments", String(discarded.id), "--format", "diff"], env)).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(new RegExp(`x #${discarded.idx} .* does not apply to the baseline: .*; add x #${builtOn.idx}, which it was built on`)),
    });
    const tsvRows = run(["export", "--experiments", `${discarded.id},1`, "--format", "tsv"], env)
      .stdout.trim()
      .split("\n");
    expect(tsvRows).toHaveLength(3);
    expect(tsvRows[2]).toMatch(/\tdiscard\t/);
  });

  it("says that a session kept nothing instead of printing an empty patch, and names the closest discarded experiments", () => {
    // Every change scores the same as the baseline: nothing is kept.
    const trainer = `const LR = 0.1;\n${fs.readFileSync(path.join(ROOT, "test/fixtures/trainers/ok.mjs"), "utf8")}`;
    const repo = gitRepo({ "train.mjs": trainer, "overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"], protected: [], budgetSeconds: 5, timeoutSeconds: 20 }) });
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    expect(run(["loop", repo, "--experiments", "2", "--tag", "flat"], env).status).toBe(0);
    for (const format of ["patch", "diff"]) {
      const r = run(["export", "1", "--format", format], env);
      expect(r).toMatchObject({ status: 1, stdout: "" });
      expect(r.stderr).toMatch(
        /^overseer: session 1 kept nothing beyond its baseline, so there is no winning patch to apply\. The best discarded experiments: #1 LR 0\.1 → .*\(val_bpb 1\.234567, experiment 2\).* overseer export --experiments 2 --format patch\n$/,
      );
    }
    // The record still exports, and the suggested selection works.
    expect(run(["export", "1", "--format", "tsv"], env).stdout.match(/\tdiscard\t/g)).toHaveLength(2);
    expect(run(["export", "--experiments", "2", "--format", "patch"], env)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^From /) });
  });

  it("says what is wrong with a missing session or format", () => {
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    expect(run(["export", "9", "--format", "patch"], env)).toMatchObject({ status: 1, stderr: expect.stringContaining("session 9 does not exist") });
    expect(run(["export", "1", "--format", "zip"], env)).toMatchObject({ status: 2, stderr: expect.stringContaining("--format patch|diff|tsv|json") });
    expect(run(["export", "--experiments", "1,x"], env)).toMatchObject({ status: 2, stderr: expect.stringContaining("--experiments ID,ID") });
    expect(run(["export", "--experiments", "41"], env)).toMatchObject({ status: 1, stderr: expect.stringContaining("experiment 41 does not exist: remove it from the selection") });
  });
});

describe("overseer approve / reject", () => {
  it("decides experiments that a headless loop holds for approval", async () => {
    const repo = trainerWorkspace("quadratic.mjs");
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    const loop = spawn(BIN, ["loop", repo, "--experiments", "2", "--approve", "all", "--tag", "gate"], { env });
    let out = "";
    loop.stdout.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => loop.once("exit", r));

    const first = await waitFor(() => /awaits approval: overseer approve (\d+)/.exec(out)?.[1], 30_000, "a request for approval");
    const rejected = run(["reject", first, "--note", "not this"], env);
    expect(rejected.stdout).toMatch(new RegExp(`rejected experiment ${first} \\(#1 of session 1: `));
    expect(run(["approve", first], env)).toMatchObject({ status: 1, stderr: expect.stringContaining("is rejected, not awaiting approval") });

    const second = await waitFor(() => [...out.matchAll(/awaits approval: overseer approve (\d+)/g)].map((m) => m[1]).find((id) => id !== first), 30_000, "a second request");
    expect(run(["approve", second!], env).status).toBe(0);
    expect(await exited).toBe(0);
    expect(out).toMatch(/#1 rejected/);
    expect(out).toMatch(/#2 (kept|discarded|crashed)/);
  });
});

describe("overseer keep / discard", () => {
  it("settles a result within the noise that a headless loop holds for a human", async () => {
    const repo = trainerWorkspace("quadratic.mjs");
    const train = path.join(repo, "train.mjs");
    fs.writeFileSync(
      train,
      fs
        .readFileSync(train, "utf8")
        .replace("const noiseLevel = 0;", "const noiseLevel = 0.3;")
        .replace(/\bLR\b/g, "lr"),
    );
    sh(repo, "git", ["commit", "-qam", "noisy"]);
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    const args = ["loop", repo, "--experiments", "1", "--baseline-runs", "3", "--runs-per-candidate", "2", "--within-noise", "ask", "--tag", "noisy"];
    const loop = spawn(BIN, args, { env });
    let out = "";
    loop.stdout.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => loop.once("exit", r));

    const held = await waitFor(() => /waits for a human: overseer keep (\d+)/.exec(out)?.[1], 30_000, "a request to keep or discard");
    expect(run(["approve", held], env)).toMatchObject({ status: 1, stderr: expect.stringContaining("is awaiting_decision, not awaiting approval") });
    expect(run(["discard", held, "--note", "seed luck"], env).stdout).toMatch(new RegExp(`discarded experiment ${held} \\(#1 of session 1: WIDTH 3 → 4\\)`));
    expect(await exited).toBe(0);
    expect(out).toMatch(/#1 discarded: discarded by a human: seed luck \(a gain of .* within the noise/);
    expect(sh(repo, "git", ["rev-parse", "overseer/noisy"]).trim()).toBe(sh(repo, "git", ["rev-parse", "main"]).trim());
  });
});
