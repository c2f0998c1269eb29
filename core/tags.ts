/**
 * A human's labels on an experiment or a session ("architecture", "lr-sweep"), to find and group them by, as W&B's
 * tags. Pure: lowercase words of letters, digits, `.`, `_` and `-`, at most MAX_TAGS each.
 */
import { z } from "zod";

export const MAX_TAGS = 12;

export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,31}$/, { message: "a tag is a word of at most 32 letters, digits, '.', '_' or '-', e.g. lr-sweep" });

export const tagsSchema = z
  .array(tagSchema)
  .max(MAX_TAGS, { message: `at most ${MAX_TAGS} tags` })
  .transform((tags) => [...new Set(tags)].sort());

/** The tags a person typed ("Architecture, lr-sweep"): separated by commas or spaces. */
export function parseTags(text: string): { ok: true; tags: string[] } | { ok: false; error: string } {
  const parsed = tagsSchema.safeParse(text.split(/[\s,]+/).filter(Boolean));
  return parsed.success ? { ok: true, tags: parsed.data } : { ok: false, error: parsed.error.issues[0]!.message };
}

/** Tags as stored (a JSON array); anything else reads as none. */
export function storedTags(json: string | null | undefined): string[] {
  try {
    const parsed = tagsSchema.safeParse(JSON.parse(json ?? "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
