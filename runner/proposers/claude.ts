/**
 * The `claude` proposer: @anthropic-ai/sdk with one forced tool whose schema is the proposal. The SDK retries
 * 408/409/429/5xx (529 included) and timeouts with backoff that honours retry-after. A malformed answer gets
 * one repair request; then the proposal has failed and the loop goes on. Tokens and cost are recorded.
 */
import Anthropic from "@anthropic-ai/sdk";
import { z } from "zod";
import { systemPrompt, toolSchema, TOOL_NAME, userPrompt } from "./claude-prompt";
import type { ProposalContext, ProposalOutcome, Proposer } from "./types";

export interface ClaudeOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  maxRetries?: number;
  timeoutMs?: number;
  maxTokens?: number;
}

const answerSchema = z.object({
  title: z.string().trim().min(1).max(200),
  hypothesis: z.string().trim().min(1),
  edits: z.array(z.object({ file: z.string(), old: z.string().min(1), new: z.string() })).min(1),
  fixes_experiment: z.number().int().nonnegative().optional(),
});

/** US dollars per million tokens: input, output, cache write, cache read. */
function prices(model: string): [number, number, number, number] {
  if (/opus/.test(model)) return [15, 75, 18.75, 1.5];
  if (/haiku/.test(model)) return [1, 5, 1.25, 0.1];
  return [3, 15, 3.75, 0.3];
}

type Usage = { input_tokens?: number | null; output_tokens?: number | null; cache_creation_input_tokens?: number | null; cache_read_input_tokens?: number | null };

type Tokens = { input: number; output: number; cacheWrite: number; cacheRead: number };

function addUsage(total: Tokens, u: Usage | undefined): void {
  total.input += u?.input_tokens ?? 0;
  total.output += u?.output_tokens ?? 0;
  total.cacheWrite += u?.cache_creation_input_tokens ?? 0;
  total.cacheRead += u?.cache_read_input_tokens ?? 0;
}

export function costOf(model: string, t: Tokens): number {
  const [i, o, w, r] = prices(model);
  return (t.input * i + t.output * o + t.cacheWrite * w + t.cacheRead * r) / 1e6;
}

export function claudeProposer(opts: ClaudeOptions): Proposer {
  const client = new Anthropic({ apiKey: opts.apiKey, baseURL: opts.baseURL, maxRetries: opts.maxRetries ?? 4, timeout: opts.timeoutMs ?? 120_000 });
  return {
    name: "claude",
    async propose(ctx: ProposalContext, signal?: AbortSignal): Promise<ProposalOutcome> {
      const editable = Object.keys(ctx.files);
      const tokens: Tokens = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
      const messages: Anthropic.MessageParam[] = [{ role: "user", content: userPrompt(ctx) }];
      const request = () =>
        client.messages.create(
          {
            model: opts.model,
            max_tokens: opts.maxTokens ?? 4096,
            system: [{ type: "text", text: systemPrompt(ctx, editable), cache_control: { type: "ephemeral" } }],
            tools: [toolSchema(editable)],
            tool_choice: { type: "tool", name: TOOL_NAME },
            messages,
          },
          { signal },
        );
      const failed = (reason: string): ProposalOutcome => ({ kind: "failed", reason, costUsd: costOf(opts.model, tokens), tokens });
      for (let attempt = 0; attempt < 2; attempt++) {
        let res: Anthropic.Message;
        try {
          res = await request();
        } catch (e) {
          return failed(describeError(e));
        }
        addUsage(tokens, res.usage);
        const call = res.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use" && b.name === TOOL_NAME);
        const parsed = call ? answerSchema.safeParse(call.input) : null;
        if (call && parsed?.success) {
          const a = parsed.data;
          return { kind: "proposal", title: a.title, hypothesis: a.hypothesis, edits: a.edits, fixOf: a.fixes_experiment, costUsd: costOf(opts.model, tokens), tokens };
        }
        const problem = call && parsed && !parsed.success ? parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ") : `no call of ${TOOL_NAME}`;
        if (attempt === 1) return failed(`the answer was malformed twice (${problem})`);
        // One repair request: show the model what was wrong with its answer.
        messages.push({ role: "assistant", content: res.content });
        messages.push({
          role: "user",
          content: call
            ? [{ type: "tool_result", tool_use_id: call.id, is_error: true, content: `Invalid input: ${problem}. Call ${TOOL_NAME} again with title, hypothesis and edits.` }]
            : `Your answer did not call ${TOOL_NAME}. Call it now.`,
        });
      }
      return failed("unreachable");
    },
  };
}

function describeError(e: unknown): string {
  if (e instanceof Anthropic.APIConnectionTimeoutError) return "the Claude API timed out (after retries)";
  if (e instanceof Anthropic.APIError) return `the Claude API answered ${e.status ?? "with an error"}: ${e.message}`;
  return `could not reach the Claude API: ${e instanceof Error ? e.message : String(e)}`;
}
