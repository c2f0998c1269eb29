/**
 * The research loop's policy as one pure function: given what the session looks like now, what the loop does
 * next. The rule is "never idle": candidates waiting for a human (an approval, a keep or discard) never hold up
 * the rest; the GPUs run whatever may run, and the proposer keeps preparing more. Once `maxWaiting` candidates
 * wait, it is asked only for changes that run unattended; one more that needed a human after all, and it stops. runner/loop/engine.ts reads the view, asks, and acts.
 */
import type { ExperimentStatus } from "./types";

export interface ExperimentOutline {
  id: number;
  idx: number;
  kind: "baseline" | "proposal" | "fix" | string;
  status: ExperimentStatus;
  /** A human's keep or discard has been recorded and waits to be applied. */
  hasVerdict: boolean;
  /** Its run is going on in this process. */
  inFlight: boolean;
  reason?: string | null;
}

export interface SchedulerView {
  requested: "stop" | "pause" | null;
  paused: boolean;
  /** The session paused itself (failed proposals) and the process is to exit once idle (headless). */
  exitWhenIdlePaused: boolean;
  manualProposer: boolean;
  maxExperiments: number | null;
  /**
   * Candidates that may wait for a human before the proposer is asked only for changes that run unattended;
   * one more than that (such a change that needed a human after all) and nothing more is proposed.
   */
  maxWaiting: number;
  experiments: readonly ExperimentOutline[];
  slots: { total: number; free: number };
  /** A proposal is being prepared. */
  proposing: boolean;
  /** The proposer has nothing more to try (why), or cannot go on (fatal). */
  exhausted: string | null;
  fatal: string | null;
  /** A stop condition met (core/stop-conditions), or null. */
  stopCondition: string | null;
}

export type LoopAction =
  /** Start an approved experiment on `slots` free slots (the baseline takes all of them). */
  | { kind: "start"; experimentId: number; slots: number }
  /** Build and gate a proposed experiment. */
  | { kind: "build"; experimentId: number }
  /** Apply a human's keep or discard. */
  | { kind: "apply_verdict"; experimentId: number }
  /** An experiment recorded as running that no run of this process holds: run it again. */
  | { kind: "requeue"; experimentId: number }
  /**
   * Ask the proposer for the next candidate; the loop goes on while it thinks. With the human's queue full
   * (`queueFull`), it is asked for a change that runs unattended.
   */
  | { kind: "propose"; queueFull: boolean }
  /** Nothing to do until a run ends, the proposal arrives, or a human acts (poll). */
  | { kind: "wait"; why: string }
  | { kind: "mark_paused" }
  | { kind: "resume" }
  /** Leave the process, the session left as it is (paused). */
  | { kind: "exit" }
  | { kind: "finish"; status: "stopped" | "finished" | "failed"; reason: string };

const OPEN: readonly ExperimentStatus[] = ["proposed", "awaiting_approval", "approved", "running", "awaiting_decision"];

/** Waiting for a human: an approval, or a keep or discard not yet given. */
export const waitsForHuman = (e: ExperimentOutline) => e.status === "awaiting_approval" || (e.status === "awaiting_decision" && !e.hasVerdict);

export function decideNext(v: SchedulerView): LoopAction {
  const inFlight = v.experiments.filter((e) => e.inFlight).length;
  const busy = inFlight > 0 || v.proposing;
  if (v.requested === "stop") return inFlight ? { kind: "wait", why: "stopping: the runs in flight are being cancelled" } : { kind: "finish", status: "stopped", reason: "stopped by a human" };
  if (v.requested === "pause") {
    if (!v.paused && !busy) return { kind: "mark_paused" };
    if (v.paused && v.exitWhenIdlePaused && !busy) return { kind: "exit" };
    return { kind: "wait", why: busy ? "pausing: what is in flight finishes first" : "paused" };
  }
  if (v.paused) return { kind: "resume" };
  if (v.fatal) return busy ? { kind: "wait", why: "the proposer cannot go on: what is in flight finishes first" } : { kind: "finish", status: "failed", reason: v.fatal };

  const baseline = v.experiments.find((e) => e.kind === "baseline");
  if (baseline && !OPEN.includes(baseline.status) && baseline.status !== "kept")
    return { kind: "finish", status: "failed", reason: `the baseline ${baseline.status}: fix the unmodified code first (${baseline.reason?.split("\n")[0] ?? ""})` };

  const idle = idleOpen(v);
  for (const e of idle) {
    if (e.status === "approved") {
      const needs = slotsFor(v, e);
      if (v.slots.free >= needs && mayStart(v, e)) return { kind: "start", experimentId: e.id, slots: needs };
    } else if (e.status === "proposed") return { kind: "build", experimentId: e.id };
    else if (e.status === "awaiting_decision" && e.hasVerdict) return { kind: "apply_verdict", experimentId: e.id };
    else if (e.status === "running") return { kind: "requeue", experimentId: e.id };
  }

  const waiting = v.experiments.filter(waitsForHuman).length;
  const ready = idle.filter((e) => e.status === "approved").length;
  const proposals = v.experiments.filter((e) => e.kind !== "baseline").length;
  const done = v.stopCondition ?? v.exhausted;
  if (done && !v.proposing) {
    if (inFlight) return { kind: "wait", why: `${done}: the runs in flight finish first` };
    if (waiting) return { kind: "wait", why: `${done}: ${waiting} candidate${waiting > 1 ? "s wait" : " waits"} for a human` };
    return { kind: "finish", status: "finished", reason: done };
  }
  const mayPropose =
    !v.proposing &&
    !done &&
    !v.manualProposer &&
    (v.maxExperiments === null || proposals < v.maxExperiments) &&
    waiting <= v.maxWaiting &&
    // One candidate ready per free slot, or one prepared ahead while every slot trains.
    ready < Math.max(v.slots.free, 1);
  if (mayPropose) return { kind: "propose", queueFull: waiting >= v.maxWaiting };
  if (v.proposing) return { kind: "wait", why: "the proposer is preparing the next candidate" };
  if (waiting > v.maxWaiting) return { kind: "wait", why: `${waiting} candidates wait for a human (maxWaiting ${v.maxWaiting})` };
  if (v.manualProposer) return { kind: "wait", why: "waiting for a proposal from a human" };
  return { kind: "wait", why: inFlight ? "every slot is training" : "waiting" };
}

const idleOpen = (v: SchedulerView) => v.experiments.filter((e) => OPEN.includes(e.status) && !e.inFlight).sort((a, b) => a.idx - b.idx);
const slotsFor = (v: SchedulerView, e: ExperimentOutline) => (e.kind === "baseline" ? v.slots.total : 1);
/** The baseline goes first and alone: every candidate is measured against it. */
const mayStart = (v: SchedulerView, e: ExperimentOutline) => {
  const baseline = v.experiments.find((x) => x.kind === "baseline");
  return e.kind === "baseline" || baseline === undefined || !OPEN.includes(baseline.status);
};

/**
 * How many slots the session waits for: those its next approved experiment needs (0 when none may start, or the
 * session is stopping or paused). It holds the session's place in line for slots shared with other work.
 */
export function slotDemand(v: SchedulerView): number {
  if (v.requested || v.paused || v.fatal) return 0;
  const next = idleOpen(v).find((e) => e.status === "approved" && mayStart(v, e));
  return next ? slotsFor(v, next) : 0;
}
