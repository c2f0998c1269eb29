/**
 * A run that could write the repository's config (no sandbox) names programs for git to run: core.fsmonitor runs
 * on `git status`, hooks on `git worktree add`. The runner's own git must run none of them. Each attack is checked
 * against plain git first, so the test proves it is a real one.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitRepo, tempDir } from "../test/helpers/temp";
import { git } from "./git";
import { readBlobAt } from "./git-objects";

function planted(_repo: string): { marker: string; script: string } {
  const dir = tempDir("overseer-planted-");
  const marker = path.join(dir, "ran");
  const script = path.join(dir, "payload.sh");
  fs.writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> ${marker}\n`, { mode: 0o755 });
  return { marker, script };
}

describe("the runner's git and a config a run wrote", () => {
  it("does not run core.fsmonitor on status", async () => {
    const repo = gitRepo({ "train.py": "LR = 1\n" });
    const { marker, script } = planted(repo);
    execFileSync("git", ["config", "core.fsmonitor", script], { cwd: repo });
    execFileSync("git", ["status", "--porcelain"], { cwd: repo });
    expect(fs.existsSync(marker)).toBe(true); // plain git runs it
    fs.rmSync(marker);
    await git(repo, ["status", "--porcelain"]);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("does not run hooks on worktree add", async () => {
    const repo = gitRepo({ "train.py": "LR = 1\n" });
    const { marker, script } = planted(repo);
    fs.copyFileSync(script, path.join(repo, ".git/hooks/post-checkout"));
    fs.chmodSync(path.join(repo, ".git/hooks/post-checkout"), 0o755);
    execFileSync("git", ["worktree", "add", "--detach", path.join(tempDir(), "plain"), "HEAD"], { cwd: repo, stdio: "ignore" });
    expect(fs.existsSync(marker)).toBe(true);
    fs.rmSync(marker);
    await git(repo, ["worktree", "add", "--detach", path.join(tempDir(), "runner"), "HEAD"]);
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe("the runner's git and its environment", () => {
  it("starts git without the runner's secrets: a run that reads a git helper's /proc/<pid>/environ finds no API key", async () => {
    const repo = gitRepo({ "train.py": "LR = 1\n" });
    const bin = tempDir("overseer-git-env-");
    const dump = path.join(bin, "env");
    const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    fs.writeFileSync(path.join(bin, "git"), `#!/bin/sh\nenv >> '${dump}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const saved = { PATH: process.env.PATH, key: process.env.ANTHROPIC_API_KEY, token: process.env.HF_TOKEN };
    process.env.PATH = `${bin}:${process.env.PATH}`;
    process.env.ANTHROPIC_API_KEY = "sk-ant-secret-value-123";
    process.env.HF_TOKEN = "hf_secret_value_456";
    try {
      await git(repo, ["rev-parse", "HEAD"]);
      expect(await readBlobAt(repo, "HEAD", "train.py")).toBe("LR = 1\n"); // the cat-file --batch helper
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.key === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved.key;
      if (saved.token === undefined) delete process.env.HF_TOKEN;
      else process.env.HF_TOKEN = saved.token;
    }
    const seen = fs.readFileSync(dump, "utf8");
    expect(seen).toMatch(/^PATH=/m); // the wrapper ran, and git still finds what it needs
    expect(seen).toMatch(/^GIT_TERMINAL_PROMPT=0$/m);
    expect(seen).not.toContain("sk-ant-secret-value-123");
    expect(seen).not.toContain("hf_secret_value_456");
  });
});
