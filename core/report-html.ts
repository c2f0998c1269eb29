/**
 * A session's report as one self-contained HTML file: inline CSS, charts as inline SVG (ECharts' server-side
 * renderer, the same options the dashboard draws on a canvas), no script and nothing fetched, so it opens from
 * disk, offline, anywhere. A Content-Security-Policy of `default-src 'none'` makes that a promise: whatever a
 * title or a diff holds, the page can neither run script nor reach the network. Pure: data in, text out.
 */
import { LineChart, ParallelChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, ParallelComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { formatSeconds, formatValue } from "./format";
import { type GpuIdentity, hardwareText } from "./gpu";
import { parallelOption, scatterOption } from "./hyperparameter-charts";
import type { HyperparameterViews } from "./hyperparameters";
import type { ProgressDot, TopHit } from "./progress";
import { dutyCycle, type SessionStats } from "./session-stats";
import type { MetricGoal } from "./types";

/** What a report shows, as db/queries/session-report reads it. */
export interface SessionReport {
  generatedAt: number;
  session: { id: number; tag: string; branch: string; status: string; proposer: string; createdAt: number; endedAt: number | null; origin: string };
  workspace: { name: string; path: string } | null;
  metric: { name: string; goal: MetricGoal };
  stats: SessionStats;
  best: number | null;
  progress: { dots: ProgressDot[]; best: { idx: number; value: number }[] };
  /** Each keep after the baseline, with its change. */
  chain: (TopHit & { diff: string | null; hypothesis: string | null; commitSha: string | null })[];
  topDiscards: { id: number; idx: number; title: string; metricValue: number | null }[];
  noise: { sigma: number | null };
  cost: { usd: number; calls: number; inputTokens: number; outputTokens: number };
  time: { trainingMs: number; wallMs: number };
  gpus: GpuIdentity[] | null;
  hyperparameters: HyperparameterViews;
}

echarts.use([SVGRenderer, LineChart, ScatterChart, ParallelChart, GridComponent, LegendComponent, ParallelComponent, VisualMapComponent]);

/** Scatters for this many of the most important constants; fewer for a long session (each is a mark per experiment). */
const scatterCount = (rows: number) => (rows > 2000 ? 2 : 4);
const PARALLEL_AXES = 12;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** An ECharts option drawn to an SVG string, with no DOM; a chart that cannot be drawn says so instead of failing the report. */
export function svgOf(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    const { tooltip: _, ...still } = option; // a static picture has nothing to hover
    chart.setOption({ ...still, animation: false });
    return chart.renderToSVGString();
  } catch (e) {
    return `<p class="muted">This chart could not be drawn from these values${(e as Error).message ? `: ${escapeHtml((e as Error).message)}` : ""}.</p>`;
  } finally {
    chart.dispose();
  }
}

function progressOption(r: SessionReport): echarts.EChartsCoreOption {
  const kinds = [
    { kind: "discarded", color: "#9ca3af", size: 5 },
    { kind: "crashed", color: "#dc2626", size: 5 },
    { kind: "kept", color: "#16a34a", size: 8 },
  ] as const;
  return {
    legend: { top: 0 },
    grid: { left: 72, right: 24, top: 32, bottom: 40 },
    xAxis: { type: "value", name: "experiment #", nameLocation: "middle", nameGap: 26, min: 0 },
    yAxis: { type: "value", name: r.metric.name, scale: true },
    series: [
      ...kinds.map((k) => ({
        name: k.kind,
        type: "scatter",
        symbolSize: k.size,
        itemStyle: { color: k.color, opacity: k.kind === "kept" ? 1 : 0.6 },
        data: r.progress.dots.filter((d) => d.kind === k.kind).map((d) => [d.idx, d.value]),
      })),
      { name: "best so far", type: "line", step: "end", showSymbol: false, lineStyle: { color: "#16a34a", width: 2 }, data: r.progress.best.map((b) => [b.idx, b.value]) },
    ],
  };
}

