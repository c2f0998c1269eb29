import { describe, expect, it } from "vitest";
import { sessionOptionsSchema } from "./session-options";
import { stopReason } from "./stop-conditions";

const o = (over: object) => sessionOptionsSchema.parse(over);
const p = { proposals: 3, startedAt: 0, now: 60_000, costUsd: 0.5, sinceLastKeep: 2 };

describe("stopReason", () => {
  it("goes on without limits", () => expect(stopReason(o({}), p)).toBeNull());
  it.each([
    [{ maxExperiments: 3 }, "reached 3 experiments"],
    [{ maxWallSeconds: 60 }, "wall-time limit of 60s"],
    [{ maxCostUsd: 0.5 }, "API cost limit of $0.50"],
    [{ plateau: 2 }, "plateau: 2 experiments in a row"],
  ])("stops on %j", (over, text) => expect(stopReason(o(over), p)).toContain(text));
  it("does not stop below the limits", () => expect(stopReason(o({ maxExperiments: 4, maxWallSeconds: 61, maxCostUsd: 1, plateau: 3 }), p)).toBeNull());
});
