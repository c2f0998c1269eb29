import { describe, expect, it } from "vitest";
import { applyEdits } from "./edits";
import { configSignature, findConstants, proposeMutation } from "./mutate";

const AUTORESEARCH = `import torch
ASPECT_RATIO = 64       # model_dim = depth * ASPECT_RATIO
HEAD_DIM = 128
WINDOW_PATTERN = "SSSL"
TOTAL_BATCH_SIZE = 2**19
EMBEDDING_LR = 0.6
ADAM_BETAS = (0.8, 0.95)
WARMUP_RATIO = 0.0
DEPTH = 8
SEED = 42
model_dim = DEPTH * ASPECT_RATIO
    NESTED = 3
`;

describe("findConstants", () => {
  it("finds autoresearch's numeric hyperparameters and nothing else", () => {
    expect(findConstants("train.py", AUTORESEARCH).map((c) => `${c.name}=${c.valueText}`)).toEqual([
      "ASPECT_RATIO=64",
      "HEAD_DIM=128",
      "TOTAL_BATCH_SIZE=2**19",
      "EMBEDDING_LR=0.6",
      "ADAM_BETAS=(0.8, 0.95)",
      "WARMUP_RATIO=0.0",
      "DEPTH=8",
    ]);
  });
  it("reads JavaScript constants too", () => {
    const js = "const LEARNING_RATE = 0.01; // lr\nexport const HIDDEN = 128;\nconst ADAM_BETAS = [0.9, 0.99];\nlet x = 2;\n";
    expect(findConstants("train.mjs", js).map((c) => `${c.name}=${c.valueText}`)).toEqual(["LEARNING_RATE=0.01", "HIDDEN=128", "ADAM_BETAS=[0.9, 0.99]"]);
  });
});

describe("proposeMutation", () => {
  it("is deterministic under a seed, and its edits apply", () => {
    const files = { "train.py": AUTORESEARCH };
    const a = proposeMutation(files, new Set(), 7, "val_bpb");
    expect(proposeMutation(files, new Set(), 7, "val_bpb")).toEqual(a);
    const applied = applyEdits(files, a!.edits);
    expect(applied.ok).toBe(true);
    if (applied.ok) expect(configSignature(applied.files)).toBe(a!.signature);
    expect(a!.title).toMatch(/→/);
  });

  it("never proposes a configuration already tried, and says when it has run out", () => {
    const files = { "t.py": "DEPTH = 2\n" };
    const tried = new Set([configSignature(files)]);
    const seen: string[] = [];
    for (let seed = 0; seed < 50; seed++) {
      const m = proposeMutation(files, tried, seed, "val_bpb");
      if (!m) break;
      expect(tried.has(m.signature)).toBe(false);
      tried.add(m.signature);
      seen.push(m.title);
    }
    // From DEPTH = 2 a single step reaches 1 and 3 only: two new configurations, then nothing.
    expect(seen.sort()).toEqual(["DEPTH 2 → 1", "DEPTH 2 → 3"]);
    expect(proposeMutation(files, tried, 99, "val_bpb")).toBeNull();
  });

  it("moves a beta's distance to 1, keeps ratios within [0, 1], and steps powers of two", () => {
    const titles = new Set<string>();
    for (let seed = 0; seed < 60; seed++) titles.add(proposeMutation({ "t.py": "ADAM_BETAS = (0.8, 0.95)\nWARMDOWN_RATIO = 0.8\nTOTAL_BATCH_SIZE = 2**19\n" }, new Set(), seed, "m")!.title);
    const all = [...titles].join("\n");
    expect(all).toMatch(/ADAM_BETAS \(0.8, 0.95\) → \((0.9|0.6), 0.95\)|ADAM_BETAS \(0.8, 0.95\) → \(0.8, (0.975|0.9)\)/);
    expect(all).not.toMatch(/WARMDOWN_RATIO 0.8 → 1\.[1-9]/);
    expect(all).toMatch(/TOTAL_BATCH_SIZE 2\*\*19 → 2\*\*(18|20)/);
  });
});
