import type { Settings } from "../../core/settings";
import { openDatabase, type Db } from "../../db/open";
import { MIGRATIONS_FOLDER } from "../paths";

/**
 * The runner waits out another program's lock on the database (a `sqlite3` shell left in a transaction, a
 * backup) rather than fail a write: trainers write their own logs, so waiting loses nothing, and the points
 * are stored when the lock goes. The dashboard says the database is locked meanwhile.
 */
export const RUNNER_BUSY_TIMEOUT_MS = 10 * 60_000;

export function openRunnerDb(settings: Settings): Db {
  return openDatabase({ file: settings.dbFile, migrationsFolder: MIGRATIONS_FOLDER, busyTimeoutMs: RUNNER_BUSY_TIMEOUT_MS });
}
