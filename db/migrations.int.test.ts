import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, tempDir } from "../test/helpers/temp";
import { openDatabase } from "./open";

/** A copy of the migrations folder that stops after the first `count` migrations: a database from an older Overseer. */
function migrationsUpTo(count: number): string {
  const dir = tempDir("migrations-");
  fs.cpSync(MIGRATIONS, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe("migration 0002", () => {
  it("gives experiments decided before it the peak memory of their last run", () => {
    const file = path.join(tempDir(), "overseer.db");
    const old = openDatabase({ file, migrationsFolder: migrationsUpTo(2) });
    const sql = old.$client;
    sql.exec(`INSERT INTO workspaces (id, name, path, repo_root, subdir, created_at) VALUES (1, 'w', '/w', '/w', '', 0)`);
    const summary = (mb: number) => JSON.stringify({ peak_vram_mb: { value: mb, raw: String(mb) } });
    const insertRun = sql.prepare(`INSERT INTO runs (id, workspace_id, status, origin, requested_at, summary_json) VALUES (?, 1, 'finished', 'session', 0, ?)`);
    insertRun.run(1, summary(1000));
    insertRun.run(2, summary(3072));
    insertRun.run(3, null);
    sql.exec(`INSERT INTO sessions (id, workspace_id, tag, branch, status, origin, proposer, options_json, baseline_commit, best_commit, created_at)
              VALUES (1, 1, 't', 'overseer/t', 'finished', 'cli', 'mutate', '{}', 'a', 'a', 0)`);
    const insertExp = sql.prepare(`INSERT INTO experiments (session_id, idx, kind, status, title, proposer, run_ids_json, created_at) VALUES (1, ?, 'proposal', 'kept', 'x', 'mutate', ?, 0)`);
    insertExp.run(0, "[1,2]"); // the last run counts
    insertExp.run(1, "[3]"); // a run without a summary
    insertExp.run(2, "[]"); // never ran
    sql.close();

    const db = openDatabase({ file, migrationsFolder: MIGRATIONS });
    const rows = db.$client.prepare(`SELECT idx, peak_vram_mb AS mb, human_verdict AS verdict FROM experiments ORDER BY idx`).all();
    expect(rows).toEqual([
      { idx: 0, mb: 3072, verdict: null },
      { idx: 1, mb: null, verdict: null },
      { idx: 2, mb: null, verdict: null },
    ]);
    db.$client.close();
  });
});
