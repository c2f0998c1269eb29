/**
 * Open event streams, counted per client and in all. A browser holds one or two (HTTP/1.1 lets it keep six
 * connections per host), so a client past its cap is a runaway script or tab: refused, rather than let it make
 * every write wake hundreds of streams and every page wait (issue 23: 500 streams, page loads of 25 s). The client
 * is the first X-Forwarded-For address, which Next sets from the socket when a request has none; a client that
 * sends its own can pose as many, and meets the cap on all streams instead.
 */
/** Streams this web process holds at most, whoever opened them. */
export const MAX_STREAMS = 1000;

const perClient = new Map<string, number>();
let total = 0;

export type StreamSlot = { ok: true; close(): void } | { ok: false; reason: string };

export function openStream(client: string, maxPerClient: number): StreamSlot {
  const mine = perClient.get(client) ?? 0;
  if (mine >= maxPerClient) {
    return {
      ok: false,
      reason: `${client} already has ${mine} live streams open (OVERSEER_MAX_STREAMS_PER_CLIENT is ${maxPerClient}): close some tabs or scripts; a browser needs one or two`,
    };
  }
  if (total >= MAX_STREAMS) return { ok: false, reason: `this dashboard already serves ${total} live streams, its most: close some tabs or scripts` };
  perClient.set(client, mine + 1);
  total++;
  let closed = false;
  return {
    ok: true,
    close() {
      if (closed) return;
      closed = true;
      total--;
      const left = (perClient.get(client) ?? 1) - 1;
      if (left > 0) perClient.set(client, left);
      else perClient.delete(client);
    },
  };
}

/** The client a request comes from, for the caps: the first X-Forwarded-For address. */
export function streamClient(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}
