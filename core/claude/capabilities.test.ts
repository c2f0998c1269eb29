import { describe, expect, it } from "vitest";
import { capabilitiesFromModelInfo, requestShape } from "./capabilities";
import { classifyApiError } from "./api-error";

const info = (over: object = {}) => ({
  id: "claude-x",
  max_tokens: 128_000,
  capabilities: {
    thinking: { supported: true, types: { adaptive: { supported: true }, disabled: { supported: false } } },
    effort: { supported: true, low: { supported: true }, medium: { supported: true }, high: { supported: true }, xhigh: null, max: { supported: true } },
  },
  ...over,
});

describe("requestShape", () => {
  it.each([
    ["adaptive thinking and the effort asked for", info(), "high", 32_000, { max_tokens: 32_000, thinking: { type: "adaptive" }, output_config: { effort: "high" } }],
    ["the nearest lower effort the model takes", info(), "xhigh", 32_000, { max_tokens: 32_000, thinking: { type: "adaptive" }, output_config: { effort: "high" } }],
    ["max_tokens within the model's limit", info({ max_tokens: 8_000 }), "high", 32_000, { max_tokens: 8_000, thinking: { type: "adaptive" }, output_config: { effort: "high" } }],
    [
      "no effort where the model takes none",
      info({ capabilities: { thinking: { supported: true, types: { adaptive: { supported: true } } }, effort: { supported: false } } }),
      "high",
      1000,
      { max_tokens: 1000, thinking: { type: "adaptive" } },
    ],
    [
      "no thinking field where the model has no adaptive thinking",
      info({ capabilities: { thinking: { supported: true, types: { enabled: { supported: true } } } } }),
      null,
      1000,
      { max_tokens: 1000 },
    ],
    ["the model's defaults when the Models API could not be asked", null, "high", 32_000, { max_tokens: 32_000 }],
  ])("%s", (_what, modelInfo, effort, maxTokens, expected) => {
    const shape = requestShape(modelInfo ? capabilitiesFromModelInfo(modelInfo) : null, { effort: effort as "high" | null, maxTokens });
    const { notes, ...rest } = shape;
    expect(rest).toEqual(expected);
    expect(Array.isArray(notes)).toBe(true);
  });
});

describe("classifyApiError", () => {
  it.each([
    [{ status: 401, type: "authentication_error", message: "invalid x-api-key" }, true, /refused the key .*ANTHROPIC_API_KEY/],
    [{ status: 403, type: "permission_error", message: "no" }, true, /may not do this/],
    [{ status: 404, type: "not_found_error", message: "model: m" }, true, /has no model m/],
    [{ status: 400, type: "invalid_request_error", message: "tools.0: bad" }, true, /bug in Overseer/],
    [{ status: 400, type: "invalid_request_error", message: "prompt is too long: 1000001 tokens > 1000000 maximum" }, false, /prompt was too long/],
    [{ status: 429, type: "rate_limit_error", message: "slow", errorCode: "enforced_spend_limit_reached" }, true, /spend limit/],
    [{ status: 429, type: "rate_limit_error", message: "slow" }, false, /rate-limiting/],
    [{ status: 529, type: "overloaded_error", message: "Overloaded" }, false, /answered 529 overloaded_error: Overloaded/],
    [{ message: "ECONNREFUSED" }, false, /could not reach/],
    [{ message: "x", timedOut: true }, false, /timed out/],
  ])("%o", (facts, fatal, reason) => {
    const f = classifyApiError(facts, "m");
    expect(f.fatal).toBe(fatal);
    expect(f.reason).toMatch(reason);
  });
});
