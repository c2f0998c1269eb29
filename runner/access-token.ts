/**
 * The dashboard's access token: kept only as its SHA-256 in the data folder (mode 0600), which the web process
 * reads (server/access-policy.ts). Every change needs it, on loopback too; beyond loopback every read does too.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { tokenDigest } from "../core/access";

/** Stores this token's digest, replacing any old one: holders of the old token lose access at once. */
export function storeAccessToken(file: string, token: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${tokenDigest(token)}\n`, { mode: 0o600 });
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
  const stored = fs.existsSync(file) && /^[0-9a-f]{64}$/.test(fs.readFileSync(file, "utf8").trim());
  return stored ? null : resetAccessToken(file);
}
