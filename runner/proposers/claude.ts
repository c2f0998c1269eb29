/**
 * The `claude` proposer: one bounded agent turn per proposal, run while the GPU trains. Claude reads with the
 * read-only tools, thinks (adaptive thinking, at the session's effort) and ends with propose_experiment.
 * The request follows the API as documented (docs/decisions/0012-claude-messages-api.md): no forced tool use
 * (tool_choice auto and a strict proposal tool, with one repair turn when it ends without it), no sampling
 * parameters, thinking blocks passed back unchanged, a cut answer retried once with a larger max_tokens,
 * a refusal recorded as such, and every call metered. Errors no retry can help with are fatal: the loop stops.
 */
import type Anthropic from "@anthropic-ai/sdk";
import { applyEdits } from "../../core/edits";
import { requestShape, shapeFields, type ModelCapabilities } from "../../core/claude/capabilities";
import type { Effort } from "../../core/claude/models";
import { callClaude, claudeClient, type ClaudeClientOptions } from "../claude/call";
import { modelCapabilities } from "../claude/capabilities";
import { codePrompt, PROPOSE_TOOL, statePrompt, systemPrompt } from "./claude-prompt";
import { proposalSchema, runTool, toolDefinitions } from "./claude-tools";
import type { ProposalContext, ProposalOutcome, Proposer } from "./types";

export interface ClaudeOptions extends ClaudeClientOptions {
  model: string;
  /** output_config.effort; null leaves it to the model. */
  effort?: Effort | null;
  maxTokens?: number;
  /** Read-only tool calls in one proposal before it is told to propose. */
  maxToolCalls?: number;
  /** US dollars one proposal may spend; past it the proposal fails. */
  maxCostUsd?: number | null;
  /** Where a line for the log goes (what was left to the model's defaults, and why). */
  log?: (line: string) => void;
}

export const DEFAULT_MAX_TOKENS = 32_000;

type Tokens = { input: number; output: number; cacheWrite: number; cacheRead: number };

export function claudeProposer(opts: ClaudeOptions): Proposer {
  const client = claudeClient(opts);
  const said = new Set<string>();
  return {
    name: "claude",
    async propose(ctx, signal) {
      const caps = await modelCapabilities(client, opts.model, signal);
      if (caps && "fatal" in caps) return { kind: "failed", reason: caps.reason, fatal: caps.fatal, costUsd: 0 };
      return agentTurn(client, opts, caps, ctx, signal, (line) => {
        if (said.has(line)) return;
        said.add(line);
        opts.log?.(line);
      });
    },
  };
}

