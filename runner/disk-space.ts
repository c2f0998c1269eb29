/**
 * Free space where logs and the database live. A run is not started on a disk about to fill (its log and its
 * points would be cut short); it waits, saying why, until space is freed.
 */
import { diskShortage } from "../core/disk";
import { freeDiskMb } from "../db/free-space";

/** Resolves once `dir` has minFreeMb() free, or on abort; onWaiting gets the reason while it waits, then null. */
export async function waitForDiskSpace(dir: string, minFreeMb: () => number, o: { pollMs: number; signal?: AbortSignal; onWaiting: (why: string | null) => void }): Promise<void> {
  let waiting: string | null = null;
  for (;;) {
    const why = diskShortage(freeDiskMb(dir), minFreeMb(), dir);
    if (why !== waiting) o.onWaiting(why);
    waiting = why;
    if (!why || o.signal?.aborted) return;
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
}
