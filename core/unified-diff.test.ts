import { describe, expect, it } from "vitest";
import { fileDiff, treeDiff } from "./unified-diff";

describe("unified diffs of whole files", () => {
  it("write git's headers and hunks with three lines of context", () => {
    const before = "a\nb\nc\nd\ne\nf\ng\n";
    expect(fileDiff("train.py", { before, after: before.replace("d\n", "D\n") })).toBe(
      ["diff --git a/train.py b/train.py", "--- a/train.py", "+++ b/train.py", "@@ -1,7 +1,7 @@", " a", " b", " c", "-d", "+D", " e", " f", " g", ""].join("\n"),
    );
  });
  it("mark added and deleted files as git does, with an empty side at line 0", () => {
    expect(fileDiff("new.py", { before: null, after: "x\n" })).toBe("diff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,1 @@\n+x\n");
    expect(fileDiff("old.py", { before: "x\n", after: null })).toBe("diff --git a/old.py b/old.py\ndeleted file mode 100644\n--- a/old.py\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-x\n");
  });
  it("say when a file has no final newline", () => {
    expect(fileDiff("f", { before: "a\nb", after: "a\nc" })).toContain("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n");
  });
  it("are empty for an unchanged file, and name files under the workspace's folder in the repository", () => {
    expect(fileDiff("f", { before: "same\n", after: "same\n" })).toBe("");
    const d = treeDiff({ "b.py": "1\n", "a.py": "x\n" }, { "b.py": "2\n", "a.py": "x\n" }, "examples/ws/");
    expect(d.split("\n")[0]).toBe("diff --git a/examples/ws/b.py b/examples/ws/b.py");
    expect(d).not.toContain("a.py");
  });
});
