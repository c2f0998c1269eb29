/**
 * What the runner found when it asked the Claude API with its key, for the dashboard (which holds no key).
 * Written to the runner's lease row; read by the web's capabilities query. Pure types and wording.
 */
export type ClaudeStatus =
  | { configured: false }
  /** `models`: the ids the key may use (the Models API), or null when that API could not be reached. */
  | { configured: true; ok: true; model: string; models: string[] | null; note: string | null; checkedAt: number }
  | { configured: true; ok: false; model: string; error: string; checkedAt: number };

/** The model the runner is set to use, when the key's model list is known and lacks it: a sentence, else null. */
export function missingModelNote(model: string, models: readonly string[] | null): string | null {
  if (!models || models.includes(model)) return null;
  return `OVERSEER_CLAUDE_MODEL ${model} is not among the models this key can use (${models.slice(0, 6).join(", ")}${models.length > 6 ? ", …" : ""})`;
}
