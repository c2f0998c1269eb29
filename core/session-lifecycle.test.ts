import { describe, expect, it } from "vitest";
import { IllegalSessionTransition, nextSessionStatus, type SessionEvent } from "./session-lifecycle";
import { SESSION_STATUSES, type SessionStatus } from "./types";

const EVENTS: SessionEvent[] = ["started", "paused", "resumed", "stopped", "finished", "failed"];

// Every (status, event) pair: the status it leads to, or nothing (refused).
const TABLE: Record<SessionEvent, Partial<Record<SessionStatus, SessionStatus>>> = {
  started: { queued: "running" },
  paused: { running: "paused" },
  resumed: { paused: "running", stopped: "running", finished: "running", failed: "running" },
  stopped: { queued: "stopped", running: "stopped", paused: "stopped" },
  finished: { running: "finished", paused: "finished" },
  failed: { queued: "failed", running: "failed", paused: "failed" },
};

describe("the session lifecycle", () => {
  const pairs = SESSION_STATUSES.flatMap((status) => EVENTS.map((event) => [status, event] as const));
  it.each(pairs)("%s, then %s", (status, event) => {
    const expected = TABLE[event][status];
    if (expected) expect(nextSessionStatus(status, event)).toBe(expected);
    else expect(() => nextSessionStatus(status, event)).toThrow(IllegalSessionTransition);
  });

  it("says what was refused", () => {
    expect(() => nextSessionStatus("finished", "paused")).toThrow("a session that is finished cannot be paused");
  });
});
