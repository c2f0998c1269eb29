/**
 * A local fake of the Claude API for tests and demos: POST /v1/messages (JSON or a stream of server-sent events)
 * and the Models API, held to the documented contract (./contract.ts, ./thinking.ts, ./cache.ts). What "the
 * model" says is scripted by a brain: a function of the request. The fake refuses what the real API refuses,
 * whatever the brain would say, and records every request with the answer or the error it got.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { PromptCache, tokensOf } from "./cache";
import { checkRequest, type ApiError, type CheckedRequest } from "./contract";
import { FAKE_MODELS, findModel, modelInfo, type FakeModel } from "./models";
import { checkThinkingBlocks, prefixDigest, sign } from "./thinking";

type Json = Record<string, unknown>;

export interface RecordedRequest {
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    max_tokens: number;
    system?: { type: string; text: string; cache_control?: unknown }[] | string;
    messages: { role: string; content: unknown }[];
    tools?: { name: string; strict?: boolean; input_schema?: unknown }[];
    tool_choice?: unknown;
    thinking?: unknown;
    output_config?: { effort?: string };
    stream?: boolean;
    [k: string]: unknown;
  };
  /** The refusal it got, if the contract refused it. */
  error?: ApiError;
  /** The message it got, if it was answered. */
  response?: Json;
}

/** One answer of the scripted model. */
export interface Turn {
  /** What it thinks (returned empty unless the request asked for a summarized display; always signed). */
  thinking?: string;
  text?: string;
  toolCalls?: { name: string; input: unknown }[];
  /** refusal: the safety classifiers declined (stop_details says why). */
  stop?: "end_turn" | "refusal";
  refusal?: { category: string | null; explanation: string | null };
  /** Output tokens it spends (thinking included); past max_tokens the answer is cut there (stop_reason max_tokens). */
  outputTokens?: number;
}

export type Reply =
  /** Calls the final tool (propose_experiment or report_review, whichever the request offers) with this input. */
  | { toolInput: unknown; tool?: string; thinking?: string; usage?: { input_tokens: number; output_tokens: number } }
  | { text: string }
  | { turn: Turn; usage?: { input_tokens: number; output_tokens: number } }
  | { status: number; error: { type: string; message: string }; headers?: Record<string, string> }
  /** Never answers: the client's timeout must fire. */
  | { hang: true }
  /** A stream that starts (message_start, with the input's usage) and then loses its connection. */
  | { dropAfterStart: true };

export type Brain = (req: RecordedRequest, n: number) => Reply;

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  /** Requests that got a message (the contract let them through and the brain answered). */
  answered(): RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeOptions {
  port?: number;
  /** The key it takes (Authorization: Bearer, or x-api-key); any other gets a 401. */
  apiKey?: string;
  now?: () => number;
  /** Models the API serves besides the documented ones (a model released after Overseer's price table). */
  extraModels?: FakeModel[];
  /** A compatible server without the Models API: GET /v1/models answers 404. */
  noModelsApi?: boolean;
}

const FINAL_TOOLS = ["propose_experiment", "report_review"];

function errorBody(e: ApiError, requestId: string) {
  return JSON.stringify({ type: "error", error: { type: e.type, message: e.message }, request_id: requestId });
}

/** Checks a strict tool's input against its schema: the API's grammar makes anything else impossible. */
function schemaProblem(schema: unknown, value: unknown, path = "input"): string | null {
  const s = (schema ?? {}) as Json;
  const type = s.type;
  if (s.enum && !(s.enum as unknown[]).includes(value)) return `${path}: not one of ${JSON.stringify(s.enum)}`;
  if (type === "string" && typeof value !== "string") return `${path}: not a string`;
  if (type === "integer" && !Number.isInteger(value)) return `${path}: not an integer`;
  if (type === "number" && typeof value !== "number") return `${path}: not a number`;
  if (type === "boolean" && typeof value !== "boolean") return `${path}: not a boolean`;
  if (type === "array") {
    if (!Array.isArray(value)) return `${path}: not an array`;
    for (const [i, v] of value.entries()) {
      const p = schemaProblem(s.items, v, `${path}.${i}`);
      if (p) return p;
    }
  }
  if (type === "object") {
    if (!value || typeof value !== "object" || Array.isArray(value)) return `${path}: not an object`;
    const props = (s.properties ?? {}) as Json;
    for (const k of (s.required as string[] | undefined) ?? []) if (!(k in (value as Json))) return `${path}.${k}: missing`;
    for (const [k, v] of Object.entries(value as Json)) {
      if (!(k in props)) return `${path}.${k}: not in the schema`;
      const p = schemaProblem(props[k], v, `${path}.${k}`);
      if (p) return p;
    }
  }
  return null;
}

function turnOf(reply: Reply, req: RecordedRequest): Turn | null {
  if ("turn" in reply) return reply.turn;
  if ("text" in reply) return { text: reply.text };
  if ("toolInput" in reply) {
    const name = reply.tool ?? FINAL_TOOLS.find((t) => req.body.tools?.some((x) => x.name === t)) ?? req.body.tools?.[0]?.name ?? "propose_experiment";
    return { thinking: reply.thinking ?? "Weighing the results so far before proposing.", toolCalls: [{ name, input: reply.toolInput }] };
  }
  return null;
}

