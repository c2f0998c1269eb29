/**
 * What the fake Messages API refuses, as the real one does, each with the page that says so (the facts and
 * their sources are collected in docs/claude-api-facts.md). A refusal is an ApiError: status, error type and
 * the API's message. The first one found is returned, as the API reports one problem at a time.
 */
import { findModel, LEVELS, type FakeModel } from "./models";

export interface ApiError {
  status: number;
  type: string;
  message: string;
}

const bad = (message: string): ApiError => ({ status: 400, type: "invalid_request_error", message });
/** Unknown fields: "<path>: Extra inputs are not permitted" (quoted in anthropics/claude-code#14135 and others). */
const extra = (path: string): ApiError => bad(`${path}: Extra inputs are not permitted`);

// POST /v1/messages body fields (https://platform.claude.com/docs/en/api/messages). temperature, top_p and top_k
// are not among them: anthropic-version 2026-10-21 removed them, a 400 even at default values
// (https://platform.claude.com/docs/en/api/migration-2026-10-21).
const TOP_LEVEL = new Set(["model", "messages", "max_tokens", "system", "tools", "tool_choice", "thinking", "output_config", "stream", "metadata", "stop_sequences", "cache_control", "service_tier"]);
const BLOCK_FIELDS: Record<string, Set<string>> = {
  text: new Set(["type", "text", "cache_control", "citations"]),
  tool_use: new Set(["type", "id", "name", "input", "cache_control"]),
  tool_result: new Set(["type", "tool_use_id", "content", "is_error", "cache_control"]),
  thinking: new Set(["type", "thinking", "signature"]),
  redacted_thinking: new Set(["type", "data"]),
  image: new Set(["type", "source", "cache_control"]),
  document: new Set(["type", "source", "title", "context", "citations", "cache_control"]),
};
const TOOL_FIELDS = new Set(["name", "description", "input_schema", "strict", "cache_control", "type"]);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

export interface CheckedRequest {
  model: FakeModel;
  body: Json;
  /** The thinking type in force: what was sent, or the model's default. */
  thinking: "adaptive" | "enabled" | "disabled" | "between_tools";
  display: "omitted" | "summarized";
  effort: string | null;
}

function effortRank(e: string | null): number {
  return e === null ? -1 : LEVELS.indexOf(e as (typeof LEVELS)[number]);
}

export function checkRequest(body: unknown, headers: Record<string, string | string[] | undefined>, lookup: (id: string) => FakeModel | undefined = findModel): CheckedRequest | ApiError {
  // Every request names the API version (https://platform.claude.com/docs/en/api/versioning).
  if (!headers["anthropic-version"]) return bad("anthropic-version: header is required");
  if (!isObj(body)) return bad("The request body is not valid JSON.");
  for (const k of Object.keys(body)) if (!TOP_LEVEL.has(k)) return extra(k);
  if (typeof body.model !== "string") return bad("model: Field required");
  const model = lookup(body.model);
  // A model id the account cannot use: 404 not_found_error (https://platform.claude.com/docs/en/api/errors).
  if (!model) return { status: 404, type: "not_found_error", message: `model: ${body.model}` };
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return bad("max_tokens: Field required");
  // "max_tokens: 128001 > 64000, which is the maximum allowed number of output tokens for …" (anthropics/claude-code#24451).
  if ((body.max_tokens as number) > model.maxTokens) return bad(`max_tokens: ${body.max_tokens} > ${model.maxTokens}, which is the maximum allowed number of output tokens for ${model.id}`);

  const effort = checkOutputConfig(body.output_config, model);
  if (typeof effort === "object" && effort !== null) return effort;
  const thinking = checkThinking(body.thinking, model, (effort as string | null) ?? model.defaultEffort);
  if ("status" in thinking) return thinking;
  const tools = checkTools(body.tools);
  if (tools) return tools;
  const choice = checkToolChoice(body.tool_choice, model, thinking.type !== "disabled" && thinking.type !== "none", body.tools as Json[] | undefined);
  if (choice) return choice;
  const system = checkSystem(body.system);
  if (system) return system;
  const messages = checkMessages(body.messages, model);
  if (messages) return messages;
  const cache = checkCacheControl(body);
  if (cache) return cache;
  return { model, body, thinking: thinking.type === "none" ? "disabled" : thinking.type, display: thinking.display, effort: (effort as string | null) ?? model.defaultEffort };
}

