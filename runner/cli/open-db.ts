import type { Settings } from "../../core/settings";
import { openDatabase, type Db } from "../../db/open";
import { MIGRATIONS_FOLDER } from "../paths";

/**
 * How long one write of the runner waits inside SQLite for another program's lock (a `sqlite3` shell left in a
 * transaction, a backup) before it fails with SQLITE_BUSY. Short, because better-sqlite3 waits synchronously: a
 * long wait would block the runner's event loop, and with it every timer, the log-flood stop and signals. What a
 * write carries is tried again asynchronously instead (db/faults `persistently`, the metric writer's buffer, the
 * loop's and the daemon's next turn); the dashboard says the database is locked meanwhile. Overseer's own
 * transactions take milliseconds, so the other process's never come near it.
 */
export const RUNNER_BUSY_TIMEOUT_MS = 250;

export function openRunnerDb(settings: Settings): Db {
  return openDatabase({ file: settings.dbFile, migrationsFolder: MIGRATIONS_FOLDER, busyTimeoutMs: RUNNER_BUSY_TIMEOUT_MS });
}
