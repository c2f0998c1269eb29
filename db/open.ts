/**
 * Opens (and migrates) the SQLite file. WAL lets the web process read while the runner writes;
 * synchronous=NORMAL is durable across process crashes in WAL mode and much faster than FULL.
 */
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenOptions {
  file: string;
  /** The db/migrations folder; each process knows where its code lives. */
  migrationsFolder: string;
  readonly?: boolean;
  /** How long a write waits for another connection's lock before it fails with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

export function openDatabase({ file, migrationsFolder, readonly = false, busyTimeoutMs = 5000 }: OpenOptions): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { readonly });
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (!readonly) {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
  }
  const db = drizzle(sqlite, { schema });
  if (!readonly) {
    migrateWithRetry(db, migrationsFolder);
    immediateByDefault(db);
  }
  return db as Db;
}

/**
 * Every transaction here writes, and most read first (a status, then its change). A deferred one that has read
 * fails at once with SQLITE_BUSY when another process wrote meanwhile — busy_timeout does not help a reader that
 * must become a writer. Taking the write lock at BEGIN makes it wait for the other writer instead.
 */
function immediateByDefault(db: BetterSQLite3Database<typeof schema>): void {
  const begin = db.transaction.bind(db);
  db.transaction = ((fn, config) => begin(fn, { behavior: "immediate", ...config })) as typeof db.transaction;
}

/**
 * drizzle's migrator reads the last applied migration before it takes the write lock, so a runner and a web
 * process opening a new file at the same moment can both try to apply it; the loser retries and finds it done.
 */
function migrateWithRetry(db: Parameters<typeof migrate>[0], migrationsFolder: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (e) {
      if (attempt >= 3 || !/already exists|SQLITE_BUSY/.test(String(e))) throw e;
    }
  }
}

/** A transaction handle; query functions take either, so they compose inside one transaction. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbLike = Db | Tx;
