import { describe, expect, it } from "vitest";
import { describeEvidence, formatDelta, formatSeconds, formatTick, formatValue, loopProgressLine, niceTicks } from "./format";

describe("formatValue", () => {
  it("keeps six decimals for small values, trims trailing zeros, and says — for nothing", () => {
    expect(formatValue(0.9979)).toBe("0.9979");
    expect(formatValue(3.7835421)).toBe("3.783542");
    expect(formatValue(45060.2)).toBe("45060.2");
    expect(formatValue(null)).toBe("—");
    expect(formatValue(1e-5)).toBe("1.000e-5");
  });
});

describe("formatTick", () => {
  it("reads at four significant digits", () => {
    expect([3.787176, 3.782676, 0, 120.56, 1e-4, 2.5e7].map(formatTick)).toEqual(["3.787", "3.783", "0", "120.6", "1.0e-4", "2.5e+7"]);
  });
});

describe("formatSeconds", () => {
  it("says seconds, minutes, hours", () => {
    expect([5_000, 125_000, 7_380_000].map(formatSeconds)).toEqual(["5s", "2m 05s", "2h 03m"]);
  });
});

describe("describeEvidence", () => {
  it("says the runs, the noise, the threshold and the effect", () => {
    expect(describeEvidence({ n: 1, m: 3, sigma: 0.0084, threshold: 0.0194, effect: 3.14 }, "val_bpb")).toBe(
      "n 1 run · m 3 runs behind the best · σ 0.0084 · needed a gain of 0.0194 in val_bpb · effect +3.1 standard errors",
    );
    expect(describeEvidence({ n: 2, m: 1, sigma: null, threshold: 0.005, effect: null }, "acc")).toBe(
      "n 2 runs · m 1 run behind the best · σ not measured (one baseline run) · needed a gain of 0.005 in acc",
    );
    expect(describeEvidence({ n: 1, m: 1, sigma: 0.01, threshold: 0.03, effect: -0.5 }, "x")).toContain("effect −0.5 standard errors");
  });
});

describe("formatDelta", () => {
  it("says better or worse, not a raw difference whose sign depends on the goal", () => {
    expect(formatDelta(0.0312)).toBe("0.0312 better");
    expect(formatDelta(-0.004)).toBe("0.004 worse");
    expect(formatDelta(0)).toBe("no change");
  });
});

describe("loopProgressLine", () => {
  it("says the experiment, the budget used, the step, the loss and the best so far", () => {
    expect(loopProgressLine({ idx: 3, elapsedMs: 150_000, budgetSeconds: 300, step: 120, loss: 3.21, best: 3.18, metricName: "val_bpb" })).toBe(
      "#3 ████████░░░░░░░░  50%  step 120  loss 3.21  best val_bpb 3.18",
    );
    expect(loopProgressLine({ idx: 0, elapsedMs: 0, budgetSeconds: 300, step: null, loss: null, best: null, metricName: "val_bpb" })).toBe("#0 ░░░░░░░░░░░░░░░░   0%  step —  loss —  best val_bpb —");
  });
});

describe("niceTicks", () => {
  it.each([
    [3.659, 4.434, [3.6, 3.8, 4, 4.2, 4.4, 4.6]],
    [3.511, 3.686, [3.5, 3.55, 3.6, 3.65, 3.7]],
    [0, 10, [0, 2.5, 5, 7.5, 10]],
    [0.9712, 0.9841, [0.97, 0.975, 0.98, 0.985]],
    [2, 2, [1.9, 1.95, 2, 2.05, 2.1]],
    [3.65049, 3.6504900000000005, [3.65049, 3.6504900000000005]],
  ])("[%d, %d] → %j", (lo, hi, want) => {
    const ticks = niceTicks(lo, hi);
    expect(ticks).toEqual(want);
    expect(ticks[0]).toBeLessThanOrEqual(Math.min(lo, hi));
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(Math.max(lo, hi));
  });
  it("ends, with few ticks, however close, far or odd the ends are", () => {
    for (const [lo, hi] of [
      [3.6, 3.6 + 4e-16],
      [1e-300, 2e-300],
      [-1e300, 1e300],
      [0, 1e-320],
      [5, 4],
    ] as const)
      expect(niceTicks(lo, hi).length).toBeLessThanOrEqual(101);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });
});
