/**
 * Wakes the live streams when the database changes. The runner's commits append to the WAL file beside the
 * database, and inotify reports that within a millisecond, so a stream needs no tight polling to be
 * milliseconds behind the trainer. Where watching does not work (some network file systems), the
 * stream's fallback interval is its poll.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db/open";

interface Watch {
  waiters: Set<() => void>;
  watcher: fs.FSWatcher | null;
}

const watches = new Map<string, Watch>();

function watchFor(file: string): Watch {
  let w = watches.get(file);
  if (w) return w;
  w = { waiters: new Set(), watcher: null };
  const watch = w;
  watches.set(file, watch);
  const base = path.basename(file);
  try {
    // The folder, not the files: the WAL is created and removed as connections open and close.
    watch.watcher = fs.watch(path.dirname(file), { persistent: false }, (_event, name) => {
      if (name && !String(name).startsWith(base)) return;
      for (const wake of [...watch.waiters]) wake();
    });
    watch.watcher.on("error", () => {
      watch.watcher?.close();
      watches.delete(file); // watched again on the next wait
    });
  } catch {
    watch.watcher = null; // polling only
  }
  return watch;
}

/** Resolves at the next write to the database, after maxWaitMs at the latest, or when the signal aborts. */
export function databaseChange(db: Db, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
  const file = db.$client.name;
  const watch = file && file !== ":memory:" ? watchFor(path.resolve(file)) : null;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, maxWaitMs);
    function done() {
      clearTimeout(timer);
      watch?.waiters.delete(done);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    watch?.waiters.add(done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
