import { describe, expect, it } from "vitest";
import { decideNext, slotDemand, type ExperimentOutline, type LoopAction, type SchedulerView } from "./loop-scheduler";

const exp = (idx: number, status: ExperimentOutline["status"], more: Partial<ExperimentOutline> = {}): ExperimentOutline => ({
  id: 100 + idx,
  idx,
  kind: idx === 0 ? "baseline" : "proposal",
  status,
  hasVerdict: false,
  inFlight: false,
  ...more,
});
const kept = exp(0, "kept");
const view = (more: Partial<SchedulerView>): SchedulerView => ({
  requested: null,
  paused: false,
  exitWhenIdlePaused: false,
  manualProposer: false,
  maxExperiments: null,
  maxWaiting: 3,
  experiments: [kept],
  slots: { total: 1, free: 1 },
  proposing: false,
  exhausted: null,
  fatal: null,
  stopCondition: null,
  ...more,
});

const cases: [string, Partial<SchedulerView>, LoopAction | LoopAction["kind"]][] = [
  // Starting
  ["a new session runs its baseline first", { experiments: [exp(0, "approved")] }, { kind: "start", experimentId: 100, slots: 1 }],
  ["the baseline takes every slot at once", { experiments: [exp(0, "approved")], slots: { total: 4, free: 4 } }, { kind: "start", experimentId: 100, slots: 4 }],
  ["the baseline waits until every slot is free", { experiments: [exp(0, "approved")], slots: { total: 4, free: 3 } }, "propose"],
  ["while the baseline trains, the first proposal is prepared", { experiments: [exp(0, "running", { inFlight: true })], slots: { total: 1, free: 0 } }, "propose"],
  ["a candidate approved during the baseline waits for it, even with a slot free", { experiments: [exp(0, "running", { inFlight: true }), exp(1, "approved")], slots: { total: 2, free: 1 } }, "wait"],
  [
    "a failed baseline fails the session, with its reason",
    { experiments: [exp(0, "crashed", { reason: "exit 1\ntail" })] },
    { kind: "finish", status: "failed", reason: "the baseline crashed: fix the unmodified code first (exit 1)" },
  ],
  // Never idle for a human
  ["an approval pending while the GPU is free: propose more", { experiments: [kept, exp(1, "awaiting_approval")] }, "propose"],
  [
    "two waiting, one approved behind them: the approved one starts",
    { experiments: [kept, exp(1, "awaiting_approval"), exp(2, "awaiting_decision"), exp(3, "approved")] },
    { kind: "start", experimentId: 103, slots: 1 },
  ],
  [
    "the queue of waiting candidates full: the proposer is asked for a change that runs unattended",
    { experiments: [kept, exp(1, "awaiting_approval"), exp(2, "awaiting_approval"), exp(3, "awaiting_decision")] },
    { kind: "propose", queueFull: true },
  ],
  ["past the full queue (an unattended change needed a human after all): nothing more is proposed", { experiments: [kept, ...[1, 2, 3, 4].map((i) => exp(i, "awaiting_approval"))] }, "wait"],
  ["below the full queue the proposer is asked freely", { experiments: [kept, exp(1, "awaiting_approval"), exp(2, "awaiting_approval")] }, { kind: "propose", queueFull: false }],
  [
    "the queue full still runs what is approved",
    { experiments: [kept, exp(1, "awaiting_approval"), exp(2, "awaiting_approval"), exp(3, "awaiting_approval"), exp(4, "approved")] },
    { kind: "start", experimentId: 104, slots: 1 },
  ],
  [
    "a larger maxWaiting lets it propose freely past three",
    { maxWaiting: 5, experiments: [kept, exp(1, "awaiting_approval"), exp(2, "awaiting_approval"), exp(3, "awaiting_approval")] },
    { kind: "propose", queueFull: false },
  ],
  [
    "a human's verdict arriving mid-run is applied at once",
    { experiments: [kept, exp(1, "running", { inFlight: true }), exp(2, "awaiting_decision", { hasVerdict: true })], slots: { total: 1, free: 0 } },
    { kind: "apply_verdict", experimentId: 102 },
  ],
  [
    "a proposal recorded while the GPU trains is built and gated meanwhile",
    { experiments: [kept, exp(1, "running", { inFlight: true }), exp(2, "proposed")], slots: { total: 1, free: 0 } },
    { kind: "build", experimentId: 102 },
  ],
  ["one candidate prepared ahead while every slot trains, not more", { experiments: [kept, exp(1, "running", { inFlight: true }), exp(2, "approved")], slots: { total: 1, free: 0 } }, "wait"],
  ["two free slots: one candidate ready for each", { experiments: [kept, exp(1, "approved")], slots: { total: 2, free: 2 } }, { kind: "start", experimentId: 101, slots: 1 }],
  ["an experiment left running by a dead loop runs again", { experiments: [kept, exp(1, "running")] }, { kind: "requeue", experimentId: 101 }],
  // Stopping
  ["a stop with runs in flight waits for them to be cancelled", { requested: "stop", experiments: [kept, exp(1, "running", { inFlight: true })], slots: { total: 1, free: 0 } }, "wait"],
  ["a stop with nothing in flight finishes the session", { requested: "stop", experiments: [kept, exp(1, "awaiting_approval")] }, { kind: "finish", status: "stopped", reason: "stopped by a human" }],
  [
    "the experiment limit with a proposal pending: the proposal comes first",
    { maxExperiments: 2, stopCondition: "reached 2 experiments", proposing: true, experiments: [kept, exp(1, "kept"), exp(2, "kept")] },
    "wait",
  ],
  [
    "the experiment limit reached while a run trains: it finishes first",
    { maxExperiments: 1, stopCondition: "reached 1 experiments", experiments: [kept, exp(1, "running", { inFlight: true })], slots: { total: 1, free: 0 } },
    "wait",
  ],
  [
    "the experiment limit reached with a candidate awaiting approval: the human decides it first",
    { maxExperiments: 1, stopCondition: "reached 1 experiments", experiments: [kept, exp(1, "awaiting_approval")] },
    "wait",
  ],
  [
    "the limit reached and everything decided: finished",
    { maxExperiments: 1, stopCondition: "reached 1 experiments", experiments: [kept, exp(1, "discarded")] },
    { kind: "finish", status: "finished", reason: "reached 1 experiments" },
  ],
  [
    "below the limit, a pending proposal counts: no second one",
    { maxExperiments: 2, proposing: true, experiments: [kept, exp(1, "running", { inFlight: true })], slots: { total: 1, free: 0 } },
    "wait",
  ],
  [
    "the proposer exhausted: what is open finishes, then the session",
    { exhausted: "nothing more to try", experiments: [kept, exp(1, "discarded")] },
    { kind: "finish", status: "finished", reason: "nothing more to try" },
  ],
  ["the proposer exhausted with an approved candidate: it still runs", { exhausted: "nothing more to try", experiments: [kept, exp(1, "approved")] }, { kind: "start", experimentId: 101, slots: 1 }],
  ["a fatal proposer failure with a run in flight waits for it", { fatal: "the key was refused", experiments: [kept, exp(1, "running", { inFlight: true })], slots: { total: 1, free: 0 } }, "wait"],
  ["a fatal proposer failure, nothing in flight: the session fails with its reason", { fatal: "the key was refused" }, { kind: "finish", status: "failed", reason: "the key was refused" }],
  // Pausing
  ["a pause with a run in flight lets it finish", { requested: "pause", experiments: [kept, exp(1, "running", { inFlight: true })], slots: { total: 1, free: 0 } }, "wait"],
  ["a pause with a proposal being prepared waits for it (its cost is recorded)", { requested: "pause", proposing: true }, "wait"],
  ["a pause, nothing in flight: paused", { requested: "pause" }, "mark_paused"],
  ["paused after N failed proposals, headless: the process exits once idle", { requested: "pause", paused: true, exitWhenIdlePaused: true }, "exit"],
  ["paused and still requested: nothing starts, even an approved candidate", { requested: "pause", paused: true, experiments: [kept, exp(1, "approved")] }, "wait"],
  ["the pause lifted: resume", { paused: true }, "resume"],
  // Manual proposer
  ["a manual session never asks a proposer: it waits for a human's proposal", { manualProposer: true }, "wait"],
  ["a manual session builds what a human proposed", { manualProposer: true, experiments: [kept, exp(1, "proposed")] }, { kind: "build", experimentId: 101 }],
];

