/**
 * The current Claude models by name, for the dashboard's picker and the CLI's help (the models overview,
 * https://platform.claude.com/docs/en/about-claude/models/overview, read 2026-12-01). Any other id works too:
 * what a model can do comes from the Models API, not from this list.
 */
export const CURRENT_MODELS = [
  { id: "claude-sonnet-5-5", name: "Claude Sonnet 5.5" },
  { id: "claude-opus-5-5", name: "Claude Opus 5.5" },
  { id: "claude-fable-5-1", name: "Claude Fable 5.1" },
  { id: "claude-haiku-5-5", name: "Claude Haiku 5.5" },
] as const;

export const DEFAULT_MODEL = "claude-sonnet-5-5";

/** output_config.effort's levels (the effort page); the Models API says which a model takes. */
export const EFFORTS = ["low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof EFFORTS)[number];

export const MODEL_ID = /^[\w.:@/-]{1,100}$/;
