/**
 * A database as large as a long autoresearch campaign and then some: one session of N experiments (a few percent
 * kept, some crashed, realistic text in every column) and one run with M metric points. For the views-at-scale
 * benchmark and for trying the dashboard on it by hand:
 *   npx tsx bench/large-db.ts /tmp/large.db [experiments] [points]
 *   OVERSEER_DB_FILE=/tmp/large.db npx next start
 */
import path from "node:path";
import { sessionOptionsSchema } from "../core/session-options";
import { openDatabase, type Db } from "../db/open";
import { createSession } from "../db/queries/sessions";
import { storeFileChanges } from "../db/queries/snapshots";
import { upsertWorkspace } from "../db/queries/workspaces";
import { MetricWriter } from "../runner/metric-writer";

export interface LargeDb {
  sessionId: number;
  experimentIds: number[];
  /** Runs with `points` loss points each, the first also the session's best experiment's run. */
  bigRunIds: number[];
}

const TRAIN = (lr: number, depth: number) => `LR = ${lr}\nDEPTH = ${depth}\nWIDTH = 768\n\nfor step in range(1000):\n    loss = step * LR\n`;

/** A seeded generator, so two databases made with the same sizes are the same. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export function generateLargeDb(file: string, experiments = 10_000, points = 1_000_000, bigRuns = 1): LargeDb {
  const db = openDatabase({ file, migrationsFolder: path.join(__dirname, "..", "db", "migrations") });
  try {
    return fill(db, experiments, points, bigRuns);
  } finally {
    db.$client.close();
  }
}

function fill(db: Db, count: number, points: number, bigRuns: number): LargeDb {
  const rnd = random(42);
  const t0 = Date.UTC(2026, 10, 1);
  const ws = upsertWorkspace(db, { name: "large", path: `/bench/large-${count}`, repoRoot: "/bench", subdir: "", configJson: JSON.stringify({ editable: ["train.py"] }), configError: null }, t0);
  const s = createSession(db, { workspaceId: ws.id, tag: "large", branch: "overseer/large", origin: "cli", options: sessionOptionsSchema.parse({}), baselineCommit: "0".repeat(40), at: t0 });
  const c = db.$client;
  const insertRun = c.prepare(
    "INSERT INTO runs (workspace_id, status, origin, commit_sha, requested_at, started_at, ended_at, reason, metric_name, metric_value, summary_json, exit_code, log_tail, last_step, point_count) VALUES (?, ?, 'session', ?, ?, ?, ?, ?, 'val_bpb', ?, ?, ?, ?, ?, ?)",
  );
  const insertExperiment = c.prepare(
    `INSERT INTO experiments (session_id, idx, kind, status, title, hypothesis, proposer, edits_json, parent_commit, commit_sha, diff, verdict_json, reason, metric_value, delta, run_ids_json, cost_usd, files_json, created_at, decided_at)
     VALUES (?, ?, ?, ?, ?, ?, 'claude', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.004, ?, ?, ?)`,
  );
  const variants = Array.from({ length: 20 }, (_, i) => TRAIN(0.04 - i * 0.001, 8 + (i % 4)));
  const files = variants.map((v, i) => JSON.stringify(storeFileChanges(db, { "train.py": variants[(i + 1) % variants.length]! }, { "train.py": v }, i === 0)));
  const ids: number[] = [];
  let best = 1.0;
  let bestIdx = 0;
  let parent = "0".repeat(40);
  c.transaction(() => {
    for (let idx = 0; idx < count; idx++) {
      const at = t0 + idx * 330_000;
      const crashed = idx > 0 && rnd() < 0.04;
      // About one in twenty improves the best a little; the rest land a little worse, as in a long night.
      const value = crashed ? null : idx === 0 ? 1 : rnd() < 0.05 ? best - 0.0002 - rnd() * 0.002 : best + rnd() * 0.02;
      const kept = idx === 0 || (value !== null && value < best);
      const status = crashed ? "crashed" : kept ? "kept" : "discarded";
      const sha = idx.toString(16).padStart(40, "a");
      const summary = crashed
        ? null
        : JSON.stringify({
            val_bpb: value,
            training_seconds: 300.1,
            total_seconds: 325.9,
            peak_vram_mb: 45060.2,
            mfu_percent: 39.8,
            total_tokens_M: 499.6,
            num_steps: 953,
            num_params_M: 50.3,
            depth: 8,
          });
      const run = insertRun.run(
        ws.id,
        crashed ? "crashed" : "finished",
        sha,
        at,
        at + 20_000,
        at + 326_000,
        crashed ? "exited with code 1" : `val_bpb = ${value}`,
        value,
        summary,
        crashed ? 1 : 0,
        crashed ? 'Traceback (most recent call last):\n  File "train.py", line 1\nRuntimeError: CUDA out of memory' : "---\nval_bpb: 0.99\n",
        953,
        953,
      ).lastInsertRowid;
      const title = idx === 0 ? "baseline" : `Try ${["LR", "DEPTH", "WIDTH", "warmup", "weight decay"][idx % 5]} ${(rnd() * 10).toFixed(3)} with a longer schedule (${idx})`;
      const delta = value === null || idx === 0 ? null : best - value;
      const reason = crashed
        ? "exited with code 1: CUDA out of memory"
        : kept
          ? `${value!.toFixed(3)} beats the best ${best.toFixed(3)} by ${(best - value!).toFixed(4)}`
          : `${value!.toFixed(3)} is worse than the best ${best.toFixed(3)}`;
      const verdict = JSON.stringify({ level: "low", needsApproval: false, reasons: [{ rule: "constants-only", message: `sets LR from 0.04 to 0.03`, file: "train.py", line: 1 }] });
      const row = insertExperiment.run(
        s.id,
        idx,
        idx === 0 ? "baseline" : "proposal",
        status,
        title,
        idx === 0 ? null : "A smaller learning rate with a longer warm-down should let the model settle into a lower loss within the budget.",
        idx === 0 ? null : JSON.stringify([{ file: "train.py", old: "LR = 0.04", new: "LR = 0.03" }]),
        parent,
        sha,
        idx === 0 ? null : "--- a/train.py\n+++ b/train.py\n@@ -1,3 +1,3 @@\n-LR = 0.04\n+LR = 0.03\n DEPTH = 8\n WIDTH = 768\n",
        idx === 0 ? null : verdict,
        reason,
        value,
        delta,
        JSON.stringify([Number(run)]),
        files[idx % files.length],
        at,
        at + 326_000,
      );
      ids.push(Number(row.lastInsertRowid));
      if (kept && value !== null) {
        best = value;
        bestIdx = idx;
        parent = sha;
      }
    }
    c.prepare("UPDATE sessions SET status = 'stopped', best_commit = ?, best_value = ?, ended_at = ?, stop_reason = 'reached the experiment limit' WHERE id = ?").run(
      parent,
      best,
      t0 + count * 330_000,
      s.id,
    );
  })();
  const bigRunIds: number[] = [];
  for (let r = 0; r < bigRuns; r++) {
    const runId = Number(JSON.parse((c.prepare("SELECT run_ids_json AS j FROM experiments WHERE session_id = ? AND idx = ?").get(s.id, r === 0 ? bestIdx : r) as { j: string }).j)[0]);
    // Through the runner's own writer: batched inserts and the series summaries the dashboard draws from.
    const writer = new MetricWriter(db, runId, { summaryEveryMs: 2000 });
    for (let step = 1; step <= points; step++) {
      const trend = 0.8 + 8 * Math.exp(-step / (points / 20));
      const loss = trend + (rnd() - 0.5) * 0.05 + (rnd() < 0.0002 ? 2 : 0); // rare spikes, which decimation must keep
      writer.add(step, { loss }, Math.round((step * 300_000) / points));
    }
    writer.finish();
    bigRunIds.push(runId);
  }
  return { sessionId: s.id, experimentIds: ids, bigRunIds };
}

if (require.main === module) {
  const [file, n, m] = process.argv.slice(2);
  if (!file) {
    console.error("usage: npx tsx bench/large-db.ts FILE [experiments] [points]");
    process.exit(2);
  }
  const t = performance.now();
  const out = generateLargeDb(file, Number(n ?? 10_000), Number(m ?? 1_000_000));
  console.log(
    `${file}: session ${out.sessionId}, ${out.experimentIds.length} experiments, runs ${out.bigRunIds.join(", ")} with ${m ?? 1_000_000} points (${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
}
