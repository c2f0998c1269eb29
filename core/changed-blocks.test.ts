import { describe, expect, it } from "vitest";
import { changedBlocks, changedLines } from "./changed-blocks";

const py = `import math

LR = 0.04
DEPTH = 8

@torch.no_grad()
def evaluate(model):
    total = 0.0
    for x in range(10):
        total += math.log(x + 1)
    return total

def train():
    step = 0
    while step < 100:
        step += 1
`;

describe("changedBlocks", () => {
  it("shows the whole function a changed line is inside, with its decorator", () => {
    const after = py.replace("total += math.log(x + 1)", "total += math.log(x + 2)");
    const blocks = changedBlocks("train.py", py, after);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.text).toBe("@torch.no_grad()\ndef evaluate(model):\n    total = 0.0\n    for x in range(10):\n        total += math.log(x + 2)\n    return total");
    expect(blocks[0]).toMatchObject({ startLine: 6, endLine: 11, clipped: false });
  });

  it("shows a constant's statement alone, and two touched blocks apart", () => {
    const after = py.replace("LR = 0.04", "LR = 0.08").replace("step += 1", "step += 2");
    const blocks = changedBlocks("train.py", py, after);
    expect(blocks.map((b) => b.text)).toEqual(["LR = 0.04".replace("0.04", "0.08"), "def train():\n    step = 0\n    while step < 100:\n        step += 2"]);
  });

  it("finds the block where lines were only removed", () => {
    const after = py.replace("    total = 0.0\n", "");
    expect(changedLines(py, after)).toEqual([8]);
    expect(changedBlocks("train.py", py, after)[0]!.text).toMatch(/^@torch.no_grad\(\)\ndef evaluate/);
  });

  it("reads JavaScript blocks by their braces", () => {
    const js = "const LR = 0.4;\nfunction step(w) {\n  const g = w * 2;\n  return w - LR * g;\n}\nmain();\n";
    const after = js.replace("w * 2", "w * 3");
    expect(changedBlocks("train.mjs", js, after)[0]!.text).toBe("function step(w) {\n  const g = w * 3;\n  return w - LR * g;\n}");
  });

  it("clips a block longer than the limit to the lines around the change", () => {
    const long = `def main():\n${Array.from({ length: 400 }, (_, i) => `    x${i} = ${i}`).join("\n")}\n`;
    const after = long.replace("x200 = 200", "x200 = -1");
    const [b] = changedBlocks("train.py", long, after, 100);
    expect(b!.clipped).toBe(true);
    expect(b!.endLine - b!.startLine + 1).toBeLessThanOrEqual(100);
    expect(b!.text).toContain("x200 = -1");
  });

  it("falls back to lines around the change in a language it does not read", () => {
    const cfg = Array.from({ length: 60 }, (_, i) => `k${i}: ${i}`).join("\n");
    const [b] = changedBlocks("conf.yaml", cfg, cfg.replace("k30: 30", "k30: 0"));
    expect(b).toMatchObject({ startLine: 11, endLine: 51 });
  });
});
