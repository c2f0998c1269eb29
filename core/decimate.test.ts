import { describe, expect, it } from "vitest";
import { decimateMinMax } from "./decimate";

const series = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ step: i, value: f(i) }));

describe("decimateMinMax", () => {
  it("returns short series unchanged", () => {
    const s = series(10, (i) => i);
    expect(decimateMinMax(s, 100)).toEqual(s);
  });

  it("stays within the point budget, in step order, ending at the last point", () => {
    const s = series(100_000, (i) => Math.sin(i / 100));
    const d = decimateMinMax(s, 1000);
    expect(d.length).toBeLessThanOrEqual(1000);
    expect(d.length).toBeGreaterThan(600);
    expect(d.every((p, i) => i === 0 || p.step > d[i - 1]!.step)).toBe(true);
    expect(d[0]).toEqual(s[0]);
    expect(d[d.length - 1]).toEqual(s[s.length - 1]);
  });

  it("keeps a one-point spike and a one-point dip", () => {
    const s = series(50_000, () => 2);
    s[12_345]!.value = 100;
    s[40_000]!.value = -7;
    const d = decimateMinMax(s, 300);
    expect(d).toContainEqual({ step: 12_345, value: 100 });
    expect(d).toContainEqual({ step: 40_000, value: -7 });
  });
});
