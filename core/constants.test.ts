import fc from "fast-check";
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

describe("constantOnLine is the one-regex parser it replaced, without its backtracking", () => {
  // The regex before: the same lines, the same names and values, on lines made of the characters that matter.
  const OLD = /^(?:(?:export\s+)?(?:const|let|var)\s+)?([A-Z][A-Z0-9_]*)\s*(?::\s*[\w.[\], ]+)?=(?!=)\s*(.*?)\s*;?\s*(?:(?:#|\/\/).*)?$/;
  const old = (line: string) => {
    const m = OLD.exec(line);
    return m ? { name: m[1]!, value: m[2]! } : null;
  };
  const piece = fc.constantFrom(
    "LR",
    "X_1",
    "const ",
    "export ",
    "let ",
    "const",
    " ",
    "  ",
    "\t",
    "\r",
    "\n",
    "\u2028",
    "=",
    "==",
    "#",
    "//",
    "/",
    ";",
    ":",
    "int",
    "[",
    "]",
    ",",
    ".",
    "0.1",
    "'a'",
    '"#"',
    "x",
    "(",
  );
  it("agrees on every generated line", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        expect(constantOnLine(parts.join(""))).toEqual(old(parts.join("")));
      }),
      { numRuns: 20_000 },
    );
  });

  it("a proposer's line cannot make it hang: a long run of spaces or digits parses at once", () => {
    // The regex before took about 3 s for 2,000 spaces and grew with their cube; these would take hours.
    const t0 = performance.now();
    expect(constantOnLine(`X = 1${" ".repeat(50_000)}+ 2`)).toEqual({ name: "X", value: `1${" ".repeat(50_000)}+ 2` });
    expect(constantOnLine(`X:${" ".repeat(50_000)}`)).toBeNull();
    expect(constantOnLine(`X${" ".repeat(50_000)}`)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