async function agentTurn(
  client: Anthropic,
  opts: ClaudeOptions,
  caps: ModelCapabilities | null,
  ctx: ProposalContext,
  signal: AbortSignal | undefined,
  note: (l: string) => void,
): Promise<ProposalOutcome> {
  const editable = Object.keys(ctx.files);
  const maxToolCalls = opts.maxToolCalls ?? 12;
  let shape = requestShape(caps, { effort: opts.effort ?? null, maxTokens: opts.maxTokens ?? DEFAULT_MAX_TOKENS });
  for (const n of shape.notes) note(`claude: ${n}`);
  // Proposals come once per run: past 5 minutes apart, a 5-minute cache would be gone by the next one.
  const ttl = ctx.budgetSeconds >= 300 ? ("1h" as const) : ("5m" as const);
  const messages: Anthropic.MessageParam[] = [
    {
      role: "user",
      content: [
        { type: "text", text: codePrompt(ctx), cache_control: { type: "ephemeral", ttl } },
        { type: "text", text: statePrompt(ctx) },
      ],
    },
  ];
  const base = {
    model: opts.model,
    system: [{ type: "text" as const, text: systemPrompt(ctx, editable, { toolCalls: maxToolCalls }), cache_control: { type: "ephemeral" as const, ttl } }],
    tools: toolDefinitions(editable) as Anthropic.Tool[],
    tool_choice: { type: "auto" as const },
    // The conversation grows each round: the top-level breakpoint follows its end (automatic caching).
    cache_control: { type: "ephemeral" as const },
  };
  const tokens: Tokens = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  const callIds: number[] = [];
  let costUsd = 0;
  let unpriced = false;
  let toolCalls = 0;
  let repairs = 0;
  let widened = false;
  const spent = () => ({ costUsd, tokens: { ...tokens }, callIds: [...callIds] });
  const failed = (reason: string, fatal = false): ProposalOutcome => ({ kind: "failed", reason, fatal, ...spent() });

  for (let round = 0; round < maxToolCalls + 6; round++) {
    if (opts.maxCostUsd && costUsd >= opts.maxCostUsd) return failed(`the proposal spent $${costUsd.toFixed(3)}, its limit of $${opts.maxCostUsd.toFixed(2)}, without proposing`);
    const params = { ...base, ...shapeFields(shape), messages } as Anthropic.MessageCreateParamsNonStreaming;
    const res = await callClaude(client, params, { role: "proposer", meter: ctx.meter, signal });
    if (res.callId !== null) callIds.push(res.callId);
    if (res.costUsd === null) unpriced = true;
    costUsd += res.costUsd ?? 0;
    tokens.input += res.tokens.input;
    tokens.output += res.tokens.output;
    tokens.cacheWrite += res.tokens.cacheWrite5m + res.tokens.cacheWrite1h;
    tokens.cacheRead += res.tokens.cacheRead;
    if (unpriced) note(`claude: Overseer knows no price for ${opts.model}: its cost is shown as unknown`);
    if (!res.ok) return failed(res.failure.reason, res.failure.fatal);
    const m = res.message;
    if (m.stop_reason === "refusal") {
      const details = m.stop_details;
      const text = m.content
        .flatMap((b) => (b.type === "text" ? [b.text] : []))
        .join(" ")
        .trim();
      return { kind: "refused", reason: `Claude declined to propose${details?.category ? ` (${details.category})` : ""}: ${details?.explanation ?? (text || "no explanation given")}`, ...spent() };
    }
    if (m.stop_reason === "max_tokens") {
      // Cut short (thinking counts toward max_tokens): the same request once more with room to finish.
      const room = Math.min(shape.max_tokens * 4, caps?.maxOutputTokens ?? shape.max_tokens * 4);
      if (widened || room <= shape.max_tokens) return failed(`the answer was cut at max_tokens ${shape.max_tokens} twice: raise the proposer's max tokens or lower its effort`);
      widened = true;
      shape = { ...shape, max_tokens: room };
      continue;
    }
    if (m.stop_reason === "model_context_window_exceeded") return failed("the conversation filled the model's context window before a proposal");
    messages.push({ role: "assistant", content: m.content as Anthropic.ContentBlockParam[] }); // unchanged: thinking blocks are bound to it
    const uses = m.content.filter((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
    const proposal = uses.find((u) => u.name === PROPOSE_TOOL);
    if (proposal) {
      const parsed = proposalSchema.safeParse(proposal.input);
      const badFile = parsed.success ? parsed.data.edits.find((e) => !editable.includes(e.file))?.file : undefined;
      // Edits that do not apply to the code it was shown are sent back in the same conversation, where it can see why.
      const applied = parsed.success && !badFile ? applyEdits(ctx.files, parsed.data.edits) : null;
      if (parsed.success && !badFile && applied?.ok) {
        const a = parsed.data;
        return {
          kind: "proposal",
          title: a.title,
          hypothesis: a.hypothesis,
          edits: a.edits,
          fixOf: a.fixes_experiment > 0 ? a.fixes_experiment : undefined,
          notebook: { learned: a.learned.trim(), next: a.next_ideas.map((s) => s.trim()).filter(Boolean) },
          ...spent(),
        };
      }
      const problem = badFile
        ? `edits: ${badFile} is not an editable file (${editable.join(", ")})`
        : applied && !applied.ok
          ? `the edits do not apply to the code at the best commit: ${applied.error}`
          : parsed.error!.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ");
      if (repairs++ >= 1) return failed(`the answer was malformed twice (${problem})`);
      messages.push({
        role: "user",
        content: uses.map((u) => ({
          type: "tool_result" as const,
          tool_use_id: u.id,
          is_error: true,
          content: u === proposal ? `Invalid proposal: ${problem}. Call ${PROPOSE_TOOL} again, corrected.` : "Not run: the proposal came in the same answer.",
        })),
      });
      continue;
    }
    if (uses.length === 0) {
      // It ended its turn without proposing: one repair turn (a user message; the API takes no prefill).
      if (repairs++ >= 1) return failed(`Claude ended its turn twice without calling ${PROPOSE_TOOL}`);
      messages.push({ role: "user", content: `You ended your turn without calling ${PROPOSE_TOOL}. Call it now with your proposal.` });
      continue;
    }
    const results: Anthropic.ToolResultBlockParam[] = [];
    for (const u of uses) {
      if (toolCalls >= maxToolCalls) {
        results.push({ type: "tool_result", tool_use_id: u.id, is_error: true, content: `Tool budget spent (${maxToolCalls} calls): call ${PROPOSE_TOOL} now.` });
        continue;
      }
      toolCalls++;
      const answer = ctx.workbench ? await runTool(u.name, u.input, ctx.workbench, ctx.humanNotes ?? []) : { content: "the workbench is not available here", isError: true };
      results.push({ type: "tool_result", tool_use_id: u.id, content: answer.content, ...(answer.isError ? { is_error: true } : {}) });
    }
    messages.push({ role: "user", content: results });
  }
  return failed(`Claude used its ${maxToolCalls} tool calls and more without proposing`);
}
