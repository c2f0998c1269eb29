import type { Settings } from "../../core/settings";
import { openDatabase, type Db } from "../../db/open";
import { MIGRATIONS_FOLDER } from "../paths";

export function openRunnerDb(settings: Settings): Db {
  return openDatabase({ file: settings.dbFile, migrationsFolder: MIGRATIONS_FOLDER });
}
