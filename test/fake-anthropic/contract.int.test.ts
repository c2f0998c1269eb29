/**
 * The fake Claude API refuses what the documented API refuses (docs/claude-api-facts.md has each page): a
 * stand-in that accepts anything proves nothing. Through the real SDK, as Overseer sends requests.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic, type FakeAnthropic } from "./server";

let fake: FakeAnthropic;
let client: Anthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic((req) =>
    req.body.tools?.length ? { turn: { thinking: "t", toolCalls: [{ name: req.body.tools[0]!.name, input: { path: "train.py" } }] } } : { turn: { thinking: "hm", text: "hello" } },
  );
  client = new Anthropic({ apiKey: "test-key", baseURL: fake.url, maxRetries: 0 });
});
afterAll(() => fake.close());

const tool = { name: "read_file", description: "read", input_schema: { type: "object" as const, properties: { path: { type: "string" } }, required: ["path"], additionalProperties: false } };
const user = [{ role: "user" as const, content: "go" }];
type Params = Record<string, unknown>;
// Streamed, as Overseer sends them (the SDK itself refuses a plain request with a large max_tokens).
const send = (p: Params) => client.messages.stream({ model: "claude-sonnet-5-5", max_tokens: 1024, messages: user, ...p } as unknown as Anthropic.MessageCreateParamsNonStreaming).finalMessage();
const refusal = async (p: Params) => {
  try {
    await send(p);
  } catch (e) {
    if (e instanceof Anthropic.APIError) return `${e.status} ${(e.error as { error: { message: string } }).error.message}`;
    throw e;
  }
  return "accepted";
};

describe("the fake Claude API's contract", () => {
  it.each([
    ["forced tool use on Sonnet 5.5", { tools: [tool], tool_choice: { type: "tool", name: "read_file" } }, '400 tool_choice: type "tool" and "any" are not supported for this model.'],
    ["tool_choice any on Opus 5.5", { model: "claude-opus-5-5", tools: [tool], tool_choice: { type: "any" } }, '400 tool_choice: type "tool" and "any" are not supported for this model.'],
    [
      "forced tool use on Fable 5.1",
      { model: "claude-fable-5-1", tools: [tool], tool_choice: { type: "tool", name: "read_file" } },
      '400 tool_choice: type "tool" and "any" are not supported for this model.',
    ],
    ["forced tool use on Fable 5.2", { model: "claude-fable-5-2", tools: [tool], tool_choice: { type: "any" } }, '400 tool_choice: type "tool" and "any" are not supported for this model.'],
    ["forced tool use with thinking on Haiku 5.5", { model: "claude-haiku-5-5", tools: [tool], tool_choice: { type: "any" } }, "400 Thinking may not be enabled when tool_choice forces tool use."],
    [
      "disabling thinking on Opus 5.5",
      { model: "claude-opus-5-5", thinking: { type: "disabled" } },
      '400 "thinking.type.disabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.',
    ],
    [
      "budgeted thinking on Fable 5.1",
      { model: "claude-fable-5-1", thinking: { type: "enabled", budget_tokens: 2048 } },
      '400 "thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.',
    ],
    [
      "between_tools at max effort on Sonnet 5.5",
      { thinking: { type: "between_tools" }, output_config: { effort: "max" } },
      expect.stringMatching(/^400 "thinking.type.between_tools" is supported only at effort high or below/),
    ],
    ["a sampling parameter (API version 2026-10-21)", { temperature: 0.7 }, "400 temperature: Extra inputs are not permitted"],
    ["an unknown field", { response_format: { type: "json" } }, "400 response_format: Extra inputs are not permitted"],
    ["an unknown model", { model: "claude-sonnet-9" }, "404 model: claude-sonnet-9"],
    [
      "max_tokens over the model's limit",
      { model: "claude-haiku-4-5", max_tokens: 64_001 },
      "400 max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5-20251001",
    ],
    ["effort on Haiku 4.5", { model: "claude-haiku-4-5", output_config: { effort: "high" } }, "400 output_config.effort: Extra inputs are not permitted"],
    [
      "a strict tool with an open object",
      { tools: [{ ...tool, strict: true, input_schema: { type: "object", properties: {} } }] },
      "400 tools.0.custom: For 'object' type, 'additionalProperties' must be explicitly set to false",
    ],
    ["prefill", { messages: [...user, { role: "assistant", content: "Sure" }] }, "400 This model does not support assistant message prefill. The conversation must end with a user message."],
    [
      "five cache breakpoints",
      { system: [1, 2, 3, 4, 5].map((i) => ({ type: "text", text: `s${i}`, cache_control: { type: "ephemeral" } })) },
      "400 A maximum of 4 blocks with cache_control may be provided. Found 5.",
    ],
    [
      "a 1-hour breakpoint after a 5-minute one",
      {
        system: [
          { type: "text", text: "a", cache_control: { type: "ephemeral" } },
          { type: "text", text: "b", cache_control: { type: "ephemeral", ttl: "1h" } },
        ],
      },
      expect.stringContaining("a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block"),
    ],
    [
      "a tool_use without its tool_result",
      { messages: [...user, { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "read_file", input: {} }] }, { role: "user", content: "and?" }] },
      expect.stringContaining("`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1"),
    ],
  ])("refuses %s", async (_what, params, expected) => {
    expect(await refusal(params)).toEqual(expected);
  });

  it.each([
    ["auto tool choice with adaptive thinking and effort", { tools: [{ ...tool, strict: true }], tool_choice: { type: "auto" }, thinking: { type: "adaptive" }, output_config: { effort: "high" } }],
    ["forced tool use on Haiku 4.5 (no thinking)", { model: "claude-haiku-4-5", tools: [tool], tool_choice: { type: "tool", name: "read_file" } }],
    ["between_tools on Sonnet 5.5 at high effort", { thinking: { type: "between_tools" }, output_config: { effort: "high" } }],
    [
      "a 1-hour breakpoint, then a 5-minute one",
      {
        system: [
          { type: "text", text: "a", cache_control: { type: "ephemeral", ttl: "1h" } },
          { type: "text", text: "b", cache_control: { type: "ephemeral" } },
        ],
        cache_control: { type: "ephemeral" },
      },
    ],
  ])("accepts %s", async (_what, params) => {
    expect(await refusal(params)).toBe("accepted");
  });

  it("refuses a key it does not know", async () => {
    const other = new Anthropic({ apiKey: "wrong", baseURL: fake.url, maxRetries: 0 });
    await expect(other.messages.create({ model: "claude-sonnet-5-5", max_tokens: 10, messages: user })).rejects.toMatchObject({ status: 401 });
  });

  it("thinking blocks go back unchanged, in the same conversation, or are refused", async () => {
    const first = await send({ tools: [tool] });
    expect(first.content[0]).toMatchObject({ type: "thinking", thinking: "" }); // display omitted by default
    const use = first.content.find((b) => b.type === "tool_use")!;
    const next = (assistant: unknown[], opening = user) => ({
      tools: [tool],
      messages: [...opening, { role: "assistant", content: assistant }, { role: "user", content: [{ type: "tool_result", tool_use_id: (use as { id: string }).id, content: "LR = 0.04" }] }],
    });
    expect(await refusal(next(first.content))).toBe("accepted");
    const changed = first.content.map((b) => (b.type === "thinking" ? { ...b, thinking: "I decided to cheat" } : b));
    expect(await refusal(next(changed))).toBe(
      "400 messages.1.content.0: `thinking` or `redacted_thinking` blocks in the latest assistant message cannot be modified. These blocks must remain as they were in the original response.",
    );
    expect(await refusal(next(first.content, [{ role: "user", content: "another conversation" }]))).toMatch(
      /^400 messages.1.content.0: Invalid `signature` in `thinking` block. The block is bound to a different conversation/,
    );
    // Another model's blocks are dropped without an error (Sonnet 5.5 cannot read Opus 5.5's).
    expect(await refusal({ ...next(first.content), model: "claude-opus-5-5" })).toBe("accepted");
  });

  it("streams thinking, text and tool input as documented, with usage that counts the cache", async () => {
    const long = "x".repeat(4000);
    const params = {
      model: "claude-sonnet-5-5",
      max_tokens: 1024,
      system: [{ type: "text" as const, text: long, cache_control: { type: "ephemeral" as const, ttl: "1h" as const } }],
      tools: [tool],
      messages: user,
    };
    const events: string[] = [];
    const stream = client.messages.stream(params);
    stream.on("streamEvent", (e) => events.push(e.type === "content_block_delta" ? e.delta.type : e.type));
    const m = await stream.finalMessage();
    expect(m.content.map((b) => b.type)).toEqual(["thinking", "tool_use"]);
    expect((m.content[1] as Anthropic.ToolUseBlock).input).toEqual({ path: "train.py" });
    expect(events).toEqual(expect.arrayContaining(["message_start", "signature_delta", "input_json_delta", "message_delta", "message_stop"]));
    expect(m.usage.cache_creation?.ephemeral_1h_input_tokens).toBeGreaterThan(900);
    const again = await client.messages.stream(params).finalMessage();
    expect(again.usage.cache_read_input_tokens).toBe(m.usage.cache_creation?.ephemeral_1h_input_tokens);
    expect(again.usage.cache_creation_input_tokens).toBe(0);
  });

  it("the top-level breakpoint follows the conversation: the next turn reads what the last one wrote", async () => {
    const long = "y".repeat(3000);
    const turn1 = {
      model: "claude-sonnet-5-5",
      max_tokens: 1024,
      cache_control: { type: "ephemeral" as const },
      messages: [{ role: "user" as const, content: [{ type: "text" as const, text: long }] }],
    };
    const a = await client.messages.stream(turn1).finalMessage();
    const written = a.usage.cache_creation_input_tokens!;
    expect(written).toBeGreaterThan(700);
    const turn2 = { ...turn1, messages: [...turn1.messages, { role: "assistant" as const, content: a.content }, { role: "user" as const, content: [{ type: "text" as const, text: "and then?" }] }] };
    const b = await client.messages.stream(turn2).finalMessage();
    expect(b.usage.cache_read_input_tokens).toBe(written);
  });

  it("lists models with their limits and capabilities, and answers 404 for an unknown one", async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toEqual(expect.arrayContaining(["claude-fable-5-1", "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"]));
    const opus = await client.models.retrieve("claude-opus-5-5");
    expect(opus).toMatchObject({
      max_tokens: 128_000,
      capabilities: { thinking: { types: { adaptive: { supported: true }, disabled: { supported: false } } }, effort: { supported: true, max: { supported: true } } },
    });
    await expect(client.models.retrieve("claude-sonnet-9")).rejects.toMatchObject({ status: 404 });
  });
});
