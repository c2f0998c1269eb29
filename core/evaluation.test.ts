import { describe, expect, it } from "vitest";
import { summaryWithEvaluation, withEvaluation } from "./evaluation";

const base = { metricName: "val_bpb", evaluator: "node evaluate.mjs", tolerance: 0.001 };

describe("trusted evaluation's verdict", () => {
  it.each([
    ["agrees with what the run printed", { value: 2.5, times: 1 }, { ok: true as const, value: 2.5, raw: "2.500000" }, { outcome: "finished", metricValue: 2.5, reported: 2.5, suspicion: null }],
    ["agrees within the tolerance", { value: 2.5012, times: 1 }, { ok: true as const, value: 2.5, raw: "2.500000" }, { outcome: "finished", metricValue: 2.5, reported: 2.5012, suspicion: null }],
    [
      "replaces a forged value and says so",
      { value: 0.5, times: 1 },
      { ok: true as const, value: 2.5, raw: "2.500000" },
      { outcome: "finished", metricValue: 2.5, reported: 0.5, suspicion: "the run reported val_bpb 0.5, but Overseer's evaluation (node evaluate.mjs) gave 2.5" },
    ],
    ["scores a run that printed nothing", { value: null, times: 0 }, { ok: true as const, value: 2.5, raw: "2.500000" }, { outcome: "finished", metricValue: 2.5, reported: null, suspicion: null }],
    [
      "notes a metric printed twice with different values",
      { value: null, times: 2 },
      { ok: true as const, value: 2.5, raw: "2.500000" },
      { outcome: "finished", metricValue: 2.5, reported: null, suspicion: "the run printed val_bpb 2 times with different values" },
    ],
    [
      "is a crash when the evaluation fails",
      { value: 1.0, times: 1 },
      { ok: false as const, reason: "node evaluate.mjs exited with code 1" },
      { outcome: "crashed", metricValue: null, reported: 1.0, suspicion: null },
    ],
  ])("%s", (_what, printed, evaluation, expected) => {
    const r = withEvaluation({ ...base, printed, evaluation });
    expect({ outcome: r.decision.outcome, metricValue: r.decision.metricValue, reported: r.reported, suspicion: r.suspicion }).toEqual(expected);
  });
});

describe("summaryWithEvaluation", () => {
  it("shows what the evaluation printed over what training printed, and training's summary alone without one", () => {
    const printed = { val_bpb: { key: "val_bpb", raw: "0.5", value: 0.5 }, training_seconds: { key: "training_seconds", raw: "30.1", value: 30.1 } };
    expect(summaryWithEvaluation(printed, { val_bpb: "3.1", eval_seconds: "1.7" })).toEqual({
      val_bpb: { key: "val_bpb", raw: "3.1", value: 3.1 },
      training_seconds: printed.training_seconds,
      eval_seconds: { key: "eval_seconds", raw: "1.7", value: 1.7 },
    });
    expect(summaryWithEvaluation(null, { val_bpb: "nan?" })).toEqual({ val_bpb: { key: "val_bpb", raw: "nan?", value: null } });
    expect(summaryWithEvaluation(printed, null)).toBe(printed);
  });
});
