import { describe, expect, it } from "vitest";
import { canCancel, IllegalTransition, isTerminal, nextRunStatus, type RunEvent } from "./run-lifecycle";
import { RUN_OUTCOMES, RUN_STATUSES, type RunStatus } from "./types";

const EVENTS: RunEvent[] = [{ type: "run_started" }, ...RUN_OUTCOMES.map((outcome) => ({ type: "run_ended" as const, outcome })), { type: "run_cancelled" }, { type: "run_interrupted" }];

/** The whole table: every legal pair and its result; every other pair must throw. */
function expected(status: RunStatus, e: RunEvent): RunStatus | null {
  if (status === "queued" && e.type === "run_started") return "running";
  if (status === "queued" && e.type === "run_cancelled") return "cancelled";
  if (status === "running" && e.type === "run_ended") return e.outcome;
  if (status === "running" && e.type === "run_interrupted") return "interrupted";
  return null;
}

describe("nextRunStatus", () => {
  for (const status of RUN_STATUSES) {
    for (const e of EVENTS) {
      const want = expected(status, e);
      const label = `${status} + ${e.type}${e.type === "run_ended" ? `(${e.outcome})` : ""}`;
      it(`${label} → ${want ?? "illegal"}`, () => {
        if (want) expect(nextRunStatus(status, e)).toBe(want);
        else expect(() => nextRunStatus(status, e)).toThrow(IllegalTransition);
      });
    }
  }

  it("says which pairs are terminal and cancellable", () => {
    expect(RUN_STATUSES.filter((s) => !isTerminal(s))).toEqual(["queued", "running"]);
    expect(RUN_STATUSES.filter(canCancel)).toEqual(["queued", "running"]);
  });
});
