/**
 * An experiment's lifecycle as one pure transition function; the loop applies events only through it, and
 * the UI asks it which actions are legal (Approve shows only where `approved` is legal).
 */
import type { ExperimentStatus } from "./types";

export type ExperimentOutcome = "kept" | "discarded" | "crashed" | "diverged" | "oom" | "timed_out" | "tampered";

export type ExperimentEvent =
  | { type: "gate_passed" }
  | { type: "approval_requested" }
  | { type: "gate_blocked" }
  | { type: "approved" }
  | { type: "rejected" }
  /** A human edited the candidate before approving it: it is built and gated again. */
  | { type: "edited" }
  /** Approved, then rebuilt on a newer best into a diff the gate finds riskier: the approval does not carry over. */
  | { type: "reapproval_requested" }
  | { type: "proposal_failed" }
  | { type: "run_started" }
  | { type: "decided"; outcome: ExperimentOutcome }
  /** Its gain is within the noise and the session's policy asks a human to keep or discard it. */
  | { type: "decision_requested" }
  /** The loop died while it ran: it will run again. */
  | { type: "requeued" }
  /** It beat the best at its start, but another experiment was kept while it ran: it runs again on the new best. */
  | { type: "rebased" }
  /** The session was stopped before it ended. */
  | { type: "interrupted" }
  /** Its session resumed: it goes back to where it was when interrupted (`from`); one that ran runs again. */
  | { type: "resumed"; from: ExperimentStatus };

export class IllegalExperimentTransition extends Error {
  constructor(
    readonly status: ExperimentStatus,
    readonly event: ExperimentEvent["type"],
  ) {
    super(`an experiment that is ${status} cannot take the event ${event}`);
  }
}

const OPEN: readonly ExperimentStatus[] = ["proposed", "awaiting_approval", "approved", "running", "awaiting_decision"];

export function nextExperimentStatus(status: ExperimentStatus, event: ExperimentEvent): ExperimentStatus {
  const from = (...allowed: ExperimentStatus[]) => allowed.includes(status);
  switch (event.type) {
    case "gate_passed":
      if (from("proposed")) return "approved";
      break;
    case "approval_requested":
      if (from("proposed")) return "awaiting_approval";
      break;
    case "gate_blocked":
      if (from("proposed")) return "rejected";
      break;
    case "approved":
      if (from("awaiting_approval")) return "approved";
      break;
    case "rejected":
      if (from("awaiting_approval")) return "rejected";
      break;
    case "edited":
      if (from("awaiting_approval")) return "proposed";
      break;
    case "reapproval_requested":
      if (from("approved")) return "awaiting_approval";
      break;
    case "proposal_failed":
      // approved too: its edits may no longer apply once a newer experiment moved the best
      if (from("proposed", "approved")) return "proposal_failed";
      break;
    case "run_started":
      if (from("approved")) return "running";
      break;
    case "decided":
      if (from("running")) return event.outcome;
      if (from("awaiting_decision") && (event.outcome === "kept" || event.outcome === "discarded")) return event.outcome;
      break;
    case "decision_requested":
      if (from("running")) return "awaiting_decision";
      break;
    case "requeued":
      if (from("running")) return "approved";
      break;
    case "rebased":
      if (from("running", "awaiting_decision")) return "approved";
      break;
    case "interrupted":
      if (OPEN.includes(status)) return "interrupted";
      break;
    case "resumed":
      if (from("interrupted") && OPEN.includes(event.from)) return event.from === "running" ? "approved" : event.from;
      break;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
  throw new IllegalExperimentTransition(status, event.type);
}

export function isExperimentOpen(status: ExperimentStatus): boolean {
  return OPEN.includes(status);
}

export function canApprove(status: ExperimentStatus): boolean {
  return status === "awaiting_approval";
}

/** Waits for a human's keep or discard (a gain within the noise). */
export function canKeepOrDiscard(status: ExperimentStatus): boolean {
  return status === "awaiting_decision";
}

/** A human is needed: to approve a candidate, or to keep or discard a result within the noise. */
export function needsHumanNow(status: ExperimentStatus): boolean {
  return canApprove(status) || canKeepOrDiscard(status);
}
