/**
 * What a model takes, from the Models API's ModelInfo (GET /v1/models/{id};
 * https://platform.claude.com/docs/en/api/models), and the request fields that follow from it. Pure.
 * Nothing here reads a model's name: an id Overseer has never heard of works from what the API says of it,
 * and where the API cannot be asked, the request leaves thinking and effort to the model's own defaults.
 */
import type { Effort } from "./models";
import { EFFORTS } from "./models";

export interface ModelCapabilities {
  id: string;
  displayName: string | null;
  /** The largest max_tokens the model takes. */
  maxOutputTokens: number | null;
  maxInputTokens: number | null;
  thinking: { adaptive: boolean; enabled: boolean; disabled: boolean; betweenTools: boolean } | null;
  /** The effort levels it takes; null when it takes no effort parameter. */
  effort: Effort[] | null;
}

const supported = (x: unknown): boolean => !!x && typeof x === "object" && (x as { supported?: unknown }).supported === true;

export function capabilitiesFromModelInfo(info: unknown): ModelCapabilities {
  const o = (info ?? {}) as Record<string, unknown>;
  const caps = (o.capabilities ?? null) as Record<string, unknown> | null;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : null);
  const thinking = caps?.thinking as { supported?: boolean; types?: Record<string, unknown> } | undefined;
  const effort = caps?.effort as Record<string, unknown> | undefined;
  return {
    id: typeof o.id === "string" ? o.id : "",
    displayName: typeof o.display_name === "string" ? o.display_name : null,
    maxOutputTokens: num(o.max_tokens),
    maxInputTokens: num(o.max_input_tokens),
    thinking: supported(thinking)
      ? {
          adaptive: supported(thinking?.types?.adaptive),
          enabled: supported(thinking?.types?.enabled),
          disabled: supported(thinking?.types?.disabled),
          betweenTools: supported(thinking?.types?.between_tools),
        }
      : null,
    effort: supported(effort) ? EFFORTS.filter((level) => supported(effort?.[level])) : null,
  };
}

export interface RequestShape {
  max_tokens: number;
  thinking?: { type: "adaptive" };
  output_config?: { effort: Effort };
  /** What was left to the model's defaults, and why: said once in the log. */
  notes: string[];
}

/** The request fields a shape sets (max_tokens always; thinking and output_config where the model takes them). */
export function shapeFields(shape: RequestShape): { max_tokens: number; thinking?: RequestShape["thinking"]; output_config?: RequestShape["output_config"] } {
  return { max_tokens: shape.max_tokens, ...(shape.thinking ? { thinking: shape.thinking } : {}), ...(shape.output_config ? { output_config: shape.output_config } : {}) };
}

/**
 * Adaptive thinking where the model has it, the wanted effort (or the nearest lower level it takes), and
 * max_tokens within its limit. No sampling parameters: the API version the SDK sends (2026-10-21) refuses them.
 */
export function requestShape(caps: ModelCapabilities | null, want: { effort: Effort | null; maxTokens: number }): RequestShape {
  if (!caps) return { max_tokens: want.maxTokens, notes: ["the Models API could not be asked, so thinking and effort are the model's defaults"] };
  const notes: string[] = [];
  const shape: RequestShape = { max_tokens: caps.maxOutputTokens ? Math.min(want.maxTokens, caps.maxOutputTokens) : want.maxTokens, notes };
  if (caps.thinking?.adaptive) shape.thinking = { type: "adaptive" };
  else notes.push(`${caps.id} has no adaptive thinking: it answers without thinking first`);
  if (want.effort) {
    if (!caps.effort?.length) notes.push(`${caps.id} takes no effort parameter: effort ${want.effort} is not sent`);
    else {
      const at = EFFORTS.indexOf(want.effort);
      const level = [...caps.effort].reverse().find((l) => EFFORTS.indexOf(l) <= at) ?? caps.effort[0]!;
      if (level !== want.effort) notes.push(`${caps.id} does not take effort ${want.effort}: ${level} is sent`);
      shape.output_config = { effort: level };
    }
  }
  return shape;
}
