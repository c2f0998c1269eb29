import { describe, expect, it } from "vitest";
import { decideOutcome, logTailLines, type RunObservation } from "./outcome";

const base: RunObservation = {
  spawnError: null,
  exitCode: 0,
  signal: null,
  timedOut: false,
  cancelled: false,
  timeoutSeconds: 600,
  sawFail: false,
  summaryEntries: [{ key: "val_bpb", raw: "0.997900", value: 0.9979 }],
  metricName: "val_bpb",
  commandLabel: "uv run train.py",
};

describe("decideOutcome", () => {
  it.each<[string, string, Partial<RunObservation>]>([
    ["a clean exit with the metric", "finished", {}],
    ["a cancel, whatever else happened", "cancelled", { cancelled: true, exitCode: null, signal: "SIGTERM" }],
    ["a timeout", "timed_out", { timedOut: true, exitCode: null, signal: "SIGKILL" }],
    ["FAIL and exit 1", "diverged", { sawFail: true, exitCode: 1 }],
    ["a non-zero exit", "crashed", { exitCode: 1, summaryEntries: [] }],
    ["a non-zero exit even with a metric", "crashed", { exitCode: 2 }],
    ["death by a signal", "crashed", { exitCode: null, signal: "SIGSEGV" }],
    ["exit 0 without the metric", "crashed", { summaryEntries: [] }],
    ["a command that could not start", "crashed", { spawnError: 'command not found: "uv"', exitCode: null }],
  ])("%s → %s", (_, outcome, over) => {
    expect(decideOutcome({ ...base, ...over }).outcome).toBe(outcome);
  });

  it("says a run stopped for its output was stopped by the log limit, not killed by a signal or timed out", () => {
    const d = decideOutcome({ ...base, exitCode: null, signal: "SIGTERM", timedOut: true, logLimitReached: true, maxLogMb: 256 });
    expect(d.outcome).toBe("crashed");
    expect(d.reason).toMatch(/^stopped after writing 256 MB of output.*sandbox\.maxLogMb in overseer\.json$/);
  });

  it("records the metric of a finished run", () => {
    expect(decideOutcome(base)).toEqual({ outcome: "finished", reason: "val_bpb = 0.997900", metricValue: 0.9979 });
  });

  it("says which metric was missing and how to fix it", () => {
    expect(decideOutcome({ ...base, summaryEntries: [] }).reason).toMatch(/no "val_bpb:" line.*metric\.name/);
  });

  it("refuses a metric printed twice with different values", () => {
    const d = decideOutcome({ ...base, summaryEntries: [...base.summaryEntries, { key: "val_bpb", raw: "0.5", value: 0.5 }] });
    expect(d.outcome).toBe("crashed");
    expect(d.metricValue).toBeNull();
    expect(d.reason).toContain("printed 2 times with different values (0.997900, 0.5)");
  });

  it("accepts a metric printed twice with the same value", () => {
    const d = decideOutcome({ ...base, summaryEntries: [...base.summaryEntries, { key: "val_bpb", raw: "0.9979", value: 0.9979 }] });
    expect(d).toMatchObject({ outcome: "finished", metricValue: 0.9979 });
  });

  it("refuses a metric that is not a number", () => {
    expect(decideOutcome({ ...base, summaryEntries: [{ key: "val_bpb", raw: "nan", value: null }] })).toMatchObject({ outcome: "crashed", metricValue: null });
  });
});

describe("logTailLines", () => {
  it("shows each \\r record line as a terminal would: its last record", () => {
    expect(logTailLines("a\n\rstep 1 | x\rstep 2 | x   \nb\n", 10)).toEqual(["a", "step 2 | x   ", "b"]);
  });
  it("keeps the last n lines", () => {
    expect(logTailLines("1\n2\n3\n4", 2)).toEqual(["3", "4"]);
  });
});
