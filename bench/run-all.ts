/**
 * `npm run bench`: every benchmark in turn on this machine (a few minutes), then one table of figures beside
 * their targets (issue 7), with the machine and its load average at the start and the end. Figures are from one
 * pass; the README quotes medians of several. `npm run bench -- --only views --only ingest` runs those alone.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { dutyCycle } from "./duty-cycle";
import { ingest } from "./ingest";
import { kb, mb, ms } from "./lib/stats";
import { loopOverhead } from "./loop-overhead";
import { manyStreams } from "./many-streams";
import { streamLatency, type Percentiles } from "./stream-latency";
import { views, type ViewFigures } from "./views";

interface Row {
  what: string;
  figure: string;
  target: string;
  met: boolean | null;
}

const pct = (p: Percentiles) => `p50 ${ms(p.p50)}, p95 ${ms(p.p95)}, p99 ${ms(p.p99)} (${p.n} records)`;
const view = (v: ViewFigures) => `first render ${ms(v.firstRenderMs)}, interactive ${ms(v.interactiveMs)}; largest JSON ${kb(v.largestJsonBytes)}`;

interface Context {
  /** The most resident memory seen of each process, by the benchmarks that start the dashboard. */
  webRss: number[];
  runnerRss: number[];
}

/** Each benchmark: its name for --only, what it says while it runs, and its rows. */
const BENCHMARKS: { name: string; says: string; run: (ctx: Context) => Promise<Row[]> }[] = [
  {
    name: "loop-overhead",
    says: "loop overhead",
    run: async () => {
      const loop = await loopOverhead();
      return [
        {
          what: "1. loop overhead, instant proposer and trainer",
          figure: `${loop.experimentsPerSecond.toFixed(1)} experiments/s; gap median ${ms(loop.gapMedianMs)}, p95 ${ms(loop.gapP95Ms)}`,
          target: "gap p95 < 100 ms",
          met: loop.gapP95Ms < 100,
        },
      ];
    },
  },
  {
    name: "duty-cycle",
    says: "duty cycle (about 3.5 minutes)",
    run: async () => {
      const duty = await dutyCycle();
      return [
        {
          what: "2. duty cycle, 5 s proposer, 10 s runs, 20 experiments",
          figure: `${(duty.dutyCycle * 100).toFixed(2)}% (${duty.trainingS.toFixed(1)} s training in ${duty.wallS.toFixed(1)} s)`,
          target: "≥ 97%",
          met: duty.dutyCycle >= 0.97,
        },
      ];
    },
  },
  {
    name: "stream-latency",
    says: "stream latency",
    run: async () => {
      const stream = await streamLatency();
      return (
        [
          ["slow", "3 records/s"],
          ["fast", "1,000 records/s"],
        ] as const
      ).flatMap(([phase, label]) => {
        const s = stream[phase];
        return [
          { what: `3a. record → SQLite, ${label}`, figure: pct(s.sqlite), target: "", met: null },
          { what: `3b. record → tRPC subscriber (another process), ${label}`, figure: pct(s.subscriber), target: "p95 < 50 ms", met: s.subscriber.p95 < 50 },
          { what: `3c. record → chart in Chromium, ${label}`, figure: pct(s.chart), target: "p95 < 250 ms", met: s.chart.p95 < 250 },
        ];
      });
    },
  },
  {
    name: "ingest",
    says: "ingest",
    run: async (ctx) => {
      const ing = await ingest();
      ctx.webRss.push(ing.webRss);
      ctx.runnerRss.push(ing.runnerRss);
      return [
        {
          what: "4. ingest, trainer printing as fast as it can",
          figure: `${Math.round(ing.pointsPerSecond).toLocaleString("en-US")} points/s (${ing.points.toLocaleString("en-US")} points)`,
          target: "≥ 100,000 points/s",
          met: ing.pointsPerSecond >= 100_000,
        },
        { what: "4. dashboard queries during ingest", figure: `p50 ${ms(ing.queryP50Ms)}, p95 ${ms(ing.queryP95Ms)} (${ing.queries} queries)`, target: "< 50 ms", met: ing.queryP95Ms < 50 },
        { what: "4. WAL file at the end", figure: mb(ing.walBytes), target: "bounded (checkpointed)", met: ing.walBytes < 64 * 1024 * 1024 },
      ];
    },
  },
  {
    name: "views",
    says: "views at scale",
    run: async (ctx) => {
      const v = await views();
      ctx.webRss.push(v.webRss);
      ctx.runnerRss.push(v.runnerRss);
      const rows: Row[] = [];
      for (const [name, f] of [
        ["session overview", v.session],
        ["experiment table sorted and filtered", v.filtered],
        ["hyperparameter views", v.hyperparameters],
        ["experiment page", v.experiment],
        ["compare, 3 runs × 1M points", v.compare],
      ] as const) {
        // The hyperparameter views carry every experiment's changed constants in one answer (not a chart's data).
        const json = name === "hyperparameter views" ? 2 * 1024 * 1024 : 200 * 1024;
        rows.push({
          what: `5. ${name}, 10,000 experiments`,
          figure: view(f),
          target: `< 1 s; < ${json === 200 * 1024 ? "200 KB per chart" : "2 MB"}`,
          met: f.interactiveMs < 1000 && f.largestJsonBytes < json,
        });
      }
      rows.push({
        what: "5. hyperparameter views, first visit (derives 10,000 experiments' constants)",
        figure: ms(v.hyperparametersFirstMs),
        target: "< 5 s, once",
        met: v.hyperparametersFirstMs < 5000,
      });
      return rows;
    },
  },
  {
    name: "many-streams",
    says: "500 live streams while a run trains",
    run: async () => {
      const streams = await manyStreams({ streams: 500 });
      return [
        {
          what: "7. 500 live streams from one client, while a run trains",
          figure: `${streams.accepted} open, ${streams.refused} refused; page ${ms(streams.loaded.pageMs)} (floor ${ms(streams.floor.pageMs)}), web RSS peak ${mb(streams.loaded.webRssPeak)}`,
          target: "page < 1 s; web < 300 MB",
          met: streams.loaded.pageMs < 1000 && streams.loaded.webRssPeak < 300 * 1024 * 1024,
        },
      ];
    },
  },
];

