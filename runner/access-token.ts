/**
 * The dashboard's access token: kept only as its SHA-256 in the data folder (mode 0600), with that of its read key
 * (the cookie's, core/access readKeyOf) on the second line; the web process reads both (server/access-policy.ts).
 * Every change needs the token, on loopback too; beyond loopback every read needs it or its read key.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readKeyOf, tokenDigest } from "../core/access";

/** Stores this token's digest, replacing any old one: holders of the old token lose access at once. */
export function storeAccessToken(file: string, token: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${tokenDigest(token)}\n${tokenDigest(readKeyOf(token))}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Makes and stores a new token, replacing any old one; returns it (the only time it exists in clear). */
export function resetAccessToken(file: string): string {
  const token = randomBytes(24).toString("base64url");
  storeAccessToken(file, token);
  return token;
}

/** A new token when none is stored yet; null when one already is (it cannot be shown again). */
export function ensureAccessToken(file: string): string | null {
  const stored = fs.existsSync(file) && /^[0-9a-f]{64}\n[0-9a-f]{64}$/.test(fs.readFileSync(file, "utf8").trim());
  return stored ? null : resetAccessToken(file);
}
