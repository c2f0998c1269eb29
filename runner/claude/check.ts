/**
 * Asks the Claude API, once the runner starts and now and then after, whether its key works and which models it
 * may use (GET /v1/models): the dashboard then says plainly "the key was refused" before a loop is started.
 */
import Anthropic from "@anthropic-ai/sdk";
import { missingModelNote, type ClaudeStatus } from "../../core/claude/status";
import type { Settings } from "../../core/settings";
import { describe } from "./call";

export async function checkClaude(settings: Settings, now = Date.now): Promise<ClaudeStatus> {
  const { apiKey, baseURL, model } = settings.anthropic;
  if (!apiKey) return { configured: false };
  const client = new Anthropic({ apiKey, baseURL: baseURL ?? undefined, maxRetries: 1, timeout: 15_000 });
  try {
    const models: string[] = [];
    for await (const m of client.models.list({ limit: 100 })) models.push(m.id);
    return { configured: true, ok: true, model, models, note: missingModelNote(model, models), checkedAt: now() };
  } catch (e) {
    if (e instanceof Anthropic.APIError && (e.status === 401 || e.status === 403 || e.status === 402))
      return { configured: true, ok: false, model, error: describe(e, model).reason, checkedAt: now() };
    // Unreachable, or a compatible server without the Models API: loops may still work; say so, not more.
    return {
      configured: true,
      ok: true,
      model,
      models: null,
      note: `the Models API could not be asked (${e instanceof Error ? e.message : String(e)}): the key is checked on the first proposal`,
      checkedAt: now(),
    };
  }
}
