import { describe, expect, it } from "vitest";
import { decide, firstRunThreshold, stddev, type DecideInput } from "./decide";

const base: DecideInput = { values: [0.99], best: 1.0, goal: "minimize", sigma: null, bestRuns: 1, minImprovement: 0, maxRuns: 2, withinNoise: "rerun" };

describe("decide", () => {
  it("keeps any improvement when the noise is unmeasured and there is no floor (autoresearch's rule)", () => {
    expect(decide(base)).toMatchObject({ decision: "kept", delta: expect.closeTo(0.01, 9), runs: 1, bestRuns: 1 });
  });
  it("discards equal or worse", () => {
    expect(decide({ ...base, values: [1.0] })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("equal to") });
    expect(decide({ ...base, values: [1.2] })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("worse") });
  });
  it("respects the goal", () => {
    expect(decide({ ...base, goal: "maximize", values: [1.1] }).decision).toBe("kept");
    expect(decide({ ...base, goal: "maximize", values: [0.9] }).decision).toBe("discarded");
  });
  it("judges a gain against the noise of a difference of means: 2σ·√(1/n + 1/m)", () => {
    const noisy = { ...base, sigma: 0.01, bestRuns: 3 };
    // n = 1, m = 3: threshold 2·0.01·√(4/3) = 0.0231
    expect(decide({ ...noisy, values: [0.975] })).toMatchObject({ decision: "kept", reason: expect.stringContaining("the best 1.000 (3 runs)") });
    expect(decide({ ...noisy, values: [0.978] })).toMatchObject({ decision: "rerun", reason: expect.stringContaining("under the threshold 0.02309") });
    // The same gain against a best measured once: threshold 2·0.01·√2 = 0.0283; a rule of 2σ/√n alone would keep it.
    expect(decide({ ...noisy, bestRuns: 1, values: [0.975] }).decision).toBe("rerun");
    // n = 2, m = 3: threshold 2·0.01·√(1/2 + 1/3) = 0.0183
    expect(decide({ ...noisy, values: [0.98, 0.98] })).toMatchObject({ decision: "kept", runs: 2, bestRuns: 3, reason: expect.stringContaining("mean of 2 runs") });
    expect(decide({ ...noisy, values: [0.985, 0.985] })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("within the noise") });
  });
  it("says what each decision rested on: n, m, σ, the threshold and the effect in standard errors", () => {
    const noisy = { ...base, sigma: 0.01, bestRuns: 3 };
    expect(decide({ ...noisy, values: [0.975] }).evidence).toEqual({ n: 1, m: 3, sigma: 0.01, threshold: expect.closeTo(0.02309, 4), effect: expect.closeTo(0.025 / (0.01 * Math.sqrt(4 / 3)), 6) });
    expect(decide({ ...base, minImprovement: 0.005 }).evidence).toEqual({ n: 1, m: 1, sigma: null, threshold: 0.005, effect: null });
  });
  it("runs a gain within the noise a fixed number of times and judges it once: no look between the first run and the last", () => {
    const noisy = { ...base, sigma: 0.01, bestRuns: 3, maxRuns: 4 };
    expect(decide({ ...noisy, values: [0.985] })).toMatchObject({ decision: "rerun", reason: expect.stringContaining("3 more times with other seeds, then judging the mean of 4") });
    // Runs 2 and 3 clear the threshold for their n, and still nothing is decided: that would be optional stopping.
    expect(decide({ ...noisy, values: [0.985, 0.95] })).toMatchObject({ decision: "rerun", reason: "run 2 of 4: judged on the mean once all have run" });
    expect(decide({ ...noisy, values: [0.985, 0.95, 0.95] }).decision).toBe("rerun");
    expect(decide({ ...noisy, values: [0.985, 0.95, 0.95, 0.99] })).toMatchObject({ decision: "kept", runs: 4 });
    expect(decide({ ...noisy, values: [0.985, 1.02, 1.02, 1.02] })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("worse than the best 1.000 (3 runs)") });
  });
  it("leaves a gain still within the noise after its runs to a human when the policy is ask", () => {
    const noisy = { ...base, sigma: 0.01, bestRuns: 3, withinNoise: "ask" as const };
    expect(decide({ ...noisy, values: [0.985] }).decision).toBe("rerun"); // runs left: the seed speaks first
    expect(decide({ ...noisy, values: [0.99, 1.0] })).toMatchObject({ decision: "ask", delta: expect.closeTo(0.005, 9), reason: expect.stringContaining("a human keeps or discards it") });
    expect(decide({ ...noisy, values: [0.98, 0.98] }).decision).toBe("kept"); // clear gains need no one
    expect(decide({ ...noisy, values: [1.01, 1.0] }).decision).toBe("discarded"); // so do losses
  });
  it("applies the workspace's floor when it is larger than the noise", () => {
    expect(decide({ ...base, minImprovement: 0.05, maxRuns: 1 })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("threshold 0.05") });
  });
  it("records the effect size in standard errors of the difference", () => {
    expect(decide({ ...base, sigma: 0.001, bestRuns: 1, values: [0.99] }).reason).toContain("(7.1 standard errors)");
  });
  it("gives the proposer the first run's threshold", () => {
    expect(firstRunThreshold(0.01, 3, 0)).toBeCloseTo(0.023094, 6);
    expect(firstRunThreshold(null, 3, 0.002)).toBe(0.002);
  });
});

describe("stddev", () => {
  it("is the sample standard deviation, null below two values", () => {
    expect(stddev([1])).toBeNull();
    expect(stddev([1, 3])).toBeCloseTo(Math.SQRT2, 9);
  });
});
