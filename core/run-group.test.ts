import { expect, test } from "vitest";
import { runGroup, runGroupText } from "./run-group";

test.each([
  [[1, 2, 3], { n: 3, mean: 2, std: 1, values: [1, 2, 3] }],
  [[1.5, null, 2.5, Number.NaN], { n: 2, mean: 2, std: Math.SQRT1_2, values: [1.5, 2.5] }],
  [[1], null],
  [[null, 1], null],
  [[], null],
])("runGroup(%j)", (values, expected) => {
  const g = runGroup(values);
  if (expected === null) expect(g).toBeNull();
  else {
    expect(g!.n).toBe(expected.n);
    expect(g!.mean).toBeCloseTo(expected.mean);
    expect(g!.std).toBeCloseTo(expected.std);
    expect(g!.values).toEqual(expected.values);
  }
});

test("runGroupText", () => expect(runGroupText(runGroup([3.4, 3.42, 3.44])!)).toBe("3.42 ± 0.02 (3 runs)"));
