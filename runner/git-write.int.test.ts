import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitRepo, sh, tempDir } from "../test/helpers/temp";
import { openObjectStore, writeCommit } from "./git-write";

const FILES = { "train.py": "LR = 0.04\n", "run.sh": "#!/bin/sh\necho hi\n", "pkg/model.py": "DEPTH = 8\n", "a.b": "x\n", "a/inner.txt": "y\n" };

/** The tree git itself makes of the parent with the same files written: what writeCommit must reproduce. */
function treeByGit(repo: string, parent: string, files: Record<string, string>): string {
  const clone = tempDir("overseer-clone-");
  sh(clone, "git", ["clone", "-q", repo, "."]);
  sh(clone, "git", ["checkout", "-q", parent]);
  for (const [f, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
    fs.writeFileSync(path.join(clone, f), c);
  }
  sh(clone, "git", ["add", "-A"]);
  return sh(clone, "git", ["write-tree"]).trim();
}

describe("writing a commit into the object database", () => {
  it("makes the same tree as git add and write-tree, keeps modes, and passes git fsck", async () => {
    const repo = gitRepo(FILES);
    fs.chmodSync(path.join(repo, "run.sh"), 0o755);
    sh(repo, "git", ["commit", "-qam", "executable"]);
    const parent = sh(repo, "git", ["rev-parse", "HEAD"]).trim();
    // A change at the root, one in a folder, a new file in a new folder, and names that sort around "a/".
    const files = { "train.py": "LR = 0.03\n", "run.sh": "#!/bin/sh\necho bye\n", "pkg/model.py": "DEPTH = 10\n", "new/deep/notes.md": "# notes\n", "a-z": "between\n", a0: "after\n" };
    const sha = await writeCommit(await openObjectStore(repo), {
      parent,
      files,
      message: "Try LR 0.03  \n\nbecause\n\nOverseer-Experiment: 3\n\n",
      identity: "Overseer <overseer@localhost>",
      atMs: 1_790_000_000_000,
    });

    expect(sh(repo, "git", ["rev-parse", `${sha}^{tree}`]).trim()).toBe(treeByGit(repo, parent, files));
    expect(sh(repo, "git", ["rev-parse", `${sha}^`]).trim()).toBe(parent);
    expect(sh(repo, "git", ["ls-tree", sha, "run.sh"])).toMatch(/^100755 /);
    for (const [f, c] of Object.entries(files)) expect(sh(repo, "git", ["show", `${sha}:${f}`])).toBe(c);
    expect(sh(repo, "git", ["log", "-1", "--format=%an <%ae>|%at|%B", sha])).toBe("Overseer <overseer@localhost>|1790000000|Try LR 0.03\n\nbecause\n\nOverseer-Experiment: 3\n\n");
    sh(repo, "git", ["update-ref", "refs/overseer/t/1", sha]);
    sh(repo, "git", ["fsck", "--strict", "--no-dangling"]);
    // The user's checkout, index and branch are untouched.
    expect(sh(repo, "git", ["status", "--porcelain"])).toBe("");
    expect(sh(repo, "git", ["rev-parse", "HEAD"]).trim()).toBe(parent);
  });

  it("writes sha256 repositories too", async () => {
    const repo = tempDir("overseer-repo-");
    sh(repo, "git", ["init", "-q", "--object-format=sha256", "-b", "main"]);
    fs.writeFileSync(path.join(repo, "train.py"), "LR = 1\n");
    sh(repo, "git", ["add", "-A"]);
    sh(repo, "git", ["commit", "-qm", "base"]);
    const parent = sh(repo, "git", ["rev-parse", "HEAD"]).trim();
    const sha = await writeCommit(await openObjectStore(repo), { parent, files: { "train.py": "LR = 2\n", "sub/x.py": "X = 1\n" }, message: "m", identity: "O <o@o>", atMs: 0 });
    expect(sha).toHaveLength(64);
    expect(sh(repo, "git", ["rev-parse", `${sha}^{tree}`]).trim()).toBe(treeByGit(repo, parent, { "train.py": "LR = 2\n", "sub/x.py": "X = 1\n" }));
    sh(repo, "git", ["fsck", "--strict"]);
  });

  it("refuses paths that leave the tree or name git's own folder, and a parent that is not a commit", async () => {
    const repo = gitRepo({ "train.py": "LR = 1\n", "data/x": "1" });
    const store = await openObjectStore(repo);
    const parent = sh(repo, "git", ["rev-parse", "HEAD"]).trim();
    const commit = (files: Record<string, string>, p = parent) => writeCommit(store, { parent: p, files, message: "m", identity: "O <o@o>", atMs: 0 });
    await expect(commit({ "../escape.py": "x" })).rejects.toThrow('cannot commit the path "../escape.py"');
    await expect(commit({ ".git/config": "x" })).rejects.toThrow("cannot commit the path");
    await expect(commit({ data: "now a file" })).rejects.toThrow("data is not a regular file");
    await expect(commit({ "train.py/x": "y" })).rejects.toThrow("train.py is not a folder");
    await expect(commit({ "train.py": "y" }, "0".repeat(40))).rejects.toThrow("is missing");
  });
});
