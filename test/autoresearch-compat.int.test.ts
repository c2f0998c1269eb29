/**
 * A clone of karpathy/autoresearch needs no configuration: its layout (train.py, prepare.py, program.md, no
 * overseer.json) is Overseer's default, and its run.log is read as it is. `uv` is a stand-in on PATH here (the
 * real one would fetch packages), running a train.py that prints autoresearch's log byte for byte.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitRepo, ROOT, tempDir } from "./helpers/temp";

const FIXTURES = path.join(__dirname, "fixtures", "autoresearch");

function autoresearchClone(log: string, exitCode: number): string {
  return gitRepo({
    "train.py": `import sys\nsys.stdout.write(open("expected.log", encoding="utf-8").read())\nsys.stdout.flush()\nsys.exit(${exitCode})\n`,
    "expected.log": fs.readFileSync(path.join(FIXTURES, log), "utf8"),
    "prepare.py": "TIME_BUDGET = 300\n",
    "program.md": "# autoresearch\n",
    "pyproject.toml": '[project]\nname = "autoresearch"\n',
    ".gitignore": "results.tsv\nrun.log\n",
  });
}

function fakeUv(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "uv"), '#!/bin/sh\n[ "$1" = run ] && shift\nexec python3 "$@"\n', { mode: 0o755 });
  return dir;
}

function overseerRun(repo: string) {
  const r = spawnSync(path.join(ROOT, "bin", "overseer"), ["run", repo, "--json"], {
    encoding: "utf8",
    // No GPU whatever the machine, so the out-of-memory reason is the same everywhere.
    env: { ...process.env, OVERSEER_DATA_DIR: tempDir(), OVERSEER_NVIDIA_SMI: "/nonexistent/nvidia-smi", PATH: `${fakeUv()}:${process.env.PATH}` },
    timeout: 60_000,
  });
  return JSON.parse(r.stdout);
}

describe("an unmodified autoresearch clone", () => {
  it("runs with `uv run train.py` and scores val_bpb from its summary, with no overseer.json", () => {
    const out = overseerRun(autoresearchClone("run.log", 0));
    expect(out.outcome, out.reason).toBe("finished");
    expect(out.metric).toEqual({ name: "val_bpb", value: 0.990512 });
    expect(out.summary).toMatchObject({ training_seconds: 300.1, peak_vram_mb: 45060.2, mfu_percent: 39.8, num_steps: 12, depth: 8 });
  });

  it("reads its FAIL as diverged and its CUDA out of memory as oom", () => {
    expect(overseerRun(autoresearchClone("run-fail.log", 1))).toMatchObject({ outcome: "diverged" });
    const oom = overseerRun(autoresearchClone("run-oom.log", 1));
    expect(oom.outcome).toBe("oom");
    expect(oom.reason).toMatch(/^CUDA out of memory \(the GPU has 81,091 MiB; it tried to allocate 4,096 MiB more\): lower the batch size/);
  });
});
