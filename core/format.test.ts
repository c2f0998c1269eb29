import { describe, expect, it } from "vitest";
import { formatSeconds, formatTick, formatValue } from "./format";

describe("formatValue", () => {
  it("keeps six decimals for small values, trims trailing zeros, and says — for nothing", () => {
    expect(formatValue(0.9979)).toBe("0.9979");
    expect(formatValue(3.7835421)).toBe("3.783542");
    expect(formatValue(45060.2)).toBe("45060.2");
    expect(formatValue(null)).toBe("—");
    expect(formatValue(1e-5)).toBe("1.000e-5");
  });
});

describe("formatTick", () => {
  it("reads at four significant digits", () => {
    expect([3.787176, 3.782676, 0, 120.56, 1e-4, 2.5e7].map(formatTick)).toEqual(["3.787", "3.783", "0", "120.6", "1.0e-4", "2.5e+7"]);
  });
});

describe("formatSeconds", () => {
  it("says seconds, minutes, hours", () => {
    expect([5_000, 125_000, 7_380_000].map(formatSeconds)).toEqual(["5s", "2m 05s", "2h 03m"]);
  });
});
