/**
 * The web process's access policy, built from its settings: the host names it answers to and the stored digest
 * of the access token (re-read when the file changes, so `overseer token --reset` needs no restart). Imported by proxy.ts, so no "server-only" here.
 */
import fs from "node:fs";
import os from "node:os";
import { LOOPBACK_HOSTS, isLoopback, type AccessPolicy, type Credential } from "../core/access";
import { parseSettings, type Settings } from "../core/settings";

/** The request header the proxy sets (and only the proxy: a client's own is replaced) to what proved the token. */
export const CREDENTIAL_HEADER = "x-overseer-credential";

/** The credential the proxy found on a request that reached a route; "none" for a read-only view. */
export function requestCredential(headers: Headers): Credential | "none" {
  const v = headers.get(CREDENTIAL_HEADER);
  return v === "page" || v === "header" || v === "cookie" || v === "url" ? v : "none";
}

/** The cookie that holds the read key: one per port, since cookies are not kept apart by port. */
export function readKeyCookieName(port: number): string {
  return `overseer_read_${port}`;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]"]);

/** The names a browser may put in Host: loopback, the bound address, and for a wildcard every local name. */
export function answeringHosts(settings: Pick<Settings, "host" | "allowedHosts">, hostname: string, addresses: string[]): Set<string> {
  const hosts = new Set<string>([...LOOPBACK_HOSTS, ...settings.allowedHosts]);
  const bound = settings.host.toLowerCase().replace(/^\[|\]$/g, "");
  if (WILDCARDS.has(settings.host)) {
    hosts.add(hostname.toLowerCase());
    for (const a of addresses) hosts.add(a.toLowerCase());
  } else {
    hosts.add(bound);
  }
  return hosts;
}

let cached: { settings: Settings; hosts: Set<string>; digest: string | null; readDigest: string | null; digestMtime: number } | null = null;

export function webSettings(): Settings {
  if (!cached) {
    // `next start` runs with the Overseer root as its working directory.
    const parsed = parseSettings(process.env, process.cwd(), process.cwd());
    if (!parsed.ok) throw new Error(parsed.error);
    const addresses = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
    cached = { settings: parsed.settings, hosts: answeringHosts(parsed.settings, os.hostname(), addresses), digest: null, readDigest: null, digestMtime: -1 };
  }
  return cached.settings;
}

/** The current policy, and the digests of the token and of its read key (null when none is stored). */
export function accessPolicy(): { policy: AccessPolicy; digest: string | null; readDigest: string | null } {
  const settings = webSettings();
  const c = cached!;
  // Changes need the token on loopback too; `overseer start` writes a new one at every start there.
  const mtime = fs.statSync(settings.accessTokenFile, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  if (mtime !== c.digestMtime) {
    const [token = "", readKey = ""] = (mtime < 0 ? "" : fs.readFileSync(settings.accessTokenFile, "utf8")).trim().split("\n");
    const hex = (line: string) => (/^[0-9a-f]{64}$/.test(line) ? line : null);
    c.digest = hex(token);
    c.readDigest = c.digest ? hex(readKey) : null;
    c.digestMtime = mtime;
  }
  return { policy: { hosts: c.hosts, tokenForReads: !isLoopback(settings.host), tokenMissing: c.digest === null }, digest: c.digest, readDigest: c.readDigest };
}

/**
 * For a stream: false once the token it was opened under has been replaced (`overseer token --reset`), so the
 * stream ends and a holder of the old token stops hearing anything.
 */
export function credentialStillValid(): () => boolean {
  const at = accessPolicy().digest;
  return () => accessPolicy().digest === at;
}
