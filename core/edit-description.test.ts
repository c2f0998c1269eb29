import { describe, expect, it } from "vitest";
import { describeHumanEdit } from "./edit-description";

const TRAIN = "import math\nCONTEXT = 12\nLR = 0.04\n\ndef loss(x):\n    return x * 0.9\n";

describe("describeHumanEdit", () => {
  it.each([
    {
      name: "a constant the human set to another value than proposed",
      after: TRAIN.replace("CONTEXT = 12", "CONTEXT = 10"),
      title: "CONTEXT 12 → 10",
      hypothesis: 'A human\'s edit of the proposal "CONTEXT 12 → 18": it sets CONTEXT from 12 to 10.',
    },
    {
      name: "two constants",
      after: TRAIN.replace("CONTEXT = 12", "CONTEXT = 10").replace("LR = 0.04", "LR = 0.02"),
      title: "CONTEXT 12 → 10, LR 0.04 → 0.02",
      hypothesis: 'A human\'s edit of the proposal "CONTEXT 12 → 18": it sets CONTEXT from 12 to 10; sets LR from 0.04 to 0.02.',
    },
    {
      name: "one line of code",
      after: TRAIN.replace("x * 0.9", "x * 0.8"),
      title: "train.py: return x * 0.8",
      hypothesis: 'A human\'s edit of the proposal "CONTEXT 12 → 18": it changes train.py: return x * 0.8.',
    },
    {
      name: "several lines of code",
      after: TRAIN.replace("    return x * 0.9\n", "    y = x * 0.8\n    return y\n"),
      title: "train.py: 2 lines for 1",
      hypothesis: 'A human\'s edit of the proposal "CONTEXT 12 → 18": it changes train.py: 2 lines for 1.',
    },
  ])("$name", ({ after, title, hypothesis }) => {
    expect(describeHumanEdit({ "train.py": TRAIN }, { "train.py": after }, "CONTEXT 12 → 18")).toEqual({ title, hypothesis });
  });

  it("ends the hypothesis with one full stop when the changed line ends with its own punctuation", () => {
    const d = describeHumanEdit({ "train.mjs": "let x = 1;\nrun(x);\n" }, { "train.mjs": "let x = 1;\nrun(x * 2);\n" }, null);
    expect(d).toEqual({ title: "train.mjs: run(x * 2);", hypothesis: "A human's proposal: it changes train.mjs: run(x * 2)." });
  });

  it("names constants before code, across files in order", () => {
    const d = describeHumanEdit({ "train.py": TRAIN, "model.py": "x = 1\nprint(x)\n" }, { "train.py": TRAIN.replace("CONTEXT = 12", "CONTEXT = 10"), "model.py": "x = 1\nprint(x + 1)\n" }, "p");
    expect(d.title).toBe("CONTEXT 12 → 10, model.py: print(x + 1)");
  });

  it("ignores files the human left as they were, and keeps the proposed title when nothing differs", () => {
    expect(describeHumanEdit({ "train.py": TRAIN }, { "train.py": TRAIN }, "CONTEXT 12 → 18").title).toBe("CONTEXT 12 → 18");
  });

  it("says a human's own proposal is theirs", () => {
    expect(describeHumanEdit({ "train.py": TRAIN }, { "train.py": TRAIN.replace("LR = 0.04", "LR = 0.08") }, null)).toEqual({
      title: "LR 0.04 → 0.08",
      hypothesis: "A human's proposal: it sets LR from 0.04 to 0.08.",
    });
  });

  it("keeps a long title short", () => {
    const long = `    return ${"x + ".repeat(60)}x\n`;
    const d = describeHumanEdit({ "train.py": TRAIN }, { "train.py": TRAIN.replace("    return x * 0.9\n", long) }, "p");
    expect(d.title.length).toBeLessThanOrEqual(120);
    expect(d.title.endsWith("…")).toBe(true);
  });
});
