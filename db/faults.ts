/**
 * Faults of the database file that a user can fix — another program holding a lock, a full disk — told apart
 * from bugs, so that they are reported as what they are and what to do.
 */
import type { Db } from "./open";

export type DatabaseFault = "busy" | "full";

export function databaseFault(e: unknown): DatabaseFault | null {
  const code = typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return "busy";
  if (code === "SQLITE_FULL") return "full";
  return null;
}

export function describeDatabaseFault(fault: DatabaseFault): string {
  return fault === "busy"
    ? "the database is locked by another program (a sqlite3 shell in a transaction, a backup?): nothing was changed; try again once it lets go"
    : "the disk that holds the database is full: nothing was changed; free some space and try again";
}

/**
 * Whether another connection holds the write lock; takes nothing. It waits 50 ms, longer than any of Overseer's
 * own transactions, so a runner caught mid-write does not read as a lock.
 */
export function databaseWriteLocked(db: Db): boolean {
  const sqlite = db.$client;
  const waited = sqlite.pragma("busy_timeout", { simple: true }) as number;
  sqlite.pragma("busy_timeout = 50");
  try {
    sqlite.exec("BEGIN IMMEDIATE");
    sqlite.exec("ROLLBACK");
    return false;
  } catch (e) {
    if (databaseFault(e) === "busy") return true;
    throw e;
  } finally {
    sqlite.pragma(`busy_timeout = ${waited}`);
  }
}

/** What a process waiting for the database says, once per spell. */
export function describeDatabaseWait(fault: DatabaseFault): string {
  return fault === "busy"
    ? "the database is locked by another program (a sqlite3 shell in a transaction, a backup?): waiting for it to let go"
    : "the disk that holds the database is full: waiting for space";
}

/**
 * Runs a write, and runs it again every retryMs while the database is full or locked, so that a result waits
 * for space or a lock rather than being lost; any other error goes up at once. The wait is asynchronous: the
 * runner's busy timeout is short (runner/cli/open-db), so its timers and signals act meanwhile. `waiting` hears
 * of the first failure of each call.
 */
export async function persistently<T>(write: () => T, retryMs = 1000, waiting?: (message: string) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return write();
    } catch (e) {
      const fault = databaseFault(e);
      if (!fault) throw e;
      if (attempt === 0) waiting?.(describeDatabaseWait(fault));
      await new Promise((r) => setTimeout(r, retryMs));
    }
  }
}
