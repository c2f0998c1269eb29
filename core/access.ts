/**
 * Who may talk to the dashboard: one pure decision per request, taken by the web process's proxy before any
 * route runs. It guards against DNS rebinding (a foreign Host), cross-site requests (a foreign Origin, or a
 * browser's Sec-Fetch-Site saying so on a state change) and, when the dashboard listens beyond loopback,
 * anyone without the access token. No I/O: the token check comes in as a function.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export interface AccessPolicy {
  /** Host names (no port, lower case) this dashboard answers to. A port is never checked: SSH tunnels change it. */
  hosts: ReadonlySet<string>;
  /** Listening beyond loopback: every request must present the token. */
  tokenRequired: boolean;
  /** Token required, but none has been set up: refuse everything, and say how to make one. */
  tokenMissing?: boolean;
}

export interface AccessRequest {
  method: string;
  host: string | null;
  origin: string | null;
  secFetchSite: string | null;
  /** The token from the Authorization or X-Overseer-Token header, the cookie, and the `?token=` of a first visit. */
  tokens: { header: string | null; cookie: string | null; query: string | null };
}

export type AccessDecision = { ok: true /** the token came in the URL: set the cookie and redirect to the URL without it */; rememberToken: boolean } | { ok: false; status: 403; reason: string };

export const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "::1"] as const;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return (LOOPBACK_HOSTS as readonly string[]).includes(h) || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** "Example.com:3000" → "example.com", "[::1]:3000" → "::1"; null when it is not a host header at all. */
export function hostnameOf(hostHeader: string): string | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(hostHeader.trim());
  if (!m) return null;
  return (m[1] ?? m[2] ?? "").toLowerCase().replace(/\.$/, "");
}

/** "http://a.b:3000" → "a.b:3000" (what a same-origin request's Host header reads); null for "null" or junk. */
function originAuthority(origin: string): string | null {
  try {
    const u = new URL(origin);
    return u.protocol === "http:" || u.protocol === "https:" ? u.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** A Host header as URL.host writes it: lower case, without a default port. */
function hostAuthority(hostHeader: string): string {
  return hostHeader
    .trim()
    .toLowerCase()
    .replace(/:(80|443)$/, "");
}

/** The token is stored only as this digest (hex SHA-256). */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time comparison of a presented token with the stored digest. */
export function tokenMatchesDigest(token: string, digestHex: string): boolean {
  const a = Buffer.from(tokenDigest(token), "hex");
  const b = Buffer.from(digestHex, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function decideAccess(req: AccessRequest, policy: AccessPolicy, tokenMatches: (token: string) => boolean): AccessDecision {
  const deny = (reason: string): AccessDecision => ({ ok: false, status: 403, reason });
  const hostname = req.host ? hostnameOf(req.host) : null;
  if (!hostname) return deny("the request has no valid Host header.");
  if (!policy.hosts.has(hostname)) {
    return deny(`this dashboard does not answer to the host "${hostname}" (a guard against DNS rebinding). If that name is yours, add it to OVERSEER_ALLOWED_HOSTS and restart.`);
  }
  if (req.origin !== null && originAuthority(req.origin) !== hostAuthority(req.host!)) {
    return deny(`cross-origin request from ${req.origin} refused: only pages served by this dashboard may call it.`);
  }
  const method = req.method.toUpperCase();
  if (!SAFE_METHODS.has(method) && req.secFetchSite !== null && req.secFetchSite !== "same-origin" && req.secFetchSite !== "none") {
    return deny(`a ${method} from another site (Sec-Fetch-Site: ${req.secFetchSite}) refused: changes may only come from this dashboard's own pages.`);
  }
  if (!policy.tokenRequired) return { ok: true, rememberToken: false };
  if (policy.tokenMissing) {
    return deny("this dashboard listens beyond this machine, and no access token has been set up. Start it with `overseer start --host …`, which makes one, or `overseer token --reset`.");
  }
  const { header, cookie, query } = req.tokens;
  if (header !== null) return tokenMatches(header) ? { ok: true, rememberToken: false } : deny("the access token in the request header is wrong. `overseer token --reset` makes a new one.");
  if (query !== null && SAFE_METHODS.has(method) && tokenMatches(query)) return { ok: true, rememberToken: true };
  if (cookie !== null && tokenMatches(cookie)) return { ok: true, rememberToken: false };
  return deny("this dashboard needs its access token. Open the URL `overseer start` printed (…/?token=…), send `Authorization: Bearer TOKEN`, or run `overseer token --reset` for a new one.");
}
