import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitRepo, sh } from "../test/helpers/temp";
import { readBlobAt, readObject } from "./git-objects";

describe("reading files through git cat-file --batch", () => {
  it("returns files exactly (large ones across many reads at once), and null for what is not a file", async () => {
    const big = Array.from({ length: 40_000 }, (_, i) => `line ${i} ✓`).join("\n"); // ~0.5 MB: many pipe chunks
    const repo = gitRepo({ "train.py": "LR = 1\n", "big.txt": big, "sub/x.py": "", "nl.txt": "\n\n" });
    const head = sh(repo, "git", ["rev-parse", "HEAD"]).trim();
    const reads = await Promise.all([
      readBlobAt(repo, head, "big.txt"),
      readBlobAt(repo, head, "train.py"),
      readBlobAt(repo, head, "sub/x.py"),
      readBlobAt(repo, head, "nl.txt"),
      readBlobAt(repo, head, "missing.py"),
      readBlobAt(repo, head, "sub"),
    ]);
    expect(reads).toEqual([big, "LR = 1\n", "", "\n\n", null, null]);
    expect(await readObject(repo, "0".repeat(40))).toBeNull();
    expect((await readObject(repo, `${head}^{tree}`))?.type).toBe("tree");
    // A commit made after the reader started is read too.
    fs.writeFileSync(path.join(repo, "train.py"), "LR = 2\n");
    sh(repo, "git", ["commit", "-qam", "two"]);
    expect(await readBlobAt(repo, sh(repo, "git", ["rev-parse", "HEAD"]).trim(), "train.py")).toBe("LR = 2\n");
  });
});
