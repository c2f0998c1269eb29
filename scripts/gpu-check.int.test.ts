/**
 * scripts/gpu-check.sh as far as a CPU machine takes it: without a GPU it stops at once and says so; with the fake
 * nvidia-smi and tiny-lm standing in for the GPU and nanogpt, its whole path runs in a copy of the tracked tree (as
 * the GPU machine receives it), with the CLI bundled as it runs there: doctor, a run, a loop, the figures.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitRepo, ROOT, tempDir } from "../test/helpers/temp";

const FAKE_SMI = path.join(ROOT, "test", "fixtures", "fake-nvidia-smi.mjs");

function check(cwd: string, args: string[], env: Record<string, string>, timeout = 60_000) {
  const clean = { ...process.env };
  for (const k of ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OVERSEER_ISOLATION", "FAKE_NVIDIA_SMI_STATE", "OVERSEER_DATA_DIR"]) delete clean[k];
  const r = spawnSync(path.join(cwd, "scripts", "gpu-check.sh"), args, { cwd, encoding: "utf8", env: { ...clean, OVERSEER_ENV_DIR: tempDir(), ...env }, timeout });
  return { code: r.status, stderr: r.stderr };
}

/** The tracked files, as the GPU machine gets them, with this checkout's node_modules to bundle from. */
function treeCopy(): string {
  const dir = tempDir();
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of files) if (fs.existsSync(path.join(ROOT, f))) fs.cpSync(path.join(ROOT, f), path.join(dir, f));
  for (const f of ["scripts/gpu-check.sh", "scripts/gpu_check_summary.py"]) fs.cpSync(path.join(ROOT, f), path.join(dir, f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

describe("scripts/gpu-check.sh", () => {
  it("without nvidia-smi it stops before anything else, with exit 3 and what it needs", () => {
    const out = tempDir();
    const r = check(ROOT, ["run", out], { OVERSEER_NVIDIA_SMI: "/nonexistent/nvidia-smi" });
    expect(r.stderr).toContain("no GPU here: /nonexistent/nvidia-smi is not on PATH");
    expect(r.code).toBe(3);
    expect(fs.readdirSync(out)).toEqual(["check.log"]);
  });

  it("with a GPU that Python's torch cannot use, the doctor's answer stops it before the runs", () => {
    const out = tempDir();
    // This machine's python3 has no CUDA torch (none at all in CI): as on a GPU box with a CPU-only PyTorch.
    const r = check(ROOT, ["run", out], { OVERSEER_NVIDIA_SMI: FAKE_SMI });
    expect(r.stderr).toContain("the doctor found no usable GPU (above): stopping before the runs");
    expect(r.code).toBe(3);
    const doctor = JSON.parse(fs.readFileSync(path.join(out, "doctor.json"), "utf8")) as { checks: { name: string; status: string }[] };
    expect(doctor.checks.find((c) => c.name === "cuda")?.status).toBe("fail");
    expect(fs.existsSync(path.join(out, "series.csv"))).toBe(false);
  });

  it("runs the doctor, one run and a 3-experiment loop with the bundled CLI, and brings back the figures in at most 8 files", () => {
    const tree = treeCopy();
    expect(check(tree, ["bundle"], {}).code).toBe(0);
    // The bundle finds its files from the installation's root as the source does: the gate reads a Python change
    // with runner/gate/python_facts.py, or rates it high and the headless loop on nanogpt waits for a human.
    const bundled = path.join(tree, "runner", "overseer-bundle.cjs");
    fs.copyFileSync(path.join(tree, ".gpu-check", "overseer.cjs"), bundled);
    const nanogpt = gitRepo(Object.fromEntries(fs.readdirSync(path.join(tree, "examples", "nanogpt")).map((f) => [f, fs.readFileSync(path.join(tree, "examples", "nanogpt", f), "utf8")])));
    const train = fs.readFileSync(path.join(nanogpt, "train.py"), "utf8");
    const line = train.split("\n").indexOf("DEPTH = 6") + 1;
    const diff = `--- a/train.py\n+++ b/train.py\n@@ -${line} +${line} @@\n-DEPTH = 6\n+DEPTH = 8\n`;
    const gate = spawnSync("node", [bundled, "gate", nanogpt, "--diff", "-", "--json"], { input: diff, encoding: "utf8", env: { ...process.env, OVERSEER_DATA_DIR: tempDir() } });
    expect(JSON.parse(gate.stdout)).toMatchObject({ level: "low", reasons: [{ rule: "constants-only", message: "sets DEPTH from 6 to 8" }] });
    const out = tempDir();
    const r = check(tree, ["run", out], { OVERSEER_NVIDIA_SMI: FAKE_SMI, GPU_CHECK_WORKSPACE: "examples/tiny-lm", GPU_CHECK_BUDGET: "2" }, 240_000);
    expect(r.stderr).toContain(`overseer: node ${tree}/runner/overseer-bundle.cjs`);
    expect(r.code, r.stderr).toBe(0);

    const files = fs.readdirSync(out).sort();
    expect(files).toEqual(["check.log", "doctor.json", "logs.tar.gz", "nvidia-smi-samples.csv", "results.tsv", "series.csv", "summary.md"]);
    const summary = fs.readFileSync(path.join(out, "summary.md"), "utf8");
    // The single run, two baseline runs and three experiments of one run each.
    const rows = summary.split("\n").filter((l) => /^\| \d+ \| (cli|session) \|/.test(l));
    expect(rows.map((l) => l.split("|")[2]!.trim())).toEqual(["cli", "session", "session", "session", "session", "session"]);
    // Each run's stored utilisation beside nvidia-smi's own samples over its time.
    for (const row of rows) expect(row).toMatch(/\| \d+\.\d \/ \d+\.\d \|/);
    expect(summary).toMatch(/val_bpb over 3 runs of the baseline: [\d., ]+; mean \d\.\d{4}, σ \d\.\d{4}/);
    expect(summary).toMatch(/- 5 runs in \d+ s; a run was going \d+% of that time/);
    expect(summary).toContain("session 1: finished, reached 3 experiments");

    const series = fs.readFileSync(path.join(out, "series.csv"), "utf8").trim().split("\n");
    expect(series[0]).toBe("run_id,series,step,t_ms,value");
    const runsWith = (name: string) => new Set(series.filter((l) => l.split(",")[1] === name).map((l) => l.split(",")[0]));
    expect([...runsWith("loss")].sort()).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(runsWith("gpu.util_percent").size).toBe(6);
    const samples = fs.readFileSync(path.join(out, "nvidia-smi-samples.csv"), "utf8").trim().split("\n");
    expect(samples.length).toBeGreaterThan(5);
    expect(samples[0]!.split(",")).toHaveLength(9);
    expect(fs.readFileSync(path.join(out, "results.tsv"), "utf8").trim().split("\n")).toHaveLength(5);
    const logs = execFileSync("tar", ["tzf", path.join(out, "logs.tar.gz")], { encoding: "utf8" });
    expect(logs).toContain("data/runs/1/run.log");
    expect(logs).toContain("loop.log");
  }, 300_000);
});
