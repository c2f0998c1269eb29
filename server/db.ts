/**
 * The web process's database handle, opened lazily: `next build` imports route modules, and anything done
 * at import time would run (and create the file) at build time.
 */
import "server-only";
import path from "node:path";
import { webSettings } from "./access-policy";
import { openDatabase, type Db } from "../db/open";

const g = globalThis as unknown as { __overseerDb?: Db };

export function getDb(): Db {
  g.__overseerDb ??= openDatabase({ file: webSettings().dbFile, migrationsFolder: path.join(process.cwd(), "db", "migrations") });
  return g.__overseerDb;
}
