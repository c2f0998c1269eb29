/** How a session's or an experiment's API use reads on a page or in a terminal. Pure. */
export interface ApiTotals {
  calls: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  unpriced: number;
  costUsd: number;
}

/** All input tokens, cached or not: what the cache-read share is a share of. */
export const allInput = (t: ApiTotals) => t.inputTokens + t.cacheWriteTokens + t.cacheReadTokens;

/** The share of input tokens the prompt cache served, or null when nothing was sent. */
export function cacheReadShare(t: ApiTotals): number | null {
  const all = allInput(t);
  return all ? t.cacheReadTokens / all : null;
}

/** "$0.061" — or "$0.061 + unknown" when some calls were to a model without a known price. */
export function formatCost(t: Pick<ApiTotals, "costUsd" | "unpriced">, digits = 3): string {
  if (t.unpriced && t.costUsd === 0) return "unknown";
  return `$${t.costUsd.toFixed(digits)}${t.unpriced ? " + unknown" : ""}`;
}

/** "4 calls · 48,210 input tokens (82% from the cache) · 3,114 output · $0.061". */
export function describeApiTotals(t: ApiTotals): string {
  const share = cacheReadShare(t);
  return [
    `${t.calls} call${t.calls === 1 ? "" : "s"}${t.failed ? ` (${t.failed} failed)` : ""}`,
    `${allInput(t).toLocaleString("en-US")} input tokens${share === null ? "" : ` (${Math.round(100 * share)}% from the cache)`}`,
    `${t.outputTokens.toLocaleString("en-US")} output`,
    formatCost(t),
  ].join(" · ");
}
