import { describe, expect, it } from "vitest";
import { smoothEma } from "./smoothing";

const pts = (values: number[]) => values.map((value, step) => ({ step, value }));

describe("smoothEma", () => {
  it("leaves the series alone at weight 0", () => {
    expect(smoothEma(pts([3, 1, 2]), 0)).toEqual(pts([3, 1, 2]));
  });
  it("is debiased: a constant series stays constant from the first point", () => {
    expect(smoothEma(pts([2, 2, 2]), 0.9).map((p) => p.value)).toEqual([2, 2, 2].map((v) => expect.closeTo(v, 12)));
  });
  it("follows TensorBoard's formula", () => {
    // last = 0.5·0 + 0.5·4 = 2 → 2/(1−0.5) = 4; last = 0.5·2 + 0.5·0 = 1 → 1/(1−0.25) = 4/3
    expect(smoothEma(pts([4, 0]), 0.5).map((p) => p.value)).toEqual([4, expect.closeTo(4 / 3, 12)]);
  });
  it("skips values that are not finite instead of poisoning the rest", () => {
    expect(smoothEma(pts([1, Number.NaN, 1]), 0.5).map((p) => p.value)).toEqual([1, Number.NaN, expect.closeTo(1, 12)]);
  });
});