/** The message the scripted turn becomes, under what the request allows. */
function buildMessage(checked: CheckedRequest, turn: Turn, req: RecordedRequest, usage: Json, n: number): Json {
  const body = checked.body;
  const content: Json[] = [];
  const thinkingOn = checked.thinking === "adaptive" || checked.thinking === "enabled" || checked.thinking === "between_tools";
  const spent = turn.outputTokens ?? tokensOf(turn.thinking ?? "") + tokensOf(turn.text ?? "") + tokensOf(JSON.stringify(turn.toolCalls ?? [])) + 1;
  const cut = spent > (body.max_tokens as number);
  if (thinkingOn && turn.thinking !== undefined) {
    const shown = checked.display === "summarized" ? turn.thinking : "";
    content.push({ type: "thinking", thinking: shown, signature: sign(checked.model.id, shown, prefixDigest(body, (body.messages as unknown[]).length)) });
  }
  if (!cut) {
    if (turn.text) content.push({ type: "text", text: turn.text });
    for (const [i, call] of (turn.toolCalls ?? []).entries()) {
      const tool = req.body.tools?.find((t) => t.name === call.name);
      if (!tool) throw new Error(`the brain called ${call.name}, which the request does not offer`);
      if (tool.strict) {
        const problem = schemaProblem(tool.input_schema, call.input);
        if (problem) throw new Error(`the brain's input for the strict tool ${call.name} does not match its schema (${problem}): a strict tool's input always does`);
      }
      content.push({ type: "tool_use", id: `toolu_${n}_${i}_${crypto.randomBytes(4).toString("hex")}`, name: call.name, input: call.input });
    }
  }
  const stop = cut ? "max_tokens" : turn.stop === "refusal" ? "refusal" : content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
  return {
    id: `msg_${n}_${crypto.randomBytes(6).toString("hex")}`,
    type: "message",
    role: "assistant",
    model: checked.model.id,
    content,
    stop_reason: stop,
    stop_sequence: null,
    stop_details: stop === "refusal" ? { type: "refusal", category: turn.refusal?.category ?? null, explanation: turn.refusal?.explanation ?? null } : null,
    usage: { ...usage, output_tokens: cut ? (body.max_tokens as number) : spent },
  };
}

