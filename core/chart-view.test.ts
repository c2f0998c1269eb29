import { describe, expect, test } from "vitest";
import { axisFor, dragWindow, formatX, panelData, panelOrder, wallTicks, xOf } from "./chart-view";

const pts = (values: number[], stepEvery = 10, msEvery = 1000) => values.map((value, i) => ({ step: i * stepEvery, value, tMs: i * msEvery }));

describe("panelOrder", () => {
  test.each([
    [
      ["mfu", "loss", "gpu.util_percent", "dt", "zeta", "alpha"],
      ["loss", "dt", "mfu", "alpha", "zeta", "gpu.util_percent"],
    ],
    [
      ["tok/sec", "lrm", "loss", "loss"],
      ["loss", "lrm", "tok/sec"],
    ],
    [[], []],
  ])("%j → %j", (names, expected) => expect(panelOrder(names)).toEqual(expected));
});

describe("axisFor and xOf", () => {
  const p = { step: 30, value: 1, tMs: 4500 };
  test.each([
    ["loss", "step", [], "step"],
    ["gpu.util_percent", "step", [], "seconds"],
    ["gpu.util_percent", "wall", [{ series: {}, startedAt: 1 }], "wall"],
    [
      "loss",
      "wall",
      [
        { series: {}, startedAt: 1 },
        { series: {}, startedAt: null },
      ],
      "wall",
    ],
    [
      "loss",
      "wall",
      [
        { series: {}, startedAt: null },
        { series: {}, startedAt: 1 },
      ],
      "seconds",
    ],
  ] as const)("%s on %s → %s", (series, axis, curves, expected) => expect(axisFor(series, axis, curves)).toBe(expected));
  test.each([
    ["step", null, 30],
    ["seconds", null, 4.5],
    ["wall", 1_000_000, 1_004_500],
    ["wall", null, Number.NaN],
  ] as const)("%s (start %s) → %d", (axis, start, x) => expect(xOf(p, axis, start)).toBe(x));
});

describe("panelData", () => {
  test("merges curves on x, smooths each, and counts what is drawn", () => {
    const a = { series: { loss: pts([4, 2, 3]) }, startedAt: 0 };
    const b = { series: { loss: pts([5, 1], 20) }, startedAt: 0 };
    const d = panelData([a, b], "loss", { axis: "step", smoothing: 0, log: false, window: null });
    expect(d.rows.map((r) => r.x)).toEqual([0, 10, 20]);
    expect(d.rows[0]).toEqual({ x: 0, r0: 4, s0: 4, r1: 5, s1: 5 });
    expect(d.rows[1]).toEqual({ x: 10, r0: 2, s0: 2 });
    expect(d.rows[2]).toEqual({ x: 20, r0: 3, s0: 3, r1: 1, s1: 1 });
    expect(d.drawn).toEqual([3, 2]);
    expect(d.extent).toEqual([0, 20]);
  });

  test("smoothing is drawn beside the raw values, debiased from the first point", () => {
    const d = panelData([{ series: { loss: pts([4, 2]) }, startedAt: 0 }], "loss", { axis: "step", smoothing: 0.5, log: false, window: null });
    expect(d.rows.map((r) => r.r0)).toEqual([4, 2]);
    expect(d.rows[0]!.s0).toBeCloseTo(4);
    // EMA (0.5·(0.5·4) + 0.5·2) = 2, debiased by 1 - 0.5² → 8/3
    expect(d.rows[1]!.s0).toBeCloseTo(8 / 3, 6);
  });

  test("a zoom window keeps only its points (the y axis then fits them) and keeps the full extent for the reset", () => {
    const d = panelData([{ series: { loss: pts([9, 8, 7, 6, 5]) }, startedAt: 0 }], "loss", { axis: "seconds", smoothing: 0, log: false, window: [1, 3] });
    expect(d.rows.map((r) => [r.x, r.r0])).toEqual([
      [1, 8],
      [2, 7],
      [3, 6],
    ]);
    expect(d.extent).toEqual([0, 4]);
    expect(d.drawn).toEqual([3]);
  });

  test("a log scale drops values it cannot draw; non-finite values are never drawn", () => {
    const d = panelData([{ series: { loss: pts([1, 0, -2, Number.NaN, 3]) }, startedAt: 0 }], "loss", { axis: "step", smoothing: 0, log: true, window: null });
    expect(d.rows.map((r) => r.r0)).toEqual([1, 3]);
  });

  test("a series a curve lacks draws nothing for it", () => {
    const d = panelData([{ series: {}, startedAt: null }], "mfu", { axis: "wall", smoothing: 0, log: false, window: null });
    expect(d).toEqual({ axis: "seconds", rows: [], drawn: [0], extent: null });
  });
});

describe("dragWindow", () => {
  test.each([
    [10, 40, [0, 100], [10, 40]],
    [40, 10, [0, 100], [10, 40]],
    [10, 10.2, [0, 100], null],
    [null, 40, [0, 100], null],
    [10, 40, null, null],
  ] as const)("%s → %s in %j", (a, b, extent, expected) => expect(dragWindow(a, b, extent as [number, number] | null)).toEqual(expected));
});

test("formatX", () => {
  expect(formatX(12.4, "step")).toBe("12");
  expect(formatX(12.6, "seconds")).toBe("13s");
  expect(formatX(new Date(2026, 0, 1, 9, 5, 7).getTime(), "wall")).toBe("09:05:07");
});

describe("wallTicks", () => {
  test("whole seconds within the window, no two alike once formatted", () => {
    const ticks = wallTicks([1_000_000_400, 1_000_005_900], 5)!;
    expect(ticks).toEqual([1_000_002_000, 1_000_004_000]);
    expect(new Set(ticks.map((t) => formatX(t, "wall"))).size).toBe(ticks.length);
  });
  test("an hour-long run ticks every 15 minutes", () => {
    const start = Date.UTC(2026, 0, 1, 10, 3);
    const ticks = wallTicks([start, start + 3_600_000], 5)!;
    expect(ticks.map((t) => (t - Date.UTC(2026, 0, 1, 10)) / 60_000)).toEqual([15, 30, 45, 60]);
  });
  test("no window, no ticks of its own", () => expect(wallTicks(null, 5)).toBeUndefined());
});
