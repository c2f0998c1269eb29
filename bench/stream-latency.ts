/**
 * Benchmark 3, stream latency. A trainer prints progress records that carry their own timestamp (`sent`),
 * first 3 a second, then 1,000 a second; the real runner (`overseer start`) parses and stores them. Measured
 * per record: until (a) it is in SQLite, (b) a tRPC subscriber in another process receives it, (c) the chart
 * in Chromium draws it (a frame after the chart's DOM changed).
 *   npx tsx bench/stream-latency.ts
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { getRun } from "../db/queries/runs";
import { dashboardWithWorkspace, queueRun } from "./lib/dashboard";
import { ROOT, tempDir } from "./lib/fixture";
import { percentile } from "./lib/stats";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SLOW_RECORDS = 30;
const FAST_MS = 3000;

const TRAINER = (go: string) => `import fs from "node:fs";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
while (!fs.existsSync(${JSON.stringify(go)})) await sleep(20);
let step = 0;
const record = () => { step++; process.stdout.write("step " + step + " | loss: " + (3 - step * 1e-4).toFixed(4) + " | sent: " + Date.now() + "\\n"); };
for (let i = 0; i < ${SLOW_RECORDS}; i++) { record(); await sleep(333); }
await sleep(500);
// 1,000 a second: ten every 10 ms.
for (const end = Date.now() + ${FAST_MS}; Date.now() < end; ) { for (let k = 0; k < 10; k++) record(); await sleep(10); }
await sleep(1000);
console.log("---\\nval_bpb: 1.0");
`;

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}
export type Stage = "sqlite" | "subscriber" | "chart";
export type StreamLatency = Record<"slow" | "fast", Record<Stage, Percentiles>>;

const summarise = (v: number[]): Percentiles => ({ p50: percentile(v, 50), p95: percentile(v, 95), p99: percentile(v, 99), n: v.length });

export async function streamLatency(port = 3310): Promise<StreamLatency> {
  const goDir = tempDir("overseer-bench-go-");
  const go = path.join(goDir, "go");
  const { dataDir, db, workspaceId, dash } = await dashboardWithWorkspace(
    { "train.mjs": TRAINER(go), "overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"], budgetSeconds: 30, timeoutSeconds: 120 }) },
    port,
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const run = { id: await queueRun(dash.url, workspaceId) };
    for (const t0 = Date.now(); getRun(db, run.id)!.status !== "running"; ) {
      if (Date.now() - t0 > 30_000) throw new Error(`the runner did not start run ${run.id}: ${JSON.stringify(getRun(db, run.id))}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // (a) SQLite: woken by writes to the database's folder, as the web process is.
    const inDb = new Map<number, number>();
    let lastId = 0;
    const readNew = () => {
      const rows = db.$client.prepare("SELECT id, step, value FROM metric_points WHERE run_id = ? AND series = 'sent' AND id > ? ORDER BY id").all(run.id, lastId) as {
        id: number;
        step: number;
        value: number;
      }[];
      const at = Date.now();
      for (const r of rows) {
        inDb.set(r.step, at - r.value);
        lastId = r.id;
      }
    };
    const watcher = fs.watch(dataDir, readNew);
    const poll = setInterval(readNew, 100);

    // (b) a subscriber in another process.
    const sub = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "lib", "subscriber.ts"), dash.url, String(run.id)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const received = new Map<number, number>();
    let subOut = "";
    const connected = new Promise<void>((resolve) =>
      sub.stdout!.on("data", (b: Buffer) => {
        subOut += b.toString();
        if (subOut.includes("connected")) resolve();
      }),
    );

    // (c) the run page in Chromium: when the chart's newest point changes, a frame later.
    const page = await browser.newPage();
    await page.goto(`${dash.url}/runs/${run.id}`);
    await page.getByText("running", { exact: true }).waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { __seen: [number, number][] };
      w.__seen = [];
      let last = "";
      new MutationObserver(() => {
        const x = document.querySelector("[data-last-x]")?.getAttribute("data-last-x") ?? "";
        if (!x || x === last) return;
        last = x;
        requestAnimationFrame(() => w.__seen.push([Number(x), performance.timeOrigin + performance.now()]));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-last-x"] });
    });
    await connected;
    fs.writeFileSync(go, "");
    while (!["finished", "crashed", "timed_out"].includes(getRun(db, run.id)!.status)) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    readNew();
    watcher.close();
    clearInterval(poll);
    // The subscription ends by itself once the run has ended; stop it if it has not.
    if (sub.exitCode === null && sub.signalCode === null) {
      const exited = new Promise((r) => sub.once("exit", r));
      sub.kill();
      await exited;
    }
    for (const line of subOut.split("\n")) {
      const [step, sent, at] = line.split(" ").map(Number);
      if (at) received.set(step!, at - sent!);
    }
    const seen = await page.evaluate(() => (window as unknown as { __seen: [number, number][] }).__seen);

    // Each record's own timestamp, from the log; the chart drew record s in the first frame whose newest point was ≥ s.
    const sent = new Map<number, number>();
    for (const m of fs.readFileSync(getRun(db, run.id)!.logPath!, "utf8").matchAll(/^step (\d+) .*sent: (\d+)$/gm)) sent.set(Number(m[1]), Number(m[2]));
    const drawn = new Map<number, number>();
    for (const [step, t] of sent) {
      const frame = seen.find(([x]) => x >= step);
      if (frame) drawn.set(step, frame[1] - t);
    }
    const phase = (m: Map<number, number>, slow: boolean) => summarise([...m].filter(([s]) => s <= SLOW_RECORDS === slow).map(([, v]) => v));
    const stages = (slow: boolean) => ({ sqlite: phase(inDb, slow), subscriber: phase(received, slow), chart: phase(drawn, slow) });
    return { slow: stages(true), fast: stages(false) };
  } finally {
    await browser.close();
    await dash.stop();
    db.$client.close();
  }
}

if (require.main === module) {
  void streamLatency().then((r) => console.log(JSON.stringify(r, null, 1)));
}
