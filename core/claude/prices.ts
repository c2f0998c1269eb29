/**
 * What a Claude API call cost. One table by model id, from the pricing page
 * (https://platform.claude.com/docs/en/about-claude/pricing, and each model's overview page), read 2026-12-01.
 * A model that is not in the table has no price: its cost is unknown (null), never guessed from its name.
 * If you add a model here, add it to CURRENT_MODELS in ./models.ts when it is a current one.
 */

/** US dollars per million tokens. */
export interface Price {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

const p = (input: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number, output: number): Price => ({ input, output, cacheWrite5m, cacheWrite1h, cacheRead });

/** input / 5-minute cache write / 1-hour cache write / cache read / output, as the pricing page orders them. */
export const PRICES: Readonly<Record<string, Price>> = {
  "claude-fable-5-1": p(10, 12.5, 20, 0.25, 50),
  "claude-mythos-5-1": p(10, 12.5, 20, 0.25, 50),
  "claude-fable-5": p(10, 12.5, 20, 1, 50),
  "claude-opus-5-5": p(4, 5, 8, 0.2, 20),
  "claude-opus-5": p(5, 6.25, 10, 0.5, 25),
  "claude-opus-4-8": p(5, 6.25, 10, 0.5, 25),
  "claude-opus-4-7": p(5, 6.25, 10, 0.5, 25),
  "claude-opus-4-6": p(5, 6.25, 10, 0.5, 25),
  "claude-opus-4-5": p(5, 6.25, 10, 0.5, 25),
  "claude-opus-4-5-20251101": p(5, 6.25, 10, 0.5, 25),
  "claude-sonnet-5-5": p(2, 2.5, 4, 0.2, 10),
  "claude-haiku-4-5": p(1, 1.25, 2, 0.1, 5),
  "claude-haiku-4-5-20251001": p(1, 1.25, 2, 0.1, 5),
};

/** Haiku 5.5 has two bands by prompt length (the whole input, cached or not): up to 100,000 tokens and above. */
const HAIKU_5_5 = { upTo100k: p(0.1, 0.125, 0.2, 0.01, 0.5), above100k: p(0.5, 0.625, 1, 0.05, 2.5) };

export interface TokenUsage {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export function priceOf(model: string, promptTokens = 0): Price | null {
  if (model === "claude-haiku-5-5") return promptTokens > 100_000 ? HAIKU_5_5.above100k : HAIKU_5_5.upTo100k;
  return PRICES[model] ?? null;
}

/** US dollars, or null when the model's price is not known. */
export function costOf(model: string, t: TokenUsage): number | null {
  const price = priceOf(model, t.input + t.cacheWrite5m + t.cacheWrite1h + t.cacheRead);
  if (!price) return null;
  return (t.input * price.input + t.output * price.output + t.cacheWrite5m * price.cacheWrite5m + t.cacheWrite1h * price.cacheWrite1h + t.cacheRead * price.cacheRead) / 1e6;
}
