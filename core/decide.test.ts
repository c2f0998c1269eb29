import { describe, expect, it } from "vitest";
import { decide, stddev, type DecideInput } from "./decide";

const base: DecideInput = { values: [0.99], best: 1.0, goal: "minimize", sigma: null, minImprovement: 0, maxRuns: 2, withinNoise: "rerun" };

describe("decide", () => {
  it("keeps any improvement when the noise is unmeasured and there is no floor (autoresearch's rule)", () => {
    expect(decide(base)).toMatchObject({ decision: "kept", delta: expect.closeTo(0.01, 9) });
  });
  it("discards equal or worse", () => {
    expect(decide({ ...base, values: [1.0] })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("equal to") });
    expect(decide({ ...base, values: [1.2] })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("worse") });
  });
  it("respects the goal", () => {
    expect(decide({ ...base, goal: "maximize", values: [1.1] }).decision).toBe("kept");
    expect(decide({ ...base, goal: "maximize", values: [0.9] }).decision).toBe("discarded");
  });
  it("re-runs a gain under 2σ, then judges the mean against a threshold that shrinks with √n", () => {
    const noisy = { ...base, sigma: 0.01, values: [0.985] }; // gain 0.015 < 2σ = 0.02
    expect(decide(noisy)).toMatchObject({ decision: "rerun", reason: expect.stringContaining("another seed") });
    // two runs: threshold 0.02/√2 = 0.0141; the mean gain 0.015 clears it
    expect(decide({ ...noisy, values: [0.985, 0.985] })).toMatchObject({ decision: "kept", reason: expect.stringContaining("mean of 2 runs") });
    // two runs with a mean gain of 0.005: within the noise, discarded at the run limit
    expect(decide({ ...noisy, values: [0.99, 1.0] })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("within the noise") });
  });
  it("leaves a gain still within the noise after its runs to a human when the policy is ask", () => {
    const noisy = { ...base, sigma: 0.01, withinNoise: "ask" as const };
    expect(decide({ ...noisy, values: [0.985] }).decision).toBe("rerun"); // runs left: the seed speaks first
    expect(decide({ ...noisy, values: [0.99, 1.0] })).toMatchObject({ decision: "ask", delta: expect.closeTo(0.005, 9), reason: expect.stringContaining("a human keeps or discards it") });
    expect(decide({ ...noisy, values: [0.985, 0.985] }).decision).toBe("kept"); // clear gains need no one
    expect(decide({ ...noisy, values: [1.01, 1.0] }).decision).toBe("discarded"); // so do losses
  });
  it("applies the workspace's floor when it is larger than the noise", () => {
    expect(decide({ ...base, minImprovement: 0.05, maxRuns: 1 })).toMatchObject({ decision: "discarded", reason: expect.stringContaining("threshold 0.05") });
  });
  it("records the effect size in σ", () => {
    expect(decide({ ...base, sigma: 0.001, values: [0.99] }).reason).toContain("(10.0σ)");
  });
});

describe("stddev", () => {
  it("is the sample standard deviation", () => {
    expect(stddev([1])).toBeNull();
    expect(stddev([1, 3])).toBeCloseTo(Math.SQRT2, 12);
  });
});
