/**
 * Thinking blocks as the API binds them (https://platform.claude.com/docs/en/build-with-claude/preserved-thinking):
 * each signature names the model that produced the block, seals its text, and seals the conversation before
 * it (system, tools and the earlier messages). A block passed back changed, or under another conversation, is
 * refused; a block the current model cannot read is dropped without an error.
 */
import crypto from "node:crypto";
import { strip } from "./cache";
import type { ApiError } from "./contract";
import type { FakeModel } from "./models";

const SECRET = crypto.randomBytes(32);
type Json = Record<string, unknown>;

const mac = (...parts: string[]) => crypto.createHmac("sha256", SECRET).update(parts.join("\u0000")).digest("base64url");

/** What precedes the assistant message at `index`: cache_control is request metadata, not conversation. */
export function prefixDigest(body: Json, index: number): string {
  const messages = ((body.messages as Json[]) ?? []).slice(0, index);
  return crypto
    .createHash("sha256")
    .update(JSON.stringify(strip({ system: body.system ?? null, tools: body.tools ?? null, messages })))
    .digest("base64url");
}

/** `thinking` is the text as returned (empty when the display is omitted): passed back, it must be the same. */
export function sign(model: string, thinking: string, prefix: string): string {
  return Buffer.from(JSON.stringify({ m: model, t: mac("text", model, thinking), p: mac("prefix", model, prefix) })).toString("base64url");
}

/**
 * Checks the thinking blocks passed back; returns the error, or null with the ones it dropped counted.
 * Messages 400s quoted in anthropics/claude-code#19539 and fix-bound-to-a-different-conversation.
 */
export function checkThinkingBlocks(body: Json, model: FakeModel): ApiError | { dropped: number } {
  const messages = (body.messages as Json[]) ?? [];
  const lastAssistant = messages.map((m) => m.role).lastIndexOf("assistant");
  let dropped = 0;
  for (const [i, m] of messages.entries()) {
    if (m.role !== "assistant" || !Array.isArray(m.content)) continue;
    for (const [j, b] of (m.content as Json[]).entries()) {
      if (b.type !== "thinking") continue;
      let sig: { m: string; t: string; p: string };
      try {
        sig = JSON.parse(Buffer.from(String(b.signature), "base64url").toString("utf8"));
      } catch {
        return { status: 400, type: "invalid_request_error", message: `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block.` };
      }
      if (!model.reads.includes(sig.m)) {
        dropped++;
        continue;
      }
      if (mac("text", sig.m, String(b.thinking)) !== sig.t) {
        return i === lastAssistant
          ? {
              status: 400,
              type: "invalid_request_error",
              message: `messages.${i}.content.${j}: \`thinking\` or \`redacted_thinking\` blocks in the latest assistant message cannot be modified. These blocks must remain as they were in the original response.`,
            }
          : { status: 400, type: "invalid_request_error", message: `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block.` };
      }
      if (mac("prefix", sig.m, prefixDigest(body, i)) !== sig.p) {
        return {
          status: 400,
          type: "invalid_request_error",
          message: `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block. The block is bound to a different conversation. Remove the block, or set \`thinking.block_binding.prefix_mismatch_behavior\` to "drop_block".`,
        };
      }
    }
  }
  return { dropped };
}
