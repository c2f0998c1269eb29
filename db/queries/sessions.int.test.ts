/** A session's status changes only through its lifecycle, with its event, in one write. */
import { describe, expect, it } from "vitest";
import { IllegalSessionTransition } from "../../core/session-lifecycle";
import { sessionOptionsSchema } from "../../core/session-options";
import { tempDb } from "../../test/helpers/temp";
import { listEventsAfter } from "./events";
import { applySessionEvent, createSession, getSession, queueSession, sessionOptions } from "./sessions";
import { upsertWorkspace } from "./workspaces";

function setup() {
  const { db } = tempDb();
  const ws = upsertWorkspace(db, { name: "w", path: "/tmp/w", repoRoot: "/tmp/w", subdir: "", configJson: "{}", configError: null }, Date.now());
  return { db, ws };
}

describe("applySessionEvent", () => {
  it("moves the status by the lifecycle and records the event with it", () => {
    const { db, ws } = setup();
    const s = createSession(db, { workspaceId: ws.id, tag: "t", branch: "overseer/t", origin: "cli", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: 1 });
    const before = listEventsAfter(db, 0).length;
    expect(applySessionEvent(db, s.id, "paused", 2)).toMatchObject({ status: "paused" });
    expect(applySessionEvent(db, s.id, "finished", 3, { stopReason: "reached 3 experiments", endedAt: 3 })).toMatchObject({ status: "finished", stopReason: "reached 3 experiments" });
    const events = listEventsAfter(db, 0).slice(before);
    expect(events.map((e) => e.type)).toEqual(["session_paused", "session_finished"]);
  });

  it("refuses what the lifecycle does not allow, and writes nothing", () => {
    const { db, ws } = setup();
    const s = queueSession(db, { workspaceId: ws.id, tag: null, options: sessionOptionsSchema.parse({}), at: 1 });
    const before = listEventsAfter(db, 0).length;
    expect(() => applySessionEvent(db, s.id, "paused", 2, { stopReason: "should not land" })).toThrow(IllegalSessionTransition);
    expect(getSession(db, s.id)).toMatchObject({ status: "queued", stopReason: null });
    expect(listEventsAfter(db, 0)).toHaveLength(before);
    expect(applySessionEvent(db, s.id, "stopped", 3).status).toBe("stopped");
    expect(() => applySessionEvent(db, s.id, "finished", 4)).toThrow("a session that is stopped cannot be finished");
  });
});

describe("sessionOptions", () => {
  it("fills in defaults for options stored before they existed, and for stored values the schema refuses", () => {
    const { db, ws } = setup();
    const s = createSession(db, { workspaceId: ws.id, tag: "t", branch: "overseer/t", origin: "cli", options: sessionOptionsSchema.parse({ maxExperiments: 7 }), baselineCommit: "abc", at: 1 });
    const stored = (json: string) => sessionOptions({ ...getSession(db, s.id)!, optionsJson: json });
    expect(stored('{"proposer": "mutate", "maxExperiments": 7}')).toMatchObject({ proposer: "mutate", maxExperiments: 7, maxWaiting: 3, maxFailedProposals: 3, requireSandbox: true });
    expect(stored('{"maxExperiments": 7, "maxWaiting": -1, "approve": "sometimes"}')).toMatchObject({ maxExperiments: 7, maxWaiting: 3, approve: "risky" });
    expect(stored("not json")).toEqual(sessionOptionsSchema.parse({}));
  });
});
