/**
 * A run's lifecycle as one pure transition function. The runner applies an event only through this (and
 * records it in the same transaction); the UI asks it which actions are legal.
 */
import type { RunOutcome, RunStatus } from "./types";

export type RunEvent =
  | { type: "run_started" }
  | { type: "run_ended"; outcome: RunOutcome }
  | { type: "run_cancelled" } // before it started
  | { type: "run_interrupted" }; // the runner died while it was in flight

export class IllegalTransition extends Error {
  constructor(
    readonly status: RunStatus,
    readonly event: RunEvent["type"],
  ) {
    super(`a run that is ${status} cannot take the event ${event}`);
  }
}

export function nextRunStatus(status: RunStatus, event: RunEvent): RunStatus {
  switch (event.type) {
    case "run_started":
      if (status === "queued") return "running";
      break;
    case "run_ended":
      if (status === "running") return event.outcome;
      break;
    case "run_cancelled":
      if (status === "queued") return "cancelled";
      break;
    case "run_interrupted":
      if (status === "running") return "interrupted";
      break;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
  throw new IllegalTransition(status, event.type);
}

export function isTerminal(status: RunStatus): boolean {
  return status !== "queued" && status !== "running";
}

/** Whether a human may ask to stop this run (a queued run is cancelled at once, a running one is killed). */
export function canCancel(status: RunStatus): boolean {
  return status === "queued" || status === "running";
}
