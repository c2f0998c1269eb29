import { describe, expect, test } from "vitest";
import { axisText, changeAxis, fileChangeAxis } from "./change-axis";

const PY = `import torch

LR = 0.04
WARMUP = 100  # steps
DEPTH = 8

class Block(torch.nn.Module):
    def forward(self, x):
        return x * 2

@torch.compile
def attention(q, k):
    return q @ k

def main():
    for step in range(10):
        pass

main()
`;

describe("fileChangeAxis", () => {
  test.each([
    ["a constant's value", PY.replace("LR = 0.04", "LR = 0.02"), { constants: ["LR"], blocks: [] }],
    ["a comment beside a constant is not a new value", PY.replace("# steps", "# warm-up steps"), { constants: [], blocks: ["module"] }],
    ["a method inside a class", PY.replace("x * 2", "x * 3"), { constants: [], blocks: ["Block"] }],
    ["a decorated function", PY.replace("q @ k", "(q @ k) / 8"), { constants: [], blocks: ["attention()"] }],
    [
      "two constants and a function",
      PY.replace("DEPTH = 8", "DEPTH = 12").replace("WARMUP = 100", "WARMUP = 50").replace("range(10)", "range(20)"),
      { constants: ["DEPTH", "WARMUP"], blocks: ["main()"] },
    ],
    ["a new constant", PY.replace("DEPTH = 8", "DEPTH = 8\nHEADS = 4"), { constants: ["HEADS"], blocks: [] }],
    ["module-level code", PY.replace("main()\n", "main()\nprint('done')\n"), { constants: [], blocks: ["module"] }],
    ["nothing", PY, { constants: [], blocks: [] }],
  ])("%s", (_, after, expected) => expect(fileChangeAxis("train.py", PY, after)).toEqual(expected));

  test("JavaScript: functions, arrow functions and constants", () => {
    const js = "const LR = 0.1;\nexport function step(x) {\n  return x;\n}\nconst loss = (y) => {\n  return y;\n};\n";
    const after = js.replace("0.1", "0.2").replace("return x;", "return x + 1;").replace("return y;", "return -y;");
    expect(fileChangeAxis("train.mjs", js, after)).toEqual({ constants: ["LR"], blocks: ["loss()", "step()"] });
  });

  test("a file added or deleted", () => {
    expect(fileChangeAxis("extra.py", null, "K = 1\n")).toEqual({ constants: ["K"], blocks: ["new file"] });
    expect(fileChangeAxis("extra.py", "K = 1\n", null)).toEqual({ constants: ["K"], blocks: ["deleted file"] });
  });
});

test("changeAxis qualifies names by file when the change spans files, and axisText makes one cell of it", () => {
  const one = changeAxis({ "train.py": { before: PY, after: PY.replace("LR = 0.04", "LR = 0.08") } });
  expect(axisText(one)).toBe("LR");
  const two = changeAxis({ "train.py": { before: PY, after: PY.replace("x * 2", "x * 3") }, "prep.py": { before: "N = 1\n", after: "N = 2\n" } });
  expect(two).toEqual({ constants: ["prep.py:N"], blocks: ["train.py:Block"] });
  expect(axisText(two)).toBe("prep.py:N · train.py:Block");
});
