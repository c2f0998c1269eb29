import { describe, expect, it } from "vitest";
import { chartStatus } from "./chart-status";

describe("chartStatus", () => {
  it.each([
    // own, reference curves, live → caption, notice, draw
    [0, 0, true, "0 points · live", "Waiting for the first progress record…", false],
    [0, 0, false, "0 points", "This run printed no progress records.", false],
    [0, 1, true, "0 points · live", "Waiting for the first progress record… The other curve is shown for reference.", true],
    [0, 2, false, "0 points", "This run printed no progress records. The other curve is shown for reference.", true],
    [12, 0, true, "12 points · live", null, true],
    [12, 1, false, "12 points", null, true],
  ] as const)("%i own points, %i reference curves, live %s", (own, refs, live, caption, notice, draw) => {
    expect(chartStatus(own, refs, live)).toEqual({ caption, notice, drawChart: draw });
  });
});
