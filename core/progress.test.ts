import { describe, expect, it } from "vitest";
import { chartLabel, decimateDots, labelledKeeps, progressData, topHits, type ProgressInput } from "./progress";

const e = (idx: number, status: ProgressInput["status"], metricValue: number | null, title = `e${idx}`): ProgressInput => ({
  id: 100 + idx,
  idx,
  kind: idx === 0 ? "baseline" : "proposal",
  status,
  title,
  metricValue,
});
const session = [
  e(0, "kept", 1.0, "baseline"),
  e(1, "discarded", 1.05),
  e(2, "kept", 0.97, "lower LR"),
  e(3, "crashed", null),
  e(4, "rejected", null),
  e(5, "kept", 0.95, "wider"),
  e(6, "discarded", 0.96),
  e(7, "running", null),
];

describe("progressData", () => {
  it("draws every decided experiment by index, crashes on the worst value, and the best as a step line to the last index", () => {
    const { dots, best } = progressData(session, "minimize");
    expect(dots.map((d) => [d.idx, d.kind, d.value])).toEqual([
      [0, "kept", 1.0],
      [1, "discarded", 1.05],
      [2, "kept", 0.97],
      [3, "crashed", 1.05],
      [5, "kept", 0.95],
      [6, "discarded", 0.96],
    ]);
    expect(best).toEqual([
      { idx: 0, value: 1.0 },
      { idx: 2, value: 0.97 },
      { idx: 5, value: 0.95 },
      { idx: 7, value: 0.95 },
    ]);
  });
  it("puts crashes at the bottom when the metric is maximized, and draws nothing before a value exists", () => {
    expect(progressData([e(0, "kept", 0.5), e(1, "discarded", 0.4), e(2, "crashed", null)], "maximize").dots.at(-1)).toMatchObject({ kind: "crashed", value: 0.4 });
    expect(progressData([e(0, "running", null)], "minimize")).toEqual({ dots: [], best: [] });
  });
});

describe("topHits", () => {
  it("lists each keep after the baseline with its gain over the keep before it", () => {
    expect(topHits(session, "minimize").map((h) => [h.idx, h.title, Number(h.delta.toFixed(6))])).toEqual([
      [2, "lower LR", 0.03],
      [5, "wider", 0.02],
    ]);
    expect(topHits([e(0, "kept", 0.5), e(1, "kept", 0.6)], "maximize")[0]!.delta).toBeCloseTo(0.1, 12);
  });
});

describe("chartLabel", () => {
  it("cuts to 45 characters as autoresearch does", () => {
    expect(chartLabel("short")).toBe("short");
    expect(chartLabel("x".repeat(50))).toHaveLength(45);
  });
});

describe("decimating the progress chart's dots", () => {
  const dot = (idx: number, kind: "kept" | "discarded" | "crashed", value: number) => ({ id: idx + 1, idx, kind, value, title: `#${idx}` });
  it("keeps every keep, the best and worst discard and one crash per column, in index order", () => {
    const dots = Array.from({ length: 1000 }, (_, i) => dot(i, i % 100 === 0 ? "kept" : i % 50 === 3 ? "crashed" : "discarded", i % 100 === 50 ? 9 : 1 + (i % 10) / 100));
    const out = decimateDots(dots, 10);
    expect(out.filter((d) => d.kind === "kept").map((d) => d.idx)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(out.filter((d) => d.kind === "crashed")).toHaveLength(10);
    const discards = out.filter((d) => d.kind === "discarded");
    expect(discards).toHaveLength(20);
    expect(discards.filter((d) => d.value === 9)).toHaveLength(10); // each column's outlier survives
    expect(out.map((d) => d.idx)).toEqual([...out.map((d) => d.idx)].sort((a, b) => a - b));
  });
  it("leaves a chart that is already small alone", () => {
    const dots = [dot(0, "kept", 1), dot(1, "discarded", 2)];
    expect(decimateDots(dots, 10)).toEqual(dots);
  });
});

describe("labels of keeps", () => {
  it("label every keep of a short session, and keeps spread along the axis in a long one", () => {
    expect([...labelledKeeps([{ idx: 0 }, { idx: 1 }, { idx: 3 }], 12)]).toEqual([0, 1, 3]);
    const many = Array.from({ length: 500 }, (_, i) => ({ idx: i * 20 }));
    const labelled = [...labelledKeeps(many, 9999, 40)];
    expect(labelled.length).toBeLessThanOrEqual(40);
    expect(labelled.length).toBeGreaterThan(30);
    expect(labelled[0]).toBe(0);
  });
});
