import { describe, expect, it } from "vitest";
import { rowWindow } from "./use-windowed-rows";

describe("rowWindow", () => {
  it("renders a short table whole", () => {
    expect(rowWindow(150, 37, 640, 0)).toEqual({ windowed: false, start: 0, end: 150, padTop: 0, padBottom: 0 });
  });
  it("renders 10,000 rows as the few in view, the spacers keeping the full height", () => {
    const w = rowWindow(10_000, 37, 640, 37 * 5000);
    expect(w).toMatchObject({ windowed: true, start: 4990, end: 5028 });
    expect(w.padTop + (w.end - w.start) * 37 + w.padBottom).toBe(10_000 * 37);
  });
  it("stays inside the table at both ends", () => {
    expect(rowWindow(1000, 37, 640, 0)).toMatchObject({ start: 0, end: 28, padTop: 0 });
    expect(rowWindow(1000, 37, 640, 10_000_000)).toMatchObject({ start: 1000, end: 1000, padBottom: 0 });
  });
});
