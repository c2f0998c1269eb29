/**
 * Benchmark 7, many live streams (issue 23): N event streams held open on `overseer start` while a run trains (a
 * record every 20 ms, each a write that wakes every stream), half of them the top bar's and half the run page's. The page load (the home page's HTML, and a tRPC
 * query) and the web process's memory, beside a floor measured in the same run before any stream opened.
 *   npx tsx bench/many-streams.ts [streams] [--per-client N] [--root DIR]
 * --per-client raises OVERSEER_MAX_STREAMS_PER_CLIENT (the streams all come from this one client); --root starts
 * another checkout's Overseer (an earlier commit, for a before-and-after).
 */
import http from "node:http";
import { parseArgs } from "node:util";
import { getRun } from "../db/queries/runs";
import { dashboardWithWorkspace, queueRun, rssOf, timedQuery } from "./lib/dashboard";
import { mb, median, ms } from "./lib/stats";

const TRAINER = `let step = 0;
const timer = setInterval(() => {
  step++;
  process.stdout.write("step " + step + " | loss: " + (4 / (1 + step / 100)).toFixed(6) + " | lrm: 1.00\\n");
}, 20);
setTimeout(() => { clearInterval(timer); console.log("---\\nval_bpb: 1.0"); }, 600_000);
`;

export interface ManyStreams {
  streams: number;
  accepted: number;
  refused: number;
  refusals: string[];
  floor: { pageMs: number; queryMs: number; webRss: number };
  loaded: { pageMs: number; queryMs: number; webRssPeak: number };
}

/** The home page's HTML, whole, as a browser's first request for it. */
async function pageLoadMs(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url);
  await res.text();
  if (!res.ok) throw new Error(`the home page answered ${res.status}`);
  return performance.now() - t;
}

/** Why streams were refused, once each. */
const refusals = new Set<string>();

/** Opens one event stream; resolves with it once its first message came, or null when it was refused. */
function openStream(url: string, procedure: string): Promise<http.ClientRequest | null> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/api/trpc/${procedure}`, { agent: false, headers: { accept: "text/event-stream" } }, (res) => {
      let text = "";
      // tRPC's own "connected" and "ping" events come first; the stream's first message, or its error, decides.
      const onData = (c: Buffer) => {
        text += c.toString();
        const messages = text.split("\n\n").slice(0, -1);
        if (res.statusCode !== 200 || messages.some((m) => m.includes("event: serialized-error"))) {
          refusals.add(/"message":"([^"]*)"/.exec(text)?.[1] ?? `HTTP ${res.statusCode}`);
          req.destroy();
          resolve(null);
        } else if (messages.some((m) => m.includes("data:") && !/event: (connected|ping)/.test(m))) {
          res.off("data", onData);
          res.resume(); // read and drop what follows, as a browser's EventSource would read it
          resolve(req);
        }
      };
      res.on("data", onData);
      res.on("end", () => resolve(null));
    });
    req.on("error", () => resolve(null));
  });
}

export async function manyStreams(o: { streams?: number; port?: number; perClient?: number; root?: string; samples?: number } = {}): Promise<ManyStreams> {
  const streams = o.streams ?? 500;
  const samples = o.samples ?? 5;
  const { db, workspaceId, dash } = await dashboardWithWorkspace(
    { "train.mjs": TRAINER, "overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"], budgetSeconds: 600, timeoutSeconds: 900 }) },
    o.port ?? 3330,
    { root: o.root, env: o.perClient ? { OVERSEER_MAX_STREAMS_PER_CLIENT: String(o.perClient) } : {} },
  );
  const open: http.ClientRequest[] = [];
  try {
    const runId = await queueRun(dash.url, workspaceId);
    for (let i = 0; getRun(db, runId)!.pointCount < 50; i++) {
      if (i > 600) throw new Error(`the training run did not start: ${getRun(db, runId)!.status} ${getRun(db, runId)!.reason ?? ""}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const measure = async () => {
      const pages: number[] = [];
      const queries: number[] = [];
      for (let i = 0; i < samples; i++) {
        pages.push(await pageLoadMs(dash.url));
        queries.push((await timedQuery(dash.url, "run.byId", { id: runId })).ms);
      }
      return { pageMs: median(pages), queryMs: median(queries) };
    };
    await measure(); // warm: the first render of a page compiles nothing, but fills caches
    const floor = { ...(await measure()), webRss: rssOf(dash.webPid()) };

    let webRssPeak = 0;
    const sampler = setInterval(() => (webRssPeak = Math.max(webRssPeak, rssOf(dash.webPid()))), 100);
    let refused = 0;
    // As many run pages as half the streams: each holds the top bar's stream and the run's own, as a browser tab does.
    const runLive = `run.live?input=${encodeURIComponent(JSON.stringify({ runId }))}`;
    for (let i = 0; i < streams; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, streams - i) }, (_, k) => openStream(dash.url, (i + k) % 2 ? runLive : "system.live")));
      for (const s of batch) {
        if (s) open.push(s);
        else refused++;
      }
    }
    await new Promise((r) => setTimeout(r, 3000)); // every stream woken by the run's writes a while
    const loaded = await measure();
    clearInterval(sampler);
    return { streams, accepted: open.length, refused, refusals: [...refusals], floor, loaded: { ...loaded, webRssPeak } };
  } finally {
    for (const s of open) s.destroy();
    await dash.stop();
    db.$client.close();
  }
}

export function describeManyStreams(r: ManyStreams): string {
  return `${r.accepted} of ${r.streams} streams open (${r.refused} refused): page ${ms(r.loaded.pageMs)}, query ${ms(r.loaded.queryMs)}, web RSS peak ${mb(r.loaded.webRssPeak)}; floor with none: page ${ms(r.floor.pageMs)}, query ${ms(r.floor.queryMs)}, web RSS ${mb(r.floor.webRss)}${r.refusals.length ? `; refused: ${r.refusals.join(" / ")}` : ""}`;
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { "per-client": { type: "string" }, root: { type: "string" } } });
  const perClient = values["per-client"] ? Number(values["per-client"]) : undefined;
  void manyStreams({ streams: Number(positionals[0] ?? 500), perClient, root: values.root }).then((r) => console.log(describeManyStreams(r)));
}
