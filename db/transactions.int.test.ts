/**
 * Transactions take the write lock at BEGIN. A deferred one that read a row, then found another process had
 * written, failed at once with "database is locked" (the runner's applyExperimentEvent did, in CI, while the web
 * recorded an approval): busy_timeout waits for a lock, but cannot help a reader that must become a writer.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, ROOT, tempDir } from "../test/helpers/temp";
import { openDatabase } from "./open";
import { upsertWorkspace } from "./queries/workspaces";

describe("transactions", () => {
  it("hold the write lock from their start: another connection's write waits, and the reader's own write cannot be refused", () => {
    const file = path.join(tempDir(), "overseer.db");
    const db = openDatabase({ file, migrationsFolder: MIGRATIONS });
    // Another process (the web, while this is the runner), which does not wait for a lock.
    const otherWrite = () =>
      spawnSync(
        process.execPath,
        [
          "-e",
          `const db = new (require("better-sqlite3"))(process.argv[1]); db.pragma("busy_timeout = 0"); db.prepare("insert into events (at, type) values (1, 'other')").run(); console.log("wrote")`,
          file,
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
    let refused = "";
    db.transaction((tx) => {
      refused = otherWrite().stderr;
      upsertWorkspace(tx as unknown as typeof db, { name: "w", path: "/w", repoRoot: "/w", subdir: "", configJson: null, configError: null }, 1);
    });
    expect(refused).toMatch(/database is locked/);
    expect(otherWrite().stdout).toBe("wrote\n"); // once it has committed, the other writer goes ahead
  });
});
