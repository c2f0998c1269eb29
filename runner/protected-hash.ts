/**
 * Fingerprints of protected files and data, taken before and after every run: anything that differs means the
 * run changed what it must not (the evaluation, the data), and its result is marked tampered. Files are hashed
 * whole up to a size, larger ones by size, mtime and their ends; folders by their listing of those fingerprints.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const WHOLE_FILE_LIMIT = 64 * 1024 * 1024;
const EDGE_BYTES = 1024 * 1024;
const MAX_ENTRIES = 100_000;

function fileFingerprint(p: string, st: fs.Stats): string {
  const h = crypto.createHash("sha256");
  if (st.size <= WHOLE_FILE_LIMIT) h.update(fs.readFileSync(p));
  else {
    // A dataset shard of gigabytes: its size, mtime and both ends, so a rewrite is still seen.
    const fd = fs.openSync(p, "r");
    try {
      const buf = Buffer.alloc(EDGE_BYTES);
      h.update(buf.subarray(0, fs.readSync(fd, buf, 0, EDGE_BYTES, 0)));
      h.update(buf.subarray(0, fs.readSync(fd, buf, 0, EDGE_BYTES, st.size - EDGE_BYTES)));
    } finally {
      fs.closeSync(fd);
    }
    h.update(`${st.size}:${st.mtimeMs}`);
  }
  return h.digest("hex");
}

function dirFingerprint(root: string): string {
  const h = crypto.createHash("sha256");
  const stack = [""];
  let entries = 0;
  while (stack.length && entries < MAX_ENTRIES) {
    const rel = stack.pop()!;
    const names = fs.readdirSync(path.join(root, rel)).sort();
    for (const name of names) {
      const p = path.join(root, rel, name);
      const st = fs.lstatSync(p);
      entries++;
      if (st.isDirectory()) stack.push(path.join(rel, name));
      else h.update(`${path.join(rel, name)}\0${st.size}\0${st.isFile() && st.size <= EDGE_BYTES ? fileFingerprint(p, st) : st.mtimeMs}\n`);
    }
  }
  return h.digest("hex");
}

/** A path's fingerprint: "missing", or a hash of its content (file) or listing (folder). */
export function fingerprint(p: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return "missing";
  }
  return st.isDirectory() ? `dir:${dirFingerprint(p)}` : fileFingerprint(p, st);
}

/** `~/x` and relative paths (to `base`) made absolute. */
export function resolveDataPath(p: string, base: string): string {
  if (p === "~" || p.startsWith("~/")) return path.join(os.homedir(), p.slice(1));
  return path.resolve(base, p);
}

export type Fingerprints = Record<string, string>;

export function fingerprints(paths: Readonly<Record<string, string>>): Fingerprints {
  return Object.fromEntries(Object.entries(paths).map(([label, p]) => [label, fingerprint(p)]));
}

/** The labels whose fingerprint changed. */
export function changedSince(before: Fingerprints, after: Fingerprints): string[] {
  return Object.keys(before).filter((label) => before[label] !== after[label]);
}
