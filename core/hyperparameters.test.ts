import { describe, expect, test } from "vitest";
import { axisOf, changedNames, flattenConstants, type HyperparameterRow, importanceRanking, numericValue, positionOn } from "./hyperparameters";

const row = (id: number, metricValue: number | null, values: Record<string, string>, parentId: number | null = 1, status = "discarded"): HyperparameterRow => ({
  id,
  idx: id,
  status,
  metricValue,
  parentId,
  values,
});

describe("numericValue", () => {
  test.each([
    ["0.04", 0.04],
    ["3e-4", 3e-4],
    ["-2", -2],
    [".5", 0.5],
    ["1_000", 1000],
    ["2**10", 1024],
    ["64 * 4", 256],
    ["1 / 8", 0.125],
    ["True", 1],
    ["false", 0],
    ['"adam"', null],
    ["(0.9, 0.95)", null],
    ["LR * 2", null],
    ["", null],
  ])("%s → %s", (text, n) => expect(numericValue(text)).toBe(n));
});

test("flattenConstants qualifies names only when there are several files", () => {
  expect(flattenConstants({ "train.py": { LR: "0.1" } })).toEqual({ LR: "0.1" });
  expect(flattenConstants({ "train.py": { LR: "0.1" }, "prepare.py": { N: "8" } })).toEqual({ "train.py:LR": "0.1", "prepare.py:N": "8" });
});

test("changedNames: more than one value, or missing somewhere", () => {
  const rows = [row(1, 1, { LR: "0.1", D: "8", K: "1" }, null), row(2, 1, { LR: "0.2", D: "8", K: "1" }), row(3, 1, { LR: "0.1", D: "8" })];
  expect(changedNames(rows)).toEqual(["K", "LR"]);
  expect(changedNames([])).toEqual([]);
});

describe("axisOf and positionOn", () => {
  const rows = [row(1, 1, { LR: "0.1", OPT: '"adam"' }, null), row(2, 1, { LR: "3e-1", OPT: '"sgd"' }), row(3, 1, { OPT: '"adam"' })];
  test("numbers span their range", () => {
    const a = axisOf(rows, "LR");
    expect(a).toEqual({ name: "LR", kind: "number", categories: [], min: 0.1, max: 0.3 });
    expect(positionOn(a, "3e-1")).toBe(0.3);
    expect(positionOn(a, undefined)).toBeNull();
  });
  test("anything else is categories in order of appearance", () => {
    const a = axisOf(rows, "OPT");
    expect(a).toEqual({ name: "OPT", kind: "category", categories: ['"adam"', '"sgd"'], min: 0, max: 1 });
    expect(positionOn(a, '"sgd"')).toBe(1);
    expect(positionOn(a, '"rmsprop"')).toBeNull();
  });
  test("a mix of numbers and names is categories", () => expect(axisOf([row(1, 1, { X: "1" }), row(2, 1, { X: "N" })], "X").kind).toBe("category"));
});

describe("importanceRanking", () => {
  // Baseline 1.00; #2 changed LR alone and gained 0.10; #3 changed LR and D, lost 0.02; #4 changed D alone, lost 0.04 (built on #2).
  const rows = [
    row(1, 1.0, { LR: "0.1", D: "8" }, null, "kept"),
    row(2, 0.9, { LR: "0.2", D: "8" }, 1, "kept"),
    row(3, 1.02, { LR: "0.05", D: "12" }, 1),
    row(4, 0.94, { LR: "0.2", D: "4" }, 2),
    row(5, null, { LR: "9", D: "8" }, 2, "crashed"),
    row(6, 0.5, { LR: "0.2", D: "8" }, 99),
  ];
  test("each constant is credited with the moves of the experiments that changed it", () => {
    const r = importanceRanking(rows, "minimize");
    expect(r.map((c) => c.name)).toEqual(["LR", "D"]);
    const [lr, d] = r;
    expect(lr).toMatchObject({ experiments: 2, alone: 1, improved: 1 });
    expect(lr!.meanAbsMove).toBeCloseTo((0.1 + 0.02) / 2);
    expect(lr!.bestGain).toBeCloseTo(0.1);
    expect(d).toMatchObject({ experiments: 2, alone: 1, improved: 0, bestGain: null });
    expect(d!.meanAbsMove).toBeCloseTo((0.02 + 0.04) / 2);
  });
  test("maximizing turns gains around", () => {
    const d = importanceRanking(rows, "maximize").find((c) => c.name === "D")!;
    expect(d.bestGain).toBeCloseTo(0.04);
    expect(d.improved).toBe(2);
  });
  test("no parent with a metric, nothing to credit", () => expect(importanceRanking([row(1, 1, { LR: "1" }, null)], "minimize")).toEqual([]));
});
