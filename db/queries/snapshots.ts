/** File contents, content-addressed and deflated (see the snapshots table). */
import { createHash } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import { eq } from "drizzle-orm";
import type { DbLike } from "../open";
import { snapshots } from "../schema";

/** Per changed file, the hashes of its content before and after; null when the file did not exist. */
export type FileSnapshots = Record<string, { before: string | null; after: string | null }>;

/** sha256 of a text, hex: the snapshots' key, and the hash an approval names a diff by. */
export function contentHash(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

export function storeSnapshot(db: DbLike, content: string): string {
  const hash = contentHash(content);
  db.insert(snapshots)
    .values({ hash, content: deflateSync(content), size: Buffer.byteLength(content) })
    .onConflictDoNothing()
    .run();
  return hash;
}

export function readSnapshot(db: DbLike, hash: string): string | null {
  const row = db.select({ content: snapshots.content }).from(snapshots).where(eq(snapshots.hash, hash)).get();
  return row ? inflateSync(row.content).toString("utf8") : null;
}

/** Stores the files that differ between before and after (every file when `all`), and returns their hashes. */
export function storeFileChanges(db: DbLike, before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>, all = false): FileSnapshots {
  const out: FileSnapshots = {};
  for (const file of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[file];
    const a = after[file];
    if (!all && a === b) continue;
    out[file] = { before: b === undefined ? null : storeSnapshot(db, b), after: a === undefined ? null : storeSnapshot(db, a) };
  }
  return out;
}

/** The contents behind a FileSnapshots, for the dashboard's diff editor. */
export function readFileChanges(db: DbLike, files: FileSnapshots): Record<string, { before: string | null; after: string | null }> {
  const read = (h: string | null) => (h === null ? null : readSnapshot(db, h));
  return Object.fromEntries(Object.entries(files).map(([f, s]) => [f, { before: read(s.before), after: read(s.after) }]));
}
