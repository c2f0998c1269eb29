import { describe, expect, it } from "vitest";
import { canApprove, canKeepOrDiscard, IllegalExperimentTransition, needsHumanNow, isExperimentOpen, nextExperimentStatus, type ExperimentEvent } from "./experiment-lifecycle";
import { EXPERIMENT_STATUSES, type ExperimentStatus } from "./types";

const EVENTS: ExperimentEvent[] = [
  { type: "gate_passed" },
  { type: "approval_requested" },
  { type: "gate_blocked" },
  { type: "approved" },
  { type: "rejected" },
  { type: "edited" },
  { type: "reapproval_requested" },
  { type: "proposal_failed" },
  { type: "run_started" },
  ...(["kept", "discarded", "crashed", "diverged", "oom", "timed_out", "tampered"] as const).map((outcome) => ({ type: "decided" as const, outcome })),
  { type: "decision_requested" },
  { type: "requeued" },
  { type: "rebased" },
  { type: "interrupted" },
  ...(["proposed", "awaiting_approval", "approved", "running", "awaiting_decision", "kept"] as const).map((from) => ({ type: "resumed" as const, from })),
];

const TABLE: Record<string, Partial<Record<ExperimentStatus, ExperimentStatus>>> = {
  gate_passed: { proposed: "approved" },
  approval_requested: { proposed: "awaiting_approval" },
  gate_blocked: { proposed: "rejected" },
  approved: { awaiting_approval: "approved" },
  rejected: { awaiting_approval: "rejected" },
  edited: { awaiting_approval: "proposed" },
  reapproval_requested: { approved: "awaiting_approval" },
  proposal_failed: { proposed: "proposal_failed", approved: "proposal_failed" },
  run_started: { approved: "running" },
  requeued: { running: "approved" },
  rebased: { running: "approved", awaiting_decision: "approved" },
  decision_requested: { running: "awaiting_decision" },
  interrupted: { proposed: "interrupted", awaiting_approval: "interrupted", approved: "interrupted", running: "interrupted", awaiting_decision: "interrupted" },
};

/** A run's outcome decides a running experiment; a human decides one awaiting a decision, only keep or discard. */
/** A resumed session puts an interrupted experiment back where it was; one that was running runs again. */
function resumedTo(status: ExperimentStatus, from: ExperimentStatus): ExperimentStatus | undefined {
  if (status !== "interrupted" || !isExperimentOpen(from)) return undefined;
  return from === "running" ? "approved" : from;
}

function decidedTo(status: ExperimentStatus, outcome: string): ExperimentStatus | undefined {
  if (status === "running") return outcome as ExperimentStatus;
  if (status === "awaiting_decision" && (outcome === "kept" || outcome === "discarded")) return outcome;
  return undefined;
}

describe("nextExperimentStatus", () => {
  for (const status of EXPERIMENT_STATUSES) {
    for (const e of EVENTS) {
      const want = e.type === "decided" ? decidedTo(status, e.outcome) : e.type === "resumed" ? resumedTo(status, e.from) : TABLE[e.type]?.[status];
      const arg = e.type === "decided" ? `(${e.outcome})` : e.type === "resumed" ? `(from ${e.from})` : "";
      it(`${status} + ${e.type}${arg} → ${want ?? "illegal"}`, () => {
        if (want) expect(nextExperimentStatus(status, e)).toBe(want);
        else expect(() => nextExperimentStatus(status, e)).toThrow(IllegalExperimentTransition);
      });
    }
  }
  it("knows which statuses are open and which can be approved", () => {
    expect(EXPERIMENT_STATUSES.filter(isExperimentOpen)).toEqual(["proposed", "awaiting_approval", "approved", "running", "awaiting_decision"]);
    expect(EXPERIMENT_STATUSES.filter(canApprove)).toEqual(["awaiting_approval"]);
    expect(EXPERIMENT_STATUSES.filter(canKeepOrDiscard)).toEqual(["awaiting_decision"]);
    expect(EXPERIMENT_STATUSES.filter(needsHumanNow)).toEqual(["awaiting_approval", "awaiting_decision"]);
  });
});