/** The machine the figures come from: a figure means little without it (two of the same size differ). */
function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${os.cpus().length} × ${cpu}, ${mb(os.totalmem())} RAM, Node ${process.version}`;
}
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

async function main() {
  const { values } = parseArgs({ options: { only: { type: "string", multiple: true } } });
  const only = values.only ?? [];
  const unknown = only.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`bench: no benchmark named ${unknown.join(", ")}; there are ${BENCHMARKS.map((b) => b.name).join(", ")} (npm run bench -- --only NAME)`);
    process.exitCode = 2;
    return;
  }
  const loadAtStart = load();
  const ctx: Context = { webRss: [], runnerRss: [] };
  const rows: Row[] = [];
  for (const b of BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name))) {
    process.stderr.write(`bench: ${b.says}…\n`);
    rows.push(...(await b.run(ctx)));
  }
  if (ctx.webRss.length > 0) {
    const web = Math.max(...ctx.webRss);
    const runner = Math.max(...ctx.runnerRss);
    rows.push({
      what: "6. memory (RSS), most seen during ingest and views",
      figure: `web ${mb(web)}, runner ${mb(runner)}`,
      target: "< 300 MB each",
      met: web < 300 * 1024 * 1024 && runner < 300 * 1024 * 1024,
    });
  }

  console.log(`\nOverseer benchmarks — ${new Date().toISOString().slice(0, 10)}, ${machine()}; load average (1 / 5 / 15 min) ${loadAtStart} at the start, ${load()} at the end\n`);
  const width = (k: keyof Row) => Math.max(...rows.map((r) => String(r[k]).length), k.length);
  const w = { what: width("what"), figure: width("figure"), target: width("target") };
  console.log(`${"what".padEnd(w.what)}  ${"figure".padEnd(w.figure)}  ${"target".padEnd(w.target)}  met`);
  for (const r of rows) console.log(`${r.what.padEnd(w.what)}  ${r.figure.padEnd(w.figure)}  ${r.target.padEnd(w.target)}  ${r.met === null ? "" : r.met ? "yes" : "NO"}`);
  process.exitCode = rows.some((r) => r.met === false) ? 1 : 0;
}

void main();
