/**
 * Transactions take the write lock at BEGIN. A deferred one that read a row, then found another process had
 * written, failed at once with "database is locked" (the runner's applyExperimentEvent did, in CI, while the web
 * recorded an approval): busy_timeout waits for a lock, but cannot help a reader that must become a writer.
 */
import Database from "better-sqlite3";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, tempDir } from "../test/helpers/temp";
import { openDatabase } from "./open";
import { upsertWorkspace } from "./queries/workspaces";

describe("transactions", () => {
  it("hold the write lock from their start: another connection's write waits, and the reader's own write cannot be refused", () => {
    const file = path.join(tempDir(), "overseer.db");
    const db = openDatabase({ file, migrationsFolder: MIGRATIONS });
    const other = new Database(file);
    other.pragma("busy_timeout = 0");
    const write = () => other.prepare("insert into events (at, type) values (1, 'other')").run();
    let refused: string | null = null;
    db.transaction((tx) => {
      try {
        write();
      } catch (e) {
        refused = (e as Error).message;
      }
      upsertWorkspace(tx as unknown as typeof db, { name: "w", path: "/w", repoRoot: "/w", subdir: "", configJson: null, configError: null }, 1);
    });
    expect(refused).toMatch(/database is locked/);
    write(); // once it has committed, the other writer goes ahead
    other.close();
  });
});
