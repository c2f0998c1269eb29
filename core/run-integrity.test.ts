import { describe, expect, it } from "vitest";
import { LogParser } from "./log-parser";
import { SummaryWatch, timingSuspicions, timingSlackSeconds } from "./run-integrity";

function watched(log: string): string[] {
  const p = new LogParser();
  const w = new SummaryWatch("val_bpb");
  for (const e of [...p.feed(log), ...p.end()]) w.see(e);
  return w.suspicions();
}

describe("SummaryWatch", () => {
  it("trusts autoresearch's own shape: records, then one summary at the end", () => {
    expect(watched("\rstep 00000 (0.0%) | loss: 3.1 | remaining: 1s   \rstep 00001 (1.0%) | loss: 3.0 | remaining: 1s   \n---\nval_bpb:          1.0\ntraining_seconds: 1.0\n")).toEqual([]);
  });
  it("counts a '---' glued to the last record, a JSON summary and a repeated metric", () => {
    expect(watched("\rstep 00001 (1.0%) | loss: 3.0    ---\n\n---\nval_bpb: 1.0\n")).toEqual([expect.stringMatching(/printed 2 times/)]);
    expect(watched('{"summary": {"val_bpb": 1.0}}\n---\nval_bpb: 1.0\nval_bpb: 1.0\n')).toEqual([expect.stringMatching(/printed 2 times/), "val_bpb was printed 3 times in the summary"]);
  });
  it("names a metric line outside the summary and records after it", () => {
    expect(watched("val_bpb: 0.1\n---\nval_bpb: 1.0\nstep 00002 (5.0%) | loss: 2.0\n")).toEqual([
      '"val_bpb: 0.1" was printed outside the summary',
      "1 progress record came after the summary: it was not printed at the end",
    ]);
  });
});

describe("timingSuspicions", () => {
  const base = { wallMs: 330_000, firstProgressMs: 20_000, lastProgressMs: 318_000, budgetSeconds: 300, tolerance: 0.1 };
  const summary = (s: number) => [{ key: "training_seconds", raw: String(s), value: s }];
  it("accepts autoresearch's H100 baseline (300.1 s reported, 325.9 s in all)", () => {
    expect(timingSuspicions({ ...base, summary: summary(300.1) })).toEqual([]);
    expect(timingSlackSeconds(300)).toBe(10);
  });
  it("suspects time reported short of the wall clock, longer than the run, or past the budget", () => {
    expect(timingSuspicions({ ...base, summary: summary(150) })).toEqual([expect.stringMatching(/trained for 298\.0 s by the wall clock .* reported training_seconds 150\.0/)]);
    expect(timingSuspicions({ ...base, wallMs: 100_000, firstProgressMs: null, lastProgressMs: null, summary: summary(300) })).toEqual([
      expect.stringMatching(/more than the 100\.0 s the run lasted/),
    ]);
    expect(timingSuspicions({ ...base, wallMs: 700_000, lastProgressMs: 640_000, summary: summary(620) })).toEqual([expect.stringMatching(/past the 300 s budget/)]);
  });
  it("takes a stall of the runner off the span of the records it read late", () => {
    const stalledRun = { ...base, wallMs: 33_000, firstProgressMs: 500, lastProgressMs: 30_500, budgetSeconds: 3, summary: summary(3) };
    expect(timingSuspicions(stalledRun)).toEqual([expect.stringMatching(/trained for 30\.0 s by the wall clock/), expect.stringMatching(/past the 3 s budget/)]);
    expect(timingSuspicions({ ...stalledRun, runnerStalledMs: 27_500 })).toEqual([]);
    // Only the stall comes off: training past the budget beside it is still seen.
    expect(timingSuspicions({ ...stalledRun, lastProgressMs: 60_500, runnerStalledMs: 27_500 })).toEqual([expect.stringMatching(/trained for 32\.5 s/), expect.stringMatching(/past the 3 s budget/)]);
  });
});
