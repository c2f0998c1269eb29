import { describe, expect, it } from "vitest";
import { cacheReadShare, describeApiTotals, formatCost } from "./api-totals";
import { costOf } from "./prices";

const t = { calls: 4, failed: 1, inputTokens: 1000, outputTokens: 3114, cacheWriteTokens: 2000, cacheReadTokens: 7000, unpriced: 0, costUsd: 0.0612 };

describe("API totals", () => {
  it("reads as calls, input with the cache's share, output and cost", () => {
    expect(cacheReadShare(t)).toBeCloseTo(0.7, 12);
    expect(describeApiTotals(t)).toBe("4 calls (1 failed) · 10,000 input tokens (70% from the cache) · 3,114 output · $0.061");
  });
  it("never guesses a price it does not know", () => {
    expect(formatCost({ costUsd: 0, unpriced: 2 })).toBe("unknown");
    expect(formatCost({ costUsd: 0.5, unpriced: 1 })).toBe("$0.500 + unknown");
    expect(costOf("claude-nova-6", { input: 1e6, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 })).toBeNull();
  });
  it("prices each kind of token by the table (pricing page, per million tokens)", () => {
    const m = 1e6;
    expect(costOf("claude-opus-5-5", { input: m, output: m, cacheWrite5m: m, cacheWrite1h: m, cacheRead: m })).toBeCloseTo(4 + 20 + 5 + 8 + 0.2, 9);
    expect(costOf("claude-sonnet-5-5", { input: m, output: m, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 })).toBeCloseTo(12, 9);
    expect(costOf("claude-fable-5-1", { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: m })).toBeCloseTo(0.25, 9);
    // Haiku 5.5 has two bands by the prompt's length.
    expect(costOf("claude-haiku-5-5", { input: 100_000, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 })).toBeCloseTo(0.01, 9);
    expect(costOf("claude-haiku-5-5", { input: 100_001, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 })).toBeCloseTo(0.0500005, 9);
  });
});
