/**
 * A session's lifecycle as one pure transition function. Every status change of a session goes through it
 * (db/queries/sessions applySessionEvent writes the status and its event in one transaction), from the runner
 * and from the web alike; anything else about a session (a human's request, its best, its costs) is a patch.
 */
import type { SessionStatus } from "./types";

export type SessionEvent = "started" | "paused" | "resumed" | "stopped" | "finished" | "failed";

/** queued: asked for from the web; the ended ones (stopped, finished, failed) can be resumed. */
const NEXT: Record<SessionStatus, Partial<Record<SessionEvent, SessionStatus>>> = {
  queued: { started: "running", stopped: "stopped", failed: "failed" },
  running: { paused: "paused", stopped: "stopped", finished: "finished", failed: "failed" },
  paused: { resumed: "running", stopped: "stopped", finished: "finished", failed: "failed" },
  stopped: { resumed: "running" },
  finished: { resumed: "running" },
  failed: { resumed: "running" },
};

export class IllegalSessionTransition extends Error {
  constructor(
    readonly status: SessionStatus,
    readonly event: SessionEvent,
  ) {
    super(`a session that is ${status} cannot be ${event}`);
  }
}

export function nextSessionStatus(status: SessionStatus, event: SessionEvent): SessionStatus {
  const next = NEXT[status][event];
  if (!next) throw new IllegalSessionTransition(status, event);
  return next;
}

export const canSessionTake = (status: SessionStatus, event: SessionEvent) => NEXT[status][event] !== undefined;
