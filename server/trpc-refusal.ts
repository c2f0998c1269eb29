/**
 * A refusal by the proxy, in the shape the tRPC client reads (one error per procedure of a batch), so that the
 * page shows the reason ("changes need this dashboard's access token…") instead of a JSON parse error. Imported by
 * proxy.ts, so no "server-only" here. Shapes: https://trpc.io/docs/server/error-handling (codes as JSON-RPC 2.0).
 */
const CODES: Record<number, { code: string; jsonRpc: number }> = {
  403: { code: "FORBIDDEN", jsonRpc: -32003 },
  413: { code: "PAYLOAD_TOO_LARGE", jsonRpc: -32013 },
};

/** null for anything but a tRPC query or mutation (pages, downloads, and event streams, which read no body). */
export function trpcRefusal(url: URL, status: number, message: string): unknown {
  const m = /^\/api\/trpc\/([^/]+)$/.exec(url.pathname);
  const code = CODES[status];
  if (!m || !code) return null;
  let paths: string[];
  try {
    paths = decodeURIComponent(m[1]!).split(",");
  } catch {
    paths = [m[1]!]; // not valid percent-encoding: refused all the same, in one piece
  }
  const one = (path: string) => ({ error: { message, code: code.jsonRpc, data: { code: code.code, httpStatus: status, path } } });
  return url.searchParams.get("batch") === "1" ? paths.map(one) : one(paths[0]!);
}
