import { describe, expect, it } from "vitest";
import { CHART_POINTS } from "../core/decimate";
import { applyLiveMessage, initialLiveRunState, type LiveMessageData } from "./live-run-state";

const run = { id: 1, status: "running" } as LiveMessageData["run"];

describe("applyLiveMessage", () => {
  it("starts from the snapshot and appends streamed points per series", () => {
    let s = applyLiveMessage(initialLiveRunState, { run, snapshot: { loss: [{ step: 0, value: 4, tMs: 10 }] }, log: ["a"] });
    s = applyLiveMessage(s, {
      run,
      points: [
        { series: "loss", step: 1, value: 3, tMs: 20 },
        { series: "lrm", step: 1, value: 1, tMs: 20 },
      ],
    });
    expect(s.series).toEqual({
      loss: [
        { step: 0, value: 4, tMs: 10 },
        { step: 1, value: 3, tMs: 20 },
      ],
      lrm: [{ step: 1, value: 1, tMs: 20 }],
    });
    expect(s.log).toEqual(["a"]);
  });

  it("keeps a long stream within the chart's budget, spikes included", () => {
    let s = applyLiveMessage(initialLiveRunState, { run, snapshot: {} });
    for (let batch = 0; batch < 50; batch++) {
      const points = Array.from({ length: 200 }, (_, i) => ({ series: "loss", step: batch * 200 + i, value: batch * 200 + i === 7777 ? 99 : 2, tMs: batch * 200 + i }));
      s = applyLiveMessage(s, { run, points });
    }
    expect(s.series.loss!.length).toBeLessThanOrEqual(1.2 * CHART_POINTS);
    expect(s.series.loss).toContainEqual({ step: 7777, value: 99, tMs: 7777 });
    expect(s.series.loss!.at(-1)).toEqual({ step: 9999, value: 2, tMs: 9999 });
  });
});