function diffHtml(diff: string): string {
  const lines = diff.split("\n").map((l) => {
    const cls = l.startsWith("+++") || l.startsWith("---") ? "file" : l.startsWith("+") ? "add" : l.startsWith("-") ? "del" : l.startsWith("@@") ? "hunk" : "";
    return cls ? `<span class="${cls}">${escapeHtml(l)}</span>` : escapeHtml(l);
  });
  return `<pre class="diff">${lines.join("\n")}</pre>`;
}

const row = (cells: (string | number)[], tag = "td") => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
const date = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC");

function summary(r: SessionReport): string {
  const st = r.stats;
  const duty = dutyCycle(r.time.trainingMs, r.time.wallMs, r.gpus?.length ?? 1);
  const items: [string, string][] = [
    ["experiments", String(st.proposals)],
    ["kept / discarded / crashed", `${st.kept} / ${st.discarded} / ${st.crashed}`],
    ["keep rate", st.keepRate === null ? "—" : `${Math.round(100 * st.keepRate)}%`],
    [`baseline → best ${r.metric.name}`, `${formatValue(st.baseline)} → ${formatValue(r.best)}`],
    ["improvement", st.gain === null ? "—" : `${formatValue(Math.abs(st.gain))} (${(st.gainPercent ?? 0).toFixed(2)}%)`],
    ["noise σ", formatValue(r.noise.sigma)],
    ["GPU time (training)", formatSeconds(r.time.trainingMs)],
    ["wall time", formatSeconds(r.time.wallMs)],
    ["duty cycle", duty === null ? "—" : `${Math.round(100 * duty)}%`],
    [
      "API cost",
      r.cost.calls
        ? `$${r.cost.usd.toFixed(2)} (${r.cost.calls} calls, ${r.cost.inputTokens.toLocaleString("en-US")} in / ${r.cost.outputTokens.toLocaleString("en-US")} out tokens)`
        : "none (no Claude API calls)",
    ],
    ["hardware", r.gpus?.length ? r.gpus.map((g) => hardwareText({ ...g, peakMemoryMb: null })).join("; ") : "CPU only (no GPU)"],
  ];
  return `<dl class="summary">${items.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join("")}</dl>`;
}

function chain(r: SessionReport): string {
  if (r.chain.length === 0) return `<p class="muted">Nothing was kept beyond the baseline.</p>`;
  return r.chain
    .map(
      (h) => `<section class="keep">
<h3>#${h.idx} ${escapeHtml(h.title)} <span class="gain">${escapeHtml(r.metric.name)} ${escapeHtml(formatValue(h.value))}, gain ${escapeHtml(formatValue(h.delta))}</span></h3>
${h.hypothesis ? `<p class="muted">${escapeHtml(h.hypothesis)}</p>` : ""}${h.commitSha ? `<p class="mono muted">commit ${escapeHtml(h.commitSha)}</p>` : ""}
${h.diff ? `<details${r.chain.length <= 10 ? " open" : ""}><summary>diff</summary>${diffHtml(h.diff)}</details>` : `<p class="muted">No diff stored.</p>`}
</section>`,
    )
    .join("\n");
}

function discards(r: SessionReport): string {
  if (r.topDiscards.length === 0) return `<p class="muted">No experiment was discarded after running.</p>`;
  return `<table><thead>${row(["#", "change", escapeHtml(r.metric.name)], "th")}</thead><tbody>${r.topDiscards.map((d) => row([d.idx, escapeHtml(d.title), escapeHtml(formatValue(d.metricValue))])).join("")}</tbody></table>`;
}