function writeStream(res: http.ServerResponse, message: Json): void {
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const usage = message.usage as Json;
  send("message_start", { type: "message_start", message: { ...message, content: [], stop_reason: null, stop_details: null, usage: { ...usage, output_tokens: 1 } } });
  send("ping", { type: "ping" });
  for (const [index, block] of (message.content as Json[]).entries()) {
    if (block.type === "thinking") {
      send("content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
      const text = String(block.thinking);
      for (let i = 0; i < text.length; i += 40) send("content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: text.slice(i, i + 40) } });
      send("content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature } });
    } else if (block.type === "text") {
      send("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
      const text = String(block.text);
      for (let i = 0; i < text.length; i += 40) send("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: text.slice(i, i + 40) } });
    } else {
      send("content_block_start", { type: "content_block_start", index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block.input);
      for (let i = 0; i < json.length; i += 60) send("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: json.slice(i, i + 60) } });
    }
    send("content_block_stop", { type: "content_block_stop", index });
  }
  // message_delta's usage is cumulative (streaming page).
  send("message_delta", { type: "message_delta", delta: { stop_reason: message.stop_reason, stop_sequence: null, stop_details: message.stop_details }, usage });
  send("message_stop", { type: "message_stop" });
  res.end();
}

export async function startFakeAnthropic(brain: Brain | Reply[], portOrOptions: number | FakeOptions = 0): Promise<FakeAnthropic> {
  const opts: FakeOptions = typeof portOrOptions === "number" ? { port: portOrOptions } : portOrOptions;
  const apiKey = opts.apiKey ?? "test-key";
  const script: Brain = typeof brain === "function" ? brain : (_req, n) => brain[n] ?? brain[brain.length - 1]!;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const caches = new Map<string, PromptCache>();
  let answeredCount = 0;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const requestId = `req_${crypto.randomBytes(8).toString("hex")}`;
      const fail = (e: ApiError, rec?: RecordedRequest) => {
        if (rec) rec.error = e;
        // A brain's failure is a bug in a test: the SDK is told not to retry it (x-should-retry).
        res.writeHead(e.status, { "content-type": "application/json", "request-id": requestId, ...(e.type === "api_error" ? { "x-should-retry": "false" } : {}) });
        res.end(errorBody(e, requestId));
      };
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
      const key = (req.headers["x-api-key"] as string | undefined) ?? bearer;
      // authentication_error: a missing, malformed or revoked key (https://platform.claude.com/docs/en/api/errors).
      if (key !== apiKey) return fail({ status: 401, type: "authentication_error", message: "invalid x-api-key" });
      const url = new URL(req.url ?? "/", "http://fake");
      const lookup = (id: string) => findModel(id) ?? opts.extraModels?.find((m) => m.id === id);
      if (req.method === "GET" && url.pathname.startsWith("/v1/models") && opts.noModelsApi) return fail({ status: 404, type: "not_found_error", message: `Not found: ${url.pathname}` });
      if (req.method === "GET" && url.pathname === "/v1/models") {
        const data = [...FAKE_MODELS, ...(opts.extraModels ?? [])].map(modelInfo);
        res.writeHead(200, { "content-type": "application/json", "request-id": requestId });
        return res.end(JSON.stringify({ data, first_id: data[0]!.id, last_id: data.at(-1)!.id, has_more: false }));
      }
      const one = /^\/v1\/models\/([^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && one) {
        const m = lookup(decodeURIComponent(one[1]!));
        if (!m) return fail({ status: 404, type: "not_found_error", message: `model: ${decodeURIComponent(one[1]!)}` });
        res.writeHead(200, { "content-type": "application/json", "request-id": requestId });
        return res.end(JSON.stringify(modelInfo(m)));
      }
      if (req.method !== "POST" || url.pathname !== "/v1/messages") return fail({ status: 404, type: "not_found_error", message: `Not found: ${req.method} ${url.pathname}` });
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return fail({ status: 400, type: "invalid_request_error", message: "The request body is not valid JSON." });
      }
      const rec: RecordedRequest = { headers: req.headers, body: body as RecordedRequest["body"] };
      requests.push(rec);
      const checked = checkRequest(body, req.headers, lookup);
      if ("status" in checked) return fail(checked, rec);
      const thinkingCheck = checkThinkingBlocks(checked.body, checked.model);
      if ("status" in thinkingCheck) return fail(thinkingCheck, rec);
      const n = answeredCount++;
      let reply: Reply;
      try {
        reply = script(rec, n);
      } catch (e) {
        return fail({ status: 500, type: "api_error", message: `the fake's brain failed: ${(e as Error).message}` }, rec);
      }
      if ("hang" in reply) return;
      if ("status" in reply) {
        rec.error = { status: reply.status, type: reply.error.type, message: reply.error.message };
        res.writeHead(reply.status, { "content-type": "application/json", "request-id": requestId, ...reply.headers });
        return res.end(errorBody(rec.error, requestId));
      }
      const cache = caches.get(checked.model.id) ?? new PromptCache(opts.now);
      caches.set(checked.model.id, cache);
      const usage: Json = { ...cache.account(checked.body, checked.model.minCacheableTokens), service_tier: "standard" };
      if ("dropAfterStart" in reply) {
        res.writeHead(200, { "content-type": "text/event-stream", "request-id": requestId });
        res.write(
          `event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: `msg_${n}`, type: "message", role: "assistant", model: checked.model.id, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } })}\n\n`,
        );
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      let message: Json;
      try {
        const turn = turnOf(reply, rec)!;
        message = buildMessage(checked, turn, rec, usage, n);
      } catch (e) {
        return fail({ status: 500, type: "api_error", message: `the fake's brain failed: ${(e as Error).message}` }, rec);
      }
      if ("usage" in reply && reply.usage) message.usage = { ...(message.usage as Json), ...reply.usage };
      rec.response = message;
      if (checked.body.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": requestId });
        writeStream(res, message);
      } else {
        res.writeHead(200, { "content-type": "application/json", "request-id": requestId });
        res.end(JSON.stringify(message));
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answered: () => requests.filter((r) => r.response),
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The text of a request's first user message (every text block, in order). */
export function userText(req: RecordedRequest): string {
  const first = req.body.messages[0]?.content;
  if (typeof first === "string") return first;
  return ((first as { type: string; text?: string }[]) ?? []).map((b) => b.text ?? "").join("\n\n");
}

/** The text of every tool result the request carries (what the agent has read so far this turn). */
export function toolResults(req: RecordedRequest): { name: string; input: Json; content: string; isError: boolean }[] {
  const out: { name: string; input: Json; content: string; isError: boolean }[] = [];
  const msgs = req.body.messages;
  for (let i = 1; i < msgs.length; i++) {
    const prev = msgs[i - 1]!;
    if (prev.role !== "assistant" || !Array.isArray(prev.content) || !Array.isArray(msgs[i]!.content)) continue;
    for (const b of msgs[i]!.content as Json[]) {
      if (b.type !== "tool_result") continue;
      const use = (prev.content as Json[]).find((u) => u.type === "tool_use" && u.id === b.tool_use_id);
      const content = typeof b.content === "string" ? b.content : ((b.content as Json[] | undefined) ?? []).map((c) => String(c.text ?? "")).join("");
      out.push({ name: String(use?.name), input: (use?.input ?? {}) as Json, content, isError: b.is_error === true });
    }
  }
  return out;
}

/** A reply that proposes: the fields a test names, the rest of propose_experiment's strict input filled in. */
export function proposing(p: { title: string; hypothesis: string; edits: { file: string; old: string; new: string }[]; fixes_experiment?: number; learned?: string; next_ideas?: string[] }): Reply {
  return { toolInput: { fixes_experiment: 0, learned: "", next_ideas: [], ...p } };
}
