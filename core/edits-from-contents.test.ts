import { describe, expect, it } from "vitest";
import { applyEdits } from "./edits";
import { editsFromContents } from "./edits-from-contents";

const roundTrip = (before: Record<string, string>, after: Record<string, string>) => {
  const r = editsFromContents(before, after);
  if (!r.ok) throw new Error(r.error);
  const applied = applyEdits(before, r.edits);
  if (!applied.ok) throw new Error(applied.error);
  return { edits: r.edits, files: applied.files };
};

describe("editsFromContents", () => {
  const train = "import torch\nLR = 0.04\nDEPTH = 8\n\ndef main():\n    pass\n";

  it("replaces only the changed lines when they are unique", () => {
    const after = { "train.py": train.replace("LR = 0.04", "LR = 0.02") };
    const { edits, files } = roundTrip({ "train.py": train }, after);
    expect(edits).toEqual([{ file: "train.py", old: "LR = 0.04\n", new: "LR = 0.02\n" }]);
    expect(files).toEqual(after);
  });

  it("anchors a pure insertion on a neighbouring line", () => {
    const after = { "train.py": train.replace("DEPTH = 8\n", "DEPTH = 8\nWIDTH = 512\n") };
    const { edits, files } = roundTrip({ "train.py": train }, after);
    expect(edits[0]!.old).not.toBe("");
    expect(files).toEqual(after);
  });

  it("widens repeated lines until the text it replaces occurs once", () => {
    const before = "a = 1\nx = 0\nb = 2\nx = 0\nc = 3\n";
    const after = { "f.py": "a = 1\nx = 0\nb = 2\nx = 9\nc = 3\n" };
    const { edits, files } = roundTrip({ "f.py": before }, after);
    expect(edits[0]!.old).toBe("b = 2\nx = 0\n");
    expect(files).toEqual(after);
  });

  it("spans several changes in one file, and edits several files", () => {
    const before = { "a.py": "1\n2\n3\n4\n5\n", "b.py": "x\ny\n" };
    const after = { "a.py": "1\nTWO\n3\nFOUR\n5\n", "b.py": "x\ny\nz" };
    expect(roundTrip(before, after).files).toEqual(after);
  });

  it("handles a file without a final newline and a deletion", () => {
    const before = { "a.py": "keep\ndrop\nlast" };
    const after = { "a.py": "keep\nlast" };
    expect(roundTrip(before, after).files).toEqual(after);
  });

  it("leaves out files the edit did not change", () => {
    const r = editsFromContents({ "a.py": "1\n", "b.py": "2\n" }, { "a.py": "1\n", "b.py": "3\n" });
    expect(r.ok && r.edits.map((e) => e.file)).toEqual(["b.py"]);
  });

  it("refuses an edit that changes nothing, a file it does not know, and an empty file", () => {
    expect(editsFromContents({ "a.py": "1\n" }, { "a.py": "1\n" })).toMatchObject({ ok: false, error: expect.stringContaining("reject") });
    expect(editsFromContents({ "a.py": "1\n" }, { "evil.py": "1\n" })).toMatchObject({ ok: false, error: expect.stringContaining("evil.py") });
    expect(editsFromContents({ "a.py": "" }, { "a.py": "1\n" })).toMatchObject({ ok: false, error: expect.stringContaining("empty") });
  });
});
