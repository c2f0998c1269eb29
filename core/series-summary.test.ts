import { describe, expect, it } from "vitest";
import { SeriesSummary } from "./series-summary";

const point = (step: number, value = Math.sin(step / 50)) => ({ step, value, tMs: step * 10 });

describe("a series summarised as it grows", () => {
  it("keeps every point of a short series", () => {
    const s = new SeriesSummary(4);
    for (let i = 1; i <= 8; i++) s.add(point(i));
    expect(s.points().map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("keeps a million points to at most about a thousand, with every spike, the first and the last point", () => {
    const s = new SeriesSummary(166);
    const spikes = new Set([12_345, 500_000, 999_998]);
    for (let i = 1; i <= 1_000_000; i++) s.add(point(i, spikes.has(i) ? 50 : 1 + Math.sin(i / 1000)));
    const drawn = s.points();
    expect(drawn.length).toBeLessThanOrEqual(1_000);
    expect(drawn.length).toBeGreaterThan(400);
    expect(drawn.filter((p) => p.value === 50).map((p) => p.step)).toEqual([...spikes]);
    expect(drawn[0]!.step).toBe(1);
    expect(drawn.at(-1)!.step).toBe(1_000_000);
    expect(drawn.map((p) => p.step)).toEqual([...drawn.map((p) => p.step)].sort((a, b) => a - b));
  });

  it("goes on from a stored state exactly as if it had never stopped", () => {
    const whole = new SeriesSummary(8);
    const first = new SeriesSummary(8);
    for (let i = 1; i <= 300; i++)
      (i <= 123 ? [whole, first] : [whole]).forEach((s) => {
        s.add(point(i));
      });
    const resumed = new SeriesSummary(8, JSON.parse(JSON.stringify(first.state())));
    for (let i = 124; i <= 300; i++) resumed.add(point(i));
    expect(resumed.points()).toEqual(whole.points());
  });
});
