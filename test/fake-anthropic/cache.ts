/**
 * Prompt caching as the API reports it (https://platform.claude.com/docs/en/build-with-claude/prompt-caching):
 * a breakpoint caches the prefix up to its block (tools, then system, then messages) for its TTL; a later
 * request whose prefix matches reads it; prefixes under the model's minimum are not cached and cost nothing
 * extra. Tokens are estimated at 4 characters each: the counts are the fake's, the arithmetic is the API's.
 */
import crypto from "node:crypto";
import { cacheBreakpoints } from "./contract";

type Json = Record<string, unknown>;
export const tokensOf = (v: unknown) => Math.ceil((typeof v === "string" ? v : JSON.stringify(v ?? "")).length / 4);

export interface CacheUsage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** A request's content without cache_control: markers are request metadata, not conversation. */
export const strip = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(strip)
    : v && typeof v === "object"
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => k !== "cache_control")
            .map(([k, x]) => [k, strip(x)]),
        )
      : v;

/** The request as ordered blocks, each with its path, for prefix hashing and counting. */
function units(body: Json): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  for (const [i, t] of ((body.tools as Json[] | undefined) ?? []).entries()) out.push({ path: `tools.${i}`, value: t });
  const system = body.system;
  if (typeof system === "string") out.push({ path: "system", value: system });
  else for (const [i, b] of ((system as Json[] | undefined) ?? []).entries()) out.push({ path: `system.${i}`, value: b });
  ((body.messages as Json[]) ?? []).forEach((m, i) => {
    const blocks = typeof m.content === "string" ? [m.content] : (m.content as unknown[]);
    for (const [j, b] of blocks.entries()) out.push({ path: `messages.${i}.content.${j}`, value: { role: m.role, b } });
  });
  return out;
}

export class PromptCache {
  private entries = new Map<string, number>();
  constructor(private now: () => number = Date.now) {}

  /** Works out the usage of one request and updates what is cached. */
  account(body: Json, minTokens: number): CacheUsage {
    const us = units(body);
    const hash = crypto.createHash("sha256");
    const digests: string[] = [];
    const cumulative: number[] = [];
    let tokens = 0;
    for (const u of us) {
      hash.update(`${u.path}\u0000${JSON.stringify(strip(u.value))}\u0000`);
      digests.push(hash.copy().digest("base64url"));
      tokens += tokensOf(strip(u.value));
      cumulative.push(tokens);
    }
    const total = tokens;
    const points = cacheBreakpoints(body).map((p) => ({ at: us.findIndex((u) => u.path === p.path), ttl: p.ttl }));
    // The top-level cache_control marks the last cacheable block, moving forward as the conversation grows.
    if (body.cache_control && typeof body.cache_control === "object") points.push({ at: us.length - 1, ttl: (body.cache_control as Json).ttl === "1h" ? "1h" : "5m" });
    const valid = points.filter((p) => p.at >= 0).sort((a, b) => a.at - b.at);
    const now = this.now();
    let read = 0;
    let readAt = -1;
    // From each breakpoint the API looks back up to 20 blocks for a cached prefix (prompt caching: the
    // automatic prefix check), so a prefix cached at the end of the last turn is found from the end of this one.
    for (const p of valid) {
      for (let at = p.at; at >= Math.max(0, p.at - 19); at--) {
        const exp = this.entries.get(digests[at]!);
        if (exp !== undefined && exp > now && cumulative[at]! >= minTokens && cumulative[at]! > read) {
          read = cumulative[at]!;
          readAt = at;
          break;
        }
      }
    }
    const creation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };
    let covered = read;
    for (const p of valid) {
      const ttlMs = p.ttl === "1h" ? 3_600_000 : 300_000;
      if (cumulative[p.at]! < minTokens) continue;
      this.entries.set(digests[p.at]!, Math.max(this.entries.get(digests[p.at]!) ?? 0, now + ttlMs)); // a hit refreshes it
      if (p.at <= readAt) continue;
      const written = cumulative[p.at]! - covered;
      if (written > 0) {
        if (p.ttl === "1h") creation.ephemeral_1h_input_tokens += written;
        else creation.ephemeral_5m_input_tokens += written;
        covered = cumulative[p.at]!;
      }
    }
    const creationTotal = creation.ephemeral_1h_input_tokens + creation.ephemeral_5m_input_tokens;
    return { input_tokens: Math.max(1, total - read - creationTotal), cache_read_input_tokens: read, cache_creation_input_tokens: creationTotal, cache_creation: creation };
  }
}
