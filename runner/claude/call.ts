/**
 * One Claude API call: streamed (long thinking plus a large edit would outlast the SDK's limit for a plain
 * request), metered whatever happens — answered, failed, timed out or aborted, the tokens the API reported
 * are recorded and paid for — and its error classified (core/claude/api-error). The SDK retries 408, 409,
 * 429, 5xx (529 included) and timeouts with backoff that honours retry-after.
 */
import Anthropic from "@anthropic-ai/sdk";
import { classifyApiError, type ApiFailure } from "../../core/claude/api-error";
import { costOf } from "../../core/claude/prices";
import type { ApiMeter, MeteredCall } from "../proposers/types";

export interface ClaudeClientOptions {
  apiKey: string;
  baseURL?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

export function claudeClient(o: ClaudeClientOptions): Anthropic {
  return new Anthropic({ apiKey: o.apiKey, baseURL: o.baseURL, maxRetries: o.maxRetries ?? 4, timeout: o.timeoutMs ?? 600_000 });
}

export type CallResult =
  | { ok: true; message: Anthropic.Message; callId: number | null; costUsd: number | null; tokens: MeteredCall["tokens"] }
  | { ok: false; failure: ApiFailure; aborted: boolean; callId: number | null; costUsd: number | null; tokens: MeteredCall["tokens"] };

type Usage = Partial<Anthropic.Usage> | undefined;

function tokensOf(u: Usage): MeteredCall["tokens"] {
  const split = u?.cache_creation;
  const write = u?.cache_creation_input_tokens ?? 0;
  return {
    input: u?.input_tokens ?? 0,
    output: u?.output_tokens ?? 0,
    // Usage splits writes by TTL; a server that gives only the total is counted as 5-minute writes.
    cacheWrite5m: split ? (split.ephemeral_5m_input_tokens ?? 0) : write,
    cacheWrite1h: split ? (split.ephemeral_1h_input_tokens ?? 0) : 0,
    cacheRead: u?.cache_read_input_tokens ?? 0,
  };
}

export async function callClaude(
  client: Anthropic,
  params: Anthropic.MessageCreateParamsNonStreaming,
  opts: { role: MeteredCall["role"]; meter?: ApiMeter; signal?: AbortSignal },
): Promise<CallResult> {
  const started = performance.now();
  const stream = client.messages.stream(params, { signal: opts.signal });
  let message: Anthropic.Message | null = null;
  let error: unknown = null;
  try {
    message = await stream.finalMessage();
  } catch (e) {
    error = e;
  }
  // A failed or aborted stream still used what message_start and the deltas reported.
  const tokens = tokensOf(message?.usage ?? stream.currentMessage?.usage);
  const costUsd = costOf(params.model, tokens);
  const aborted = error instanceof Anthropic.APIUserAbortError || !!opts.signal?.aborted;
  const failure = error ? describe(error, params.model) : null;
  const status = error instanceof Anthropic.APIError ? (error.status ?? null) : null;
  const callId =
    opts.meter?.({
      role: opts.role,
      model: params.model,
      outcome: message ? "ok" : aborted ? "aborted" : "error",
      stopReason: message?.stop_reason ?? null,
      httpStatus: message ? 200 : status,
      tokens,
      costUsd,
      error: failure?.reason ?? null,
      durationMs: Math.round(performance.now() - started),
    }) ?? null;
  if (message) return { ok: true, message, callId, costUsd, tokens };
  return { ok: false, failure: aborted ? { fatal: false, reason: "the request was stopped" } : failure!, aborted, callId, costUsd, tokens };
}

/** An SDK error as the loop reads it: the API's own error type and message, classified. */
export function describe(e: unknown, model: string): ApiFailure {
  if (e instanceof Anthropic.APIConnectionTimeoutError) return classifyApiError({ message: "timed out", timedOut: true }, model);
  if (e instanceof Anthropic.APIError && e.status !== undefined) {
    const body = (e.error ?? {}) as { error?: { type?: string; message?: string; details?: { error_code?: string } } };
    return classifyApiError({ status: e.status, type: body.error?.type, message: body.error?.message ?? e.message, errorCode: body.error?.details?.error_code }, model);
  }
  return classifyApiError({ message: e instanceof Error ? e.message : String(e) }, model);
}
