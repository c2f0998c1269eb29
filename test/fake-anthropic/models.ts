/**
 * The models the fake Messages API serves, each with what the platform documentation says it takes and what it
 * refuses. The ModelInfo objects are what GET /v1/models returns (https://platform.claude.com/docs/en/api/models).
 * Facts and their pages: docs/claude-api-facts.md.
 */
type Level = "low" | "medium" | "high" | "xhigh" | "max";
const ALL_LEVELS: Level[] = ["low", "medium", "high", "xhigh", "max"];

export interface FakeModel {
  id: string;
  aliases?: string[];
  displayName: string;
  maxTokens: number;
  maxInputTokens: number;
  /** Thinking types it accepts; on the 5.x models adaptive is the default when none is sent. */
  thinking: { adaptive: boolean; enabled: boolean; disabled: boolean; betweenTools: boolean; defaultOn: boolean };
  /** Effort levels it takes; [] when it takes no effort parameter (Haiku 4.5). */
  effort: Level[];
  defaultEffort: Level | null;
  /** "What's new in Claude Fable 5.1 / Opus 5.5 / Sonnet 5.5": `tool_choice` "tool" and "any" return a 400. */
  refusesForcedToolUse: boolean;
  /** Prefill (a conversation ending with an assistant turn) is refused on the 5.x models (Haiku 5.5 migration guide). */
  refusesPrefill: boolean;
  /** `disabled` / `between_tools` are taken only at these efforts (Haiku 5.5 prompting guide; Sonnet 5.5 what's new). */
  maxEffortWithoutUpFrontThinking: Level | null;
  /** Models whose thinking blocks it can read (preserved-thinking); others' blocks are dropped without an error. */
  reads: string[];
  minCacheableTokens: number;
}

/** Thinking always on, forced tool use refused: Fable 5.1 and 5.2, Opus 5.5 (their what's-new pages). */
const alwaysThinking = (id: string, displayName: string, defaultEffort: Level, reads: string[]): FakeModel => ({
  id,
  displayName,
  maxTokens: 128_000,
  maxInputTokens: 1_000_000,
  thinking: { adaptive: true, enabled: false, disabled: false, betweenTools: false, defaultOn: true },
  effort: ALL_LEVELS,
  defaultEffort,
  refusesForcedToolUse: true,
  refusesPrefill: true,
  maxEffortWithoutUpFrontThinking: null,
  reads,
  minCacheableTokens: 512,
});

export const FAKE_MODELS: FakeModel[] = [
  // Only Fable 5.2 reads Fable 5.2's thinking blocks; Fable 5.1 reads Opus 5.5's; Opus 5.5 reads its own.
  alwaysThinking("claude-fable-5-2", "Claude Fable 5.2", "high", ["claude-fable-5-2"]),
  alwaysThinking("claude-fable-5-1", "Claude Fable 5.1", "high", ["claude-fable-5-1", "claude-opus-5-5"]),
  alwaysThinking("claude-opus-5-5", "Claude Opus 5.5", "medium", ["claude-opus-5-5"]),
  {
    id: "claude-sonnet-5-5",
    displayName: "Claude Sonnet 5.5",
    maxTokens: 128_000,
    maxInputTokens: 1_000_000,
    thinking: { adaptive: true, enabled: false, disabled: false, betweenTools: true, defaultOn: true },
    effort: ALL_LEVELS,
    defaultEffort: "high",
    refusesForcedToolUse: true,
    refusesPrefill: true,
    maxEffortWithoutUpFrontThinking: "high",
    reads: ["claude-sonnet-5-5"],
    minCacheableTokens: 512,
  },
  {
    id: "claude-haiku-5-5",
    displayName: "Claude Haiku 5.5",
    maxTokens: 128_000,
    maxInputTokens: 1_000_000,
    thinking: { adaptive: true, enabled: false, disabled: true, betweenTools: false, defaultOn: true },
    effort: ALL_LEVELS,
    defaultEffort: "medium",
    refusesForcedToolUse: false,
    refusesPrefill: true,
    maxEffortWithoutUpFrontThinking: "high",
    reads: ["claude-haiku-5-5"],
    minCacheableTokens: 512,
  },
  {
    id: "claude-haiku-4-5-20251001",
    aliases: ["claude-haiku-4-5"],
    displayName: "Claude Haiku 4.5",
    maxTokens: 64_000,
    maxInputTokens: 200_000,
    thinking: { adaptive: false, enabled: true, disabled: true, betweenTools: false, defaultOn: false },
    effort: [],
    defaultEffort: null,
    refusesForcedToolUse: false,
    refusesPrefill: false,
    maxEffortWithoutUpFrontThinking: null,
    reads: ["claude-haiku-4-5-20251001"],
    minCacheableTokens: 4096,
  },
];

export function findModel(id: string): FakeModel | undefined {
  return FAKE_MODELS.find((m) => m.id === id || m.aliases?.includes(id));
}

const yes = (supported: boolean) => ({ supported });

/** The ModelInfo the Models API answers with. */
export function modelInfo(m: FakeModel) {
  return {
    type: "model",
    id: m.id,
    display_name: m.displayName,
    created_at: "2026-09-22T00:00:00Z",
    max_input_tokens: m.maxInputTokens,
    max_tokens: m.maxTokens,
    capabilities: {
      batch: yes(true),
      citations: yes(true),
      code_execution: yes(false),
      context_management: { supported: false, clear_thinking_20251015: null, clear_tool_uses_20250919: null, compact_20260112: null },
      effort: {
        supported: m.effort.length > 0,
        low: yes(m.effort.includes("low")),
        medium: yes(m.effort.includes("medium")),
        high: yes(m.effort.includes("high")),
        xhigh: yes(m.effort.includes("xhigh")),
        max: yes(m.effort.includes("max")),
      },
      image_input: yes(true),
      pdf_input: yes(true),
      server_tools: { supported: false, code_execution: yes(false), web_search: yes(false) },
      structured_outputs: yes(true),
      thinking: { supported: true, types: { adaptive: yes(m.thinking.adaptive), enabled: yes(m.thinking.enabled), disabled: yes(m.thinking.disabled), between_tools: yes(m.thinking.betweenTools) } },
    },
  };
}

export const LEVELS = ALL_LEVELS;
