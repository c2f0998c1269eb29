import type { Settings } from "../../core/settings";
import type { Db } from "../../db/open";
import { getSession, type SessionRow } from "../../db/queries/sessions";
import { openRunnerDb } from "./open-db";

/**
 * Runs a command on the session its one positional argument names: exit 2 with the usage when the argument is
 * not a session id, 1 when no such session exists, else what the command returns. The database is closed after.
 */
export async function withNamedSession(positionals: readonly string[], usage: string, settings: Settings, command: (db: Db, s: SessionRow) => number | Promise<number>): Promise<number> {
  const id = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(id) || id <= 0) {
    console.error(`overseer: usage: ${usage}  (overseer sessions lists the ids)`);
    return 2;
  }
  const db = openRunnerDb(settings);
  try {
    const s = getSession(db, id);
    if (!s) {
      console.error(`overseer: session ${id} does not exist (overseer sessions lists them)`);
      return 1;
    }
    return await command(db, s);
  } finally {
    db.$client.close();
  }
}
