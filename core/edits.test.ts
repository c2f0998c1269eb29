import { describe, expect, it } from "vitest";
import { applyEdits } from "./edits";

const files = { "train.py": "LR = 0.04\nDEPTH = 8\nx = 1\nx = 1\n" };

describe("applyEdits", () => {
  it("replaces text that occurs exactly once", () => {
    expect(applyEdits(files, [{ file: "train.py", old: "LR = 0.04", new: "LR = 0.02" }])).toEqual({ ok: true, files: { "train.py": "LR = 0.02\nDEPTH = 8\nx = 1\nx = 1\n" } });
  });
  it.each([
    [[{ file: "prepare.py", old: "a", new: "b" }], /prepare.py is not one of the editable files/],
    [[{ file: "train.py", old: "LR = 9", new: "b" }], /was not found/],
    [[{ file: "train.py", old: "x = 1", new: "x = 2" }], /occurs more than once/],
    [[{ file: "train.py", old: "", new: "b" }], /"old" is empty/],
    [[{ file: "train.py", old: "LR = 0.04", new: "LR = 0.04" }], /change nothing/],
    [[], /no edits/],
  ])("explains an edit that does not apply (%#)", (edits, error) => {
    const r = applyEdits(files, edits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
  it("applies edits in order, each on the result of the previous one", () => {
    const r = applyEdits(files, [
      { file: "train.py", old: "LR = 0.04", new: "LR = 0.1" },
      { file: "train.py", old: "LR = 0.1\nDEPTH = 8", new: "LR = 0.1\nDEPTH = 4" },
    ]);
    expect(r.ok && r.files["train.py"]).toMatch(/^LR = 0.1\nDEPTH = 4\n/);
  });
});
