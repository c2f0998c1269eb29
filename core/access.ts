/**
 * Who may talk to the dashboard: one pure decision per request, taken by the web process's proxy before any
 * route runs. It guards against DNS rebinding (a foreign Host), cross-site requests (a foreign Origin, or a
 * browser's Sec-Fetch-Site saying so on a state change) and anyone without the access token: every change needs
 * it, on loopback too (other users' and a training run's processes reach loopback as well, as Jupyter assumes),
 * and beyond loopback every read does as well (decision 0017).
 *
 * A change needs the token itself in a header: `Authorization: Bearer` (a script), or `X-Overseer-Token`, which the
 * dashboard's pages send from their origin's localStorage. A cookie never makes a change: cookies are not kept
 * apart by port, so any program listening on another port of the same host receives them. The cookie holds only
 * a read key derived from the token (readKeyOf), which lets a browser load pages beyond loopback and cannot be
 * turned back into the token. No I/O: the checks come in as functions.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface AccessPolicy {
  /** Host names (no port, lower case) this dashboard answers to. A port is never checked: SSH tunnels change it. */
  hosts: ReadonlySet<string>;
  /** Listening beyond loopback: reads need the token (or its read key) too. Changes always need the token. */
  tokenForReads: boolean;
  /** No token has been set up: nothing that needs one can be let in; say how to make one. */
  tokenMissing?: boolean;
}

/**
 * What proved the token: the dashboard's page (its header, from its own origin), a header otherwise (a script,
 * curl: "the API"), the read key's cookie (reads only), or a first visit's URL.
 */
export type Credential = "page" | "header" | "cookie" | "url";

export interface AccessRequest {
  method: string;
  host: string | null;
  origin: string | null;
  secFetchSite: string | null;
  /** Authorization: Bearer, X-Overseer-Token (the page's), the read-key cookie, and the `?token=` of a first visit. */
  tokens: { bearer: string | null; page: string | null; cookie: string | null; query: string | null };
}

export interface TokenChecks {
  /** The access token itself. */
  token(presented: string): boolean;
  /** The cookie's read key (readKeyOf the token). */
  readKey(presented: string): boolean;
}

export type AccessDecision =
  | {
      ok: true;
      /** The token came in the URL: set the read-key cookie, and hand the page the token, out of the address bar. */
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

/** The cookie's value: an HMAC of the token, which lets a browser read and cannot be turned back into the token. */
export function readKeyOf(token: string): string {
  return createHmac("sha256", token).update("overseer read-only cookie").digest("base64url");
}

/** The token (and its read key) are stored only as this digest (hex SHA-256). */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time comparison of a presented token with the stored digest. */
export function tokenMatchesDigest(token: string, digestHex: string): boolean {
  const a = Buffer.from(tokenDigest(token), "hex");
  const b = Buffer.from(digestHex, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function decideAccess(req: AccessRequest, policy: AccessPolicy, checks: TokenChecks): AccessDecision {
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
  const safe = SAFE_METHODS.has(method);
  if (!safe && req.secFetchSite !== null && req.secFetchSite !== "same-origin" && req.secFetchSite !== "none") {
    return deny(`a ${method} from another site (Sec-Fetch-Site: ${req.secFetchSite}) refused: changes may only come from this dashboard's own pages.`);
  }
  if (policy.tokenMissing && (!safe || policy.tokenForReads)) {
    return deny(
      policy.tokenForReads
        ? "this dashboard listens beyond this machine, and no access token has been set up. Start it with `overseer start --host …`, which makes one, or `overseer token --reset`."
        : "no access token has been set up, and changes need one. Start the dashboard with `overseer start`, which makes one, or run `overseer token --reset`.",
    );
  }
  const { bearer, page, cookie, query } = req.tokens;
  const ok = (credential: Credential | null): AccessDecision => ({ ok: true, rememberToken: credential === "url", credential });
  const how = "Open the URL `overseer start` printed (…/?token=…), send `Authorization: Bearer TOKEN`, or run `overseer token --reset` for a new one.";
  // A script's header is a deliberate claim: a wrong one is refused. A page's may be from before a restart (a new
  // token at every start on loopback): it only fails to count, and the page reads on.
  if (bearer !== null) return checks.token(bearer) ? ok("header") : deny("the access token in the Authorization header is wrong. `overseer token --reset` makes a new one.");
  if (page !== null && checks.token(page)) return ok(req.secFetchSite === "same-origin" ? "page" : "header");
  if (!safe) {
    if (page !== null) return deny(`this page's access token is out of date (a new one is made at every start): changes need the current one. ${how}`);
    return deny(`a ${method} changes things, and changes need this dashboard's access token in a header, on this machine too (other local users and processes reach it). ${how}`);
  }
  if (query !== null && checks.token(query)) return ok("url");
  if (cookie !== null && checks.readKey(cookie)) return ok("cookie");
  if (!policy.tokenForReads) return ok(null);
  return deny(`this dashboard needs its access token. ${how}`);
}
