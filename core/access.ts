/**
 * Who may talk to the dashboard: one pure decision per request, taken by the web process's proxy before any
 * route runs. It guards against DNS rebinding (a foreign Host), cross-site requests (a foreign Origin, or a
 * browser's Sec-Fetch-Site saying so on a state change) and anyone without the access token: every change needs
 * it, on loopback too (other users' and a training run's processes reach loopback as well, as Jupyter assumes),
 * and beyond loopback every read does as well. No I/O: the token check comes in as a function.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export interface AccessPolicy {
  /** Host names (no port, lower case) this dashboard answers to. A port is never checked: SSH tunnels change it. */
  hosts: ReadonlySet<string>;
  /** Listening beyond loopback: reads need the token too. (Changes always do.) */
  tokenForReads: boolean;
  /** No token has been set up: nothing that needs one can be let in; say how to make one. */
  tokenMissing?: boolean;
}

/** How a request proved it holds the token: the browser's cookie, a header (a script, curl), or a first visit's URL. */
export type Credential = "cookie" | "header" | "url";

export interface AccessRequest {
  method: string;
  host: string | null;
  origin: string | null;
  secFetchSite: string | null;
  /** The token from the Authorization or X-Overseer-Token header, the cookie, and the `?token=` of a first visit. */
  tokens: { header: string | null; cookie: string | null; query: string | null };
}

export type AccessDecision =
  | {
      ok: true;
      /** The token came in the URL: set the cookie and redirect to the URL without it. */
      rememberToken: boolean;
      /** What proved the token; null for a read on loopback that presented none (a read-only view). */
      credential: Credential | null;
    }
  | { ok: false; status: 403; reason: string };

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
  const safe = SAFE_METHODS.has(method);
  if (policy.tokenMissing && (!safe || policy.tokenForReads)) {
    return deny(
      policy.tokenForReads
        ? "this dashboard listens beyond this machine, and no access token has been set up. Start it with `overseer start --host …`, which makes one, or `overseer token --reset`."
        : "no access token has been set up, and changes need one. Start the dashboard with `overseer start`, which makes one, or run `overseer token --reset`.",
    );
  }
  const { header, cookie, query } = req.tokens;
  // A header is a deliberate claim: a wrong one is refused. A stale cookie (from before a restart) only fails to count.
  if (header !== null && !tokenMatches(header)) return deny("the access token in the request header is wrong. `overseer token --reset` makes a new one.");
  const credential: Credential | null = header !== null ? "header" : query !== null && safe && tokenMatches(query) ? "url" : cookie !== null && tokenMatches(cookie) ? "cookie" : null;
  if (credential !== null) return { ok: true, rememberToken: credential === "url", credential };
  if (safe && !policy.tokenForReads) return { ok: true, rememberToken: false, credential: null };
  const how = "Open the URL `overseer start` printed (…/?token=…), send `Authorization: Bearer TOKEN`, or run `overseer token --reset` for a new one.";
  if (!policy.tokenForReads) return deny(`a ${method} changes things, and changes need this dashboard's access token, on this machine too (other local users and processes reach it). ${how}`);
  return deny(`this dashboard needs its access token. ${how}`);
}
