import { describe, expect, it } from "vitest";
import { isSessionEnded, sessionStats } from "./session-stats";

describe("sessionStats", () => {
  it("counts proposals by outcome, the keep rate and the gain over the baseline", () => {
    const s = sessionStats(
      [
        { kind: "baseline", status: "kept", metricValue: 2 },
        { kind: "proposal", status: "kept", metricValue: 1.5 },
        { kind: "proposal", status: "discarded", metricValue: 2.1 },
        { kind: "proposal", status: "diverged", metricValue: null },
        { kind: "fix", status: "rejected", metricValue: null },
      ],
      1.5,
    );
    expect(s).toEqual({ proposals: 4, kept: 1, discarded: 1, crashed: 1, keepRate: 0.5, baseline: 2, gain: 0.5, gainPercent: 25 });
  });
  it("has no keep rate or gain before there is anything to measure", () => {
    expect(sessionStats([], null)).toMatchObject({ proposals: 0, keepRate: null, baseline: null, gain: null, gainPercent: null });
  });
  it("knows which session statuses are ended", () => {
    expect((["queued", "running", "paused", "stopped", "finished", "failed"] as const).filter(isSessionEnded)).toEqual(["stopped", "finished", "failed"]);
  });
});
