import { describe, expect, it } from "vitest";
import { constantOnLine, topLevelConstants } from "./constants";

describe("topLevelConstants", () => {
  it("reads autoresearch's train.py constants, with comments and annotations", () => {
    const py = 'import torch\nASPECT_RATIO = 64 # model_dim = depth * ASPECT_RATIO\nMATRIX_LR: float = 0.04\nWINDOW_PATTERN = "SSSL"\nADAM_BETAS = (0.8, 0.95)\n\ndef f():\n    LOCAL = 1\n';
    expect(topLevelConstants(py)).toEqual([
      { name: "ASPECT_RATIO", value: "64", line: 2 },
      { name: "MATRIX_LR", value: "0.04", line: 3 },
      { name: "WINDOW_PATTERN", value: '"SSSL"', line: 4 },
      { name: "ADAM_BETAS", value: "(0.8, 0.95)", line: 5 },
    ]);
  });
  it("reads JavaScript's const lines and ignores comparisons and lower-case names", () => {
    expect(constantOnLine("const LR = 0.01; // step size")).toEqual({ name: "LR", value: "0.01" });
    expect(constantOnLine("export const TIME_BUDGET = 30;")).toEqual({ name: "TIME_BUDGET", value: "30" });
    expect(constantOnLine("LR == 0.01")).toBeNull();
    expect(constantOnLine("lr = 0.01")).toBeNull();
  });
  it("keeps the last of a name assigned twice", () => {
    expect(topLevelConstants("A = 1\nA = 2\n")).toEqual([{ name: "A", value: "2", line: 2 }]);
  });
});
