/**
 * The largest request body Overseer reads: 10 MiB. A body with its length declared is refused by proxy.ts
 * before any route reads it; a chunked one has no length to check there. Next buffers bodies for the proxy and
 * cuts them at its buffer (16 MiB, next.config.mjs) a chunk short of it, so the route reads a body over 10 MiB,
 * cut or whole, and refuses it.
 */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The refusal's reason; `atLeast` when the body may have been cut before it was counted. */
export function bodyTooLarge(bytes: number, atLeast = false): string {
  const size = `${atLeast ? "at least " : ""}${(bytes / 1e6).toFixed(1)} MB`;
  return `the request body is ${size}, over the ${MAX_BODY_BYTES / 1024 / 1024} MiB limit. A diff or an edited file that large is not a change anyone can review.`;
}

/** A request's body read whole, or the 413 that says it is too large. */
export async function readLimitedBody(req: Request): Promise<{ ok: true; body: ArrayBuffer | null } | { ok: false; response: Response }> {
  if (req.method === "GET" || req.method === "HEAD") return { ok: true, body: null };
  const body = await req.arrayBuffer();
  if (body.byteLength <= MAX_BODY_BYTES) return { ok: true, body };
  return { ok: false, response: new Response(`Overseer refused this request: ${bodyTooLarge(body.byteLength, true)}\n`, { status: 413, headers: { "content-type": "text/plain; charset=utf-8" } }) };
}