function hyperparameters(r: SessionReport): string {
  const hp = r.hyperparameters;
  if (hp.names.length === 0) return `<p class="muted">No top-level constant changed across the session's experiments.</p>`;
  const ranked = hp.importance.map((c) => c.name);
  const order = [...ranked, ...hp.names.filter((n) => !ranked.includes(n))];
  const table = hp.importance.length
    ? `<table><thead>${row(["constant", "mean |Δ|", "best gain", "improved", "experiments", "alone"], "th")}</thead><tbody>${hp.importance
        .map((c) => row([`<code>${escapeHtml(c.name)}</code>`, formatValue(c.meanAbsMove), c.bestGain === null ? "—" : formatValue(c.bestGain), c.improved, c.experiments, c.alone]))
        .join("")}</tbody></table>`
    : `<p class="muted">No experiment that changed a constant has a metric beside its parent's yet.</p>`;
  const scatters = order
    .slice(0, scatterCount(hp.rows.length))
    .map((n) => `<figure>${svgOf(scatterOption(hp.rows, n, hp.metric.name).option, 460, 300)}<figcaption>${escapeHtml(n)} against ${escapeHtml(hp.metric.name)}</figcaption></figure>`)
    .join("");
  const parallel = svgOf(parallelOption(hp.rows, order.slice(0, PARALLEL_AXES), hp.metric.name, hp.metric.goal).option, 940, 380);
  const unchanged = Object.entries(hp.unchanged);
  return `<p class="muted">Each experiment is a change to the one it was built on: the constants it changed are credited with how far ${escapeHtml(hp.metric.name)} moved from its parent's.</p>
${table}
<div class="scatters">${scatters}</div>
<figure>${parallel}<figcaption>Parallel coordinates of the constants that changed, coloured by ${escapeHtml(hp.metric.name)}</figcaption></figure>
${unchanged.length ? `<p class="mono muted">Unchanged: ${unchanged.map(([k, v]) => escapeHtml(`${k} = ${v}`)).join(" · ")}</p>` : ""}`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;color:#111827;background:#f9fafb;margin:0}main{max-width:980px;margin:0 auto;padding:1.2rem 1.5rem 3rem}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #e5e7eb;padding-bottom:.2rem}h3{font-size:.95rem;margin:.8rem 0 .2rem}
.muted{color:#6b7280}.mono,code,pre{font-family:ui-monospace,monospace}.gain{font-weight:400;color:#15803d;margin-left:.5rem}
dl.summary{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:.5rem 1rem;margin:.6rem 0}dl.summary dt{color:#6b7280;font-size:.8rem}dl.summary dd{margin:0;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff;margin:.4rem 0}th,td{border:1px solid #e5e7eb;padding:.25rem .5rem;text-align:left}th{background:#f3f4f6}
pre.diff{background:#0b1020;color:#d1d5db;padding:.6rem;border-radius:6px;overflow-x:auto;font-size:12px}.add{color:#86efac}.del{color:#fca5a5}.hunk{color:#93c5fd}.file{color:#fcd34d}
figure{margin:.5rem 0;background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:.4rem}figcaption{font-size:.8rem;color:#6b7280;text-align:center}
.scatters{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:.6rem}svg{max-width:100%;height:auto}footer{margin-top:2rem;font-size:.8rem;color:#6b7280}`;

export function reportHtml(r: SessionReport): string {
  const title = `Overseer report: ${r.session.tag}`;
  const progress = r.progress.dots.length ? svgOf(progressOption(r), 940, 340) : `<p class="muted">No experiment has a result yet.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(r.workspace ? `workspace ${r.workspace.name} (${r.workspace.path})` : "workspace removed")} · branch <span class="mono">${escapeHtml(r.session.branch)}</span> · proposer ${escapeHtml(r.session.proposer)} · ${escapeHtml(r.session.status)}${r.session.origin === "import" ? " · imported from autoresearch" : ""} · ${date(r.session.createdAt)} → ${date(r.session.endedAt)}</p>
<section aria-label="summary"><h2>Summary</h2>${summary(r)}</section>
<section aria-label="progress"><h2>Progress</h2>${progress}</section>
<section aria-label="kept chain"><h2>The kept chain</h2>${chain(r)}</section>
<section aria-label="top discards"><h2>Closest discards</h2>${discards(r)}</section>
<section aria-label="hyperparameters"><h2>Hyperparameters</h2>${hyperparameters(r)}</section>
<footer>Written by Overseer on ${date(r.generatedAt)}. Self-contained: it needs no network to open.</footer>
</main></body></html>
`;
}
