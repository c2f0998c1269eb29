import { describe, expect, it } from "vitest";
import { applyEdits } from "./edits";
import { diffToEdits } from "./diff-to-edits";

const DIFF = `diff --git a/ml/train.py b/ml/train.py
index 1111111..2222222 100644
--- a/ml/train.py
+++ b/ml/train.py
@@ -1,3 +1,3 @@
 import torch
-LR = 0.04
+LR = 0.02
 DEPTH = 8
`;

describe("diffToEdits", () => {
  it("turns each hunk into an exact edit that applies, paths taken relative to the workspace", () => {
    const r = diffToEdits(DIFF, "ml");
    expect(r).toEqual({ ok: true, files: ["train.py"], edits: [{ file: "train.py", old: "import torch\nLR = 0.04\nDEPTH = 8\n", new: "import torch\nLR = 0.02\nDEPTH = 8\n" }] });
    if (r.ok) expect(applyEdits({ "train.py": "import torch\nLR = 0.04\nDEPTH = 8\nx = 1\n" }, r.edits)).toEqual({ ok: true, files: { "train.py": "import torch\nLR = 0.02\nDEPTH = 8\nx = 1\n" } });
  });
  it.each([
    ["not a diff", /no hunks found/],
    ["--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n", /deletes a file/],
    ["--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+x\n", /adds a file/],
    ["--- a/t.py\n+++ b/t.py\n@@ -1,3 +1,3 @@\n a\n-b\n", /shorter than its header/],
  ])("explains a diff it cannot use (%#)", (text, error) => {
    const r = diffToEdits(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});
