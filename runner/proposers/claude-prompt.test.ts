import { describe, expect, it } from "vitest";
import { compactHistory, statePrompt } from "./claude-prompt";
import type { HistoryEntry, ProposalContext } from "./types";

const entry = (idx: number, status: string): HistoryEntry => ({ idx, title: `idea ${idx}`, status, metricValue: 1 - idx / 1e4, delta: 0.001, reason: null, diff: null });

describe("the history a request carries", () => {
  it("keeps every keep, the baseline and the last rows, and counts the rest by status: bounded however long the session", () => {
    const history = [entry(0, "kept"), ...Array.from({ length: 500 }, (_, i) => entry(i + 1, i % 50 === 7 ? "kept" : i % 3 ? "discarded" : "crashed"))];
    const { rows, omitted } = compactHistory(history, 30);
    const keeps = history.filter((h) => h.status === "kept").length;
    expect(rows.length).toBeLessThanOrEqual(30 + keeps);
    expect(rows.slice(-30).map((r) => r.idx)).toEqual(history.slice(-30).map((h) => h.idx));
    expect(rows.filter((r) => r.status === "kept")).toHaveLength(keeps);
    expect(Object.values(omitted).reduce((a, b) => a + b, 0) + rows.length).toBe(history.length);
    const ctx = { metric: { name: "val_bpb", goal: "minimize" }, best: 0.99, history, steering: [], lastCrash: null } as unknown as ProposalContext;
    const text = statePrompt(ctx);
    expect(text).toMatch(/\((\d+ (discarded|crashed)(, )?){2} earlier experiments not shown: list_experiments has them all\)/);
    // 10× the session, about the same prompt.
    const longer = statePrompt({ ...ctx, history: [...history, ...Array.from({ length: 4500 }, (_, i) => entry(i + 501, "discarded"))] });
    expect(longer.length).toBeLessThan(text.length * 1.2);
  });
});
