/**
 * Benchmark 4, ingest: a trainer prints progress records (ten metrics each) as fast as it can for a few
 * seconds, through the real runner (`overseer start`). Points stored per second, the dashboard's queries
 * answered meanwhile (their latency), and the WAL file's size at the end (checkpointed, so bounded).
 *   npx tsx bench/ingest.ts [seconds]
 */
import fs from "node:fs";
import path from "node:path";
import { getRun } from "../db/queries/runs";
import { dashboardWithWorkspace, queueRun, rssOf, timedQuery } from "./lib/dashboard";
import { percentile } from "./lib/stats";

const TRAINER = (seconds: number) => `let step = 0;
const names = ["loss", "lrm", "dt", "tok_sec", "mfu", "grad_norm", "val_loss", "lr", "epoch", "remaining"];
const started = Date.now();
console.log("bench_start " + started);
// Lines in batches of 1,000: one write each, as a trainer's buffered stdout would be.
while (Date.now() - started < ${seconds * 1000}) {
  let chunk = "";
  for (let i = 0; i < 1000; i++) {
    step++;
    chunk += "step " + step + " | " + names.map((n, k) => n + ": " + (k + step * 1e-6).toFixed(6)).join(" | ") + "\\n";
  }
  process.stdout.write(chunk);
}
console.log("bench_end " + Date.now());
console.log("---\\nval_bpb: 1.0");
`;

export interface Ingest {
  pointsPerSecond: number;
  points: number;
  /** From the trainer's last record to the last point stored. */
  lagMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  queries: number;
  walBytes: number;
  webRss: number;
  runnerRss: number;
}

export async function ingest(seconds = 1, port = 3320): Promise<Ingest> {
  const { dataDir, db, workspaceId, dash } = await dashboardWithWorkspace(
    { "train.mjs": TRAINER(seconds), "overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"], budgetSeconds: 60, timeoutSeconds: 300 }) },
    port,
  );
  try {
    const runId = await queueRun(dash.url, workspaceId);
    // What the run page asks while the run goes on: the run, and its series (decimated).
    const latencies: number[] = [];
    let webRss = 0;
    let runnerRss = 0;
    for (;;) {
      const run = getRun(db, runId)!;
      if (["finished", "crashed", "timed_out", "cancelled"].includes(run.status)) break;
      if (run.status === "running") {
        latencies.push((await timedQuery(dash.url, "run.byId", { id: runId })).ms);
        latencies.push((await timedQuery(dash.url, "run.series", { runId })).ms);
        webRss = Math.max(webRss, rssOf(dash.webPid()));
        runnerRss = Math.max(runnerRss, rssOf(dash.runnerPid));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const run = getRun(db, runId)!;
    if (run.status !== "finished") throw new Error(`the ingest run ${run.status}: ${run.reason}`);
    const log = fs.readFileSync(run.logPath!, "utf8");
    const start = Number(/bench_start (\d+)/.exec(log)![1]);
    const end = Number(/bench_end (\d+)/.exec(log)![1]);
    const lastStoredAt = run.startedAt! + (db.$client.prepare("SELECT MAX(t_ms) AS t FROM metric_points WHERE run_id = ?").get(runId) as { t: number }).t;
    const wal = path.join(dataDir, "overseer.db-wal");
    return {
      pointsPerSecond: run.pointCount / ((Math.max(end, lastStoredAt) - start) / 1000),
      points: run.pointCount,
      lagMs: lastStoredAt - end,
      queryP50Ms: percentile(latencies, 50),
      queryP95Ms: percentile(latencies, 95),
      queries: latencies.length,
      walBytes: fs.existsSync(wal) ? fs.statSync(wal).size : 0,
      webRss,
      runnerRss,
    };
  } finally {
    await dash.stop();
    db.$client.close();
  }
}

if (require.main === module) {
  void ingest(Number(process.argv[2] ?? 1)).then((r) => console.log(r));
}
