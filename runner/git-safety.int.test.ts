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