function checkOutputConfig(oc: unknown, model: FakeModel): string | null | ApiError {
  if (oc === undefined) return null;
  if (!isObj(oc)) return bad("output_config: Input should be an object");
  for (const k of Object.keys(oc)) if (k !== "effort" && k !== "format") return extra(`output_config.${k}`);
  if (oc.format !== undefined) {
    const f = oc.format as Json;
    if (!isObj(f) || f.type !== "json_schema" || !isObj(f.schema)) return bad("output_config.format: expected {type: 'json_schema', schema}");
    const open = openObject(f.schema, "output_config.format.schema");
    if (open) return bad(`${open}: For 'object' type, 'additionalProperties' must be explicitly set to false`);
  }
  if (oc.effort === undefined || oc.effort === null) return null;
  // The effort page (https://platform.claude.com/docs/en/build-with-claude/effort): low … max, per model; Haiku 4.5 takes none.
  if (!model.effort.length) return extra("output_config.effort");
  if (!model.effort.includes(oc.effort as never)) return bad(`output_config.effort: Input should be ${model.effort.map((l) => `'${l}'`).join(", ")}`);
  return oc.effort as string;
}

function checkThinking(t: unknown, model: FakeModel, effort: string | null): { type: CheckedRequest["thinking"] | "none"; display: CheckedRequest["display"] } | ApiError {
  if (t === undefined) return { type: model.thinking.defaultOn ? "adaptive" : "none", display: "omitted" };
  if (!isObj(t)) return bad("thinking: Input should be an object");
  const type = String(t.type);
  const fields: Record<string, string[]> = { adaptive: ["type", "display"], enabled: ["type", "budget_tokens", "display"], disabled: ["type"], between_tools: ["type"] };
  if (!fields[type]) return bad(`thinking.type: Input should be 'adaptive', 'enabled', 'disabled' or 'between_tools'`);
  for (const k of Object.keys(t)) if (!fields[type]!.includes(k)) return extra(`thinking.${type}.${k}`);
  // "What's new in Claude Opus 5.5": the two messages below, verbatim; Fable 5.1 likewise; Sonnet 5.5 points to between_tools.
  const hint = model.thinking.betweenTools
    ? 'Use "thinking.type.adaptive", or "thinking.type.between_tools" to turn off up-front thinking.'
    : 'Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
  if (type === "adaptive" && !model.thinking.adaptive) return bad(`"thinking.type.adaptive" is not supported for this model.`);
  if (type === "enabled" && !model.thinking.enabled) return bad(`"thinking.type.enabled" is not supported for this model. ${hint}`);
  if (type === "disabled" && !model.thinking.disabled) return bad(`"thinking.type.disabled" is not supported for this model. ${hint}`);
  if (type === "between_tools" && !model.thinking.betweenTools) return bad(`"thinking.type.between_tools" is not supported for this model.`);
  if ((type === "disabled" || type === "between_tools") && model.maxEffortWithoutUpFrontThinking && effortRank(effort) > effortRank(model.maxEffortWithoutUpFrontThinking)) {
    return bad(`"thinking.type.${type}" is supported only at effort ${model.maxEffortWithoutUpFrontThinking} or below; this request has effort ${effort}.`);
  }
  if (type === "enabled" && (!Number.isInteger(t.budget_tokens) || (t.budget_tokens as number) < 1024)) return bad("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
  const display = t.display === undefined || t.display === null ? "omitted" : String(t.display);
  // display "updates" needs a beta header this fake does not take (prompting Claude Fable 5.1).
  if (display !== "omitted" && display !== "summarized") return bad(`thinking.${type}.display: Input should be 'summarized' or 'omitted'`);
  return { type: type as CheckedRequest["thinking"], display };
}

/** The path of an object schema that does not set additionalProperties: false, or null. */
function openObject(schema: unknown, path: string): string | null {
  if (!isObj(schema)) return null;
  if (schema.type === "object" && schema.additionalProperties !== false) return path;
  for (const [k, v] of Object.entries(isObj(schema.properties) ? schema.properties : {})) {
    const found = openObject(v, `${path}.properties.${k}`);
    if (found) return found;
  }
  return openObject(schema.items, `${path}.items`);
}

function checkTools(tools: unknown): ApiError | null {
  if (tools === undefined) return null;
  if (!Array.isArray(tools)) return bad("tools: Input should be a valid list");
  const names = new Set<string>();
  for (const [i, t] of tools.entries()) {
    if (!isObj(t)) return bad(`tools.${i}: Input should be an object`);
    for (const k of Object.keys(t)) if (!TOOL_FIELDS.has(k)) return extra(`tools.${i}.custom.${k}`);
    // Tool names: ^[a-zA-Z0-9_-]{1,64}$ (https://platform.claude.com/docs/en/agents-and-tools/tool-use/define-tools).
    if (typeof t.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(t.name)) return bad(`tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
    if (names.has(t.name)) return bad("tools: Tool names must be unique.");
    names.add(t.name);
    if (!isObj(t.input_schema) || t.input_schema.type !== "object") return bad(`tools.${i}.custom.input_schema: JSON schema is invalid: the top level must be of type object`);
    // Strict tools need additionalProperties: false on every object (strict tool use; the 400 quoted in vercel/ai#20681).
    if (t.strict === true) {
      const open = openObject(t.input_schema, "input_schema");
      if (open) return bad(`tools.${i}.custom: For 'object' type, 'additionalProperties' must be explicitly set to false`);
    }
  }
  return null;
}

function checkToolChoice(choice: unknown, model: FakeModel, thinkingOn: boolean, tools: Json[] | undefined): ApiError | null {
  if (choice === undefined) return null;
  if (!isObj(choice)) return bad("tool_choice: Input should be an object");
  const type = String(choice.type);
  if (!["auto", "any", "tool", "none"].includes(type)) return bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
  const forced = type === "any" || type === "tool";
  // "What's new in Claude Fable 5.1" (and Opus 5.5, Sonnet 5.5: "Forced tool use returns an error"), verbatim.
  if (forced && model.refusesForcedToolUse) return bad('tool_choice: type "tool" and "any" are not supported for this model.');
  // With thinking, only auto and none are compatible (https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use).
  if (forced && thinkingOn) return bad("Thinking may not be enabled when tool_choice forces tool use.");
  if (type === "tool" && !tools?.some((t) => t.name === choice.name)) return bad(`tool_choice.name: no tool named ${String(choice.name)} in tools`);
  return null;
}

function checkSystem(system: unknown): ApiError | null {
  if (system === undefined || typeof system === "string") return null;
  if (!Array.isArray(system)) return bad("system: Input should be a valid string or list");
  for (const [i, b] of system.entries()) {
    if (!isObj(b) || b.type !== "text" || typeof b.text !== "string") return bad(`system.${i}: Input should be a text block`);
    for (const k of Object.keys(b)) if (!BLOCK_FIELDS.text!.has(k)) return extra(`system.${i}.${k}`);
  }
  return null;
}

function contentBlocks(content: unknown): Json[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : (content as Json[]);
}

function checkMessages(messages: unknown, model: FakeModel): ApiError | null {
  if (!Array.isArray(messages) || messages.length === 0) return bad("messages: at least one message is required");
  for (const [i, m] of messages.entries()) {
    if (!isObj(m)) return bad(`messages.${i}: Input should be an object`);
    for (const k of Object.keys(m)) if (k !== "role" && k !== "content") return extra(`messages.${i}.${k}`);
    if (m.role !== "user" && m.role !== "assistant") return bad(`messages.${i}: role must be 'user' or 'assistant'`);
    if (i === 0 && m.role !== "user") return bad("messages.0: the first message must use the user role");
    if (i > 0 && messages[i - 1].role === m.role) return bad(`messages.${i}: roles must alternate between "user" and "assistant"`);
    if (typeof m.content !== "string" && !Array.isArray(m.content)) return bad(`messages.${i}.content: Input should be a valid string or list`);
    if (Array.isArray(m.content) && m.content.length === 0) return bad(`messages.${i}: all messages must have non-empty content`);
    for (const [j, b] of contentBlocks(m.content).entries()) {
      if (!isObj(b) || !BLOCK_FIELDS[String(b.type)]) return bad(`messages.${i}.content.${j}.type: Input tag '${String(isObj(b) ? b.type : b)}' is not a known content block type`);
      for (const k of Object.keys(b)) if (!BLOCK_FIELDS[String(b.type)]!.has(k)) return extra(`messages.${i}.content.${j}.${String(b.type)}.${k}`);
      if (m.role === "user" && (b.type === "tool_use" || b.type === "thinking")) return bad(`messages.${i}.content.${j}: ${String(b.type)} blocks may only appear in assistant messages`);
      if (m.role === "assistant" && b.type === "tool_result") return bad(`messages.${i}.content.${j}: tool_result blocks may only appear in user messages`);
    }
    // Every tool_use gets its tool_result at the start of the next message (anthropics/claude-code#1237 quotes the 400).
    if (m.role === "assistant") {
      const ids = contentBlocks(m.content)
        .filter((b) => b.type === "tool_use")
        .map((b) => String(b.id));
      if (ids.length) {
        const next = messages[i + 1] as Json | undefined;
        const nextBlocks = next ? contentBlocks(next.content) : [];
        const leading: string[] = [];
        for (const b of nextBlocks) {
          if (b.type !== "tool_result") break;
          leading.push(String(b.tool_use_id));
        }
        const missing = ids.filter((id) => !leading.includes(id));
        if (next && missing.length)
          return bad(
            `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
          );
      }
    }
    if (m.role === "user" && i > 0) {
      const prevIds = contentBlocks((messages[i - 1] as Json).content)
        .filter((b) => b.type === "tool_use")
        .map((b) => String(b.id));
      for (const [j, b] of contentBlocks(m.content).entries()) {
        if (b.type === "tool_result" && !prevIds.includes(String(b.tool_use_id)))
          return bad(
            `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
      }
    }
  }
  // No prefill on the 5.x models: the conversation ends with a user turn (Haiku 5.5 migration guide; Sonnet 5.5).
  if (model.refusesPrefill && messages.at(-1)?.role === "assistant") return bad("This model does not support assistant message prefill. The conversation must end with a user message.");
  return null;
}

/** Where a request puts cache_control, in the order the API processes blocks: tools, system, messages. */
export function cacheBreakpoints(body: Json): { path: string; ttl: "5m" | "1h"; cc: Json }[] {
  const out: { path: string; ttl: "5m" | "1h"; cc: Json }[] = [];
  const add = (path: string, cc: unknown) => {
    if (isObj(cc)) out.push({ path, ttl: cc.ttl === "1h" ? "1h" : "5m", cc });
  };
  for (const [i, t] of ((body.tools as Json[] | undefined) ?? []).entries()) add(`tools.${i}`, t.cache_control);
  if (Array.isArray(body.system)) for (const [i, b] of (body.system as Json[]).entries()) add(`system.${i}`, b.cache_control);
  ((body.messages as Json[]) ?? []).forEach((m, i) => {
    if (Array.isArray(m.content)) for (const [j, b] of (m.content as Json[]).entries()) add(`messages.${i}.content.${j}`, b.cache_control);
  });
  return out;
}

function checkCacheControl(body: Json): ApiError | null {
  const points = cacheBreakpoints(body);
  for (const p of [...points, ...(isObj(body.cache_control) ? [{ path: "cache_control", ttl: body.cache_control.ttl === "1h" ? "1h" : "5m", cc: body.cache_control }] : [])]) {
    if (p.cc.type !== "ephemeral") return bad(`${p.path}.cache_control.type: Input should be 'ephemeral'`);
    for (const k of Object.keys(p.cc)) if (k !== "type" && k !== "ttl") return extra(`${p.path}.cache_control.ephemeral.${k}`);
    if (p.cc.ttl !== undefined && p.cc.ttl !== "5m" && p.cc.ttl !== "1h") return bad(`${p.path}.cache_control.ttl: Input should be '5m' or '1h'`);
  }
  // At most 4 breakpoints (anthropics Anthropic.SDK#50 quotes the 400); the top-level one takes a slot.
  const count = points.length + (isObj(body.cache_control) ? 1 : 0);
  if (count > 4) return bad(`A maximum of 4 blocks with cache_control may be provided. Found ${count}.`);
  // A 1-hour breakpoint may not follow a 5-minute one (prompt caching; the 400 quoted in claude-code-cache-fix#44).
  let seen5m = false;
  for (const p of points) {
    if (p.ttl === "5m") seen5m = true;
    else if (seen5m)
      return bad(
        `${p.path}.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: \`tools\`, \`system\`, \`messages\`.`,
      );
  }
  return null;
}
