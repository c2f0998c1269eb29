/**
 * The web process's database handle, opened lazily: `next build` imports route modules, and anything done
 * at import time would run (and create the file) at build time.
 */
import "server-only";
import path from "node:path";
import { parseSettings, type Settings } from "../core/settings";
import { openDatabase, type Db } from "../db/open";

const g = globalThis as unknown as { __overseerDb?: Db; __overseerSettings?: Settings };

export function getSettings(): Settings {
  if (!g.__overseerSettings) {
    // `next start` runs with the Overseer root as its working directory.
    const parsed = parseSettings(process.env, process.cwd(), process.cwd());
    if (!parsed.ok) throw new Error(parsed.error);
    g.__overseerSettings = parsed.settings;
  }
  return g.__overseerSettings;
}

export function getDb(): Db {
  g.__overseerDb ??= openDatabase({ file: getSettings().dbFile, migrationsFolder: path.join(process.cwd(), "db", "migrations") });
  return g.__overseerDb;
}