describe("decideNext", () => {
  it.each(cases)("%s", (_name, v, expected) => {
    const action = decideNext(view(v));
    if (typeof expected === "string") expect(action.kind).toBe(expected);
    else expect(action).toEqual(expected);
  });

  it("never proposes once more than maxWaiting candidates wait, whatever else holds", () => {
    for (const free of [0, 1, 2]) {
      for (const proposing of [false, true]) {
        const waiting = [1, 2, 3, 4].map((i) => exp(i, i % 2 ? "awaiting_approval" : "awaiting_decision"));
        expect(decideNext(view({ experiments: [kept, ...waiting], slots: { total: 2, free }, proposing })).kind).not.toBe("propose");
      }
    }
  });
});

describe("slotDemand", () => {
  const demand: [string, Partial<SchedulerView>, number][] = [
    ["an approved baseline waits for every slot of the session", { experiments: [exp(0, "approved")], slots: { total: 4, free: 1 } }, 4],
    ["an approved candidate waits for one slot, even with none free", { experiments: [kept, exp(1, "approved")], slots: { total: 2, free: 0 } }, 1],
    ["nothing approved: no slot is held for the session", { experiments: [kept, exp(1, "awaiting_approval"), exp(2, "proposed")] }, 0],
    [
      "a candidate approved while the baseline trains waits for the baseline, not for a slot",
      { experiments: [exp(0, "running", { inFlight: true }), exp(1, "approved")], slots: { total: 2, free: 1 } },
      0,
    ],
    ["a paused session holds no slot", { paused: true, experiments: [kept, exp(1, "approved")] }, 0],
    ["a stopping session holds no slot", { requested: "stop", experiments: [kept, exp(1, "approved")] }, 0],
    ["a candidate in flight is not waiting", { experiments: [kept, exp(1, "approved", { inFlight: true })] }, 0],
  ];
  it.each(demand)("%s", (_name, v, expected) => expect(slotDemand(view(v))).toBe(expected));
});
