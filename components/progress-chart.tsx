"use client";
import { useRouter } from "next/navigation";
import { Area, CartesianGrid, ComposedChart, LabelList, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import { formatTick, formatValue, niceTicks } from "../core/format";
import { chartLabel, labelledKeeps, type ProgressDot } from "../core/progress";

/** The server's progress data (server/session-overview): dots decimated for a long session, the running best, the proposal count. */
export interface Progress {
  dots: ProgressDot[];
  best: { idx: number; value: number }[];
  proposals: number;
}

/** Slanted labels this many across a long session stay readable; a short one labels every keep. */
const MAX_LABELS = 16;
const COLORS = { kept: "#2ecc71", discarded: "#cccccc", crashed: "#dc2626", best: "#27ae60" };

/**
 * autoresearch's progress.png, live: experiments by index, keeps green with black edges and their titles,
 * discards grey, crashes as red crosses on the worst value, the running best as a step line. A dot opens its
 * experiment.
 */
export function ProgressChart({ progress, metricName, sigma = null }: { progress: Progress; metricName: string; sigma?: number | null }) {
  const router = useRouter();
  const { dots, best, proposals } = progress;
  // ±2σ of one run around the running best: a dot inside the band is within the noise of the best.
  const [lo, hi] = yDomain(dots, sigma);
  const ticks = dots.length ? niceTicks(lo, hi, 6) : [0, 1];
  const band = sigma ? best.map((b) => ({ idx: b.idx, band: [b.value - 2 * sigma, b.value + 2 * sigma] as [number, number] })) : [];
  const keeps = dots.filter((d) => d.kind === "kept");
  const labelled = labelledKeeps(keeps, best.at(-1)?.idx ?? 0, MAX_LABELS);
  const kept = keeps.map((d) => ({ ...d, label: labelled.has(d.idx) ? chartLabel(d.title) : "" }));
  const improvements = kept.filter((d) => d.idx > 0).length;
  // A label slants away from the nearer edge, so the last keep's is not cut off at the chart's right edge.
  const lastIdx = dots.reduce((m, d) => Math.max(m, d.idx), 0);
  const leftward = kept.map((d) => lastIdx > 0 && d.idx / lastIdx > 0.6);
  const open = (d: unknown) => {
    const id = (d as { payload?: ProgressDot }).payload?.id ?? (d as ProgressDot).id;
    if (id) router.push(`/experiments/${id}`);
  };
  return (
    <section className="chart-card" aria-label="progress chart">
      <div className="chart-head">
        <h2>
          Progress: {proposals} Experiment{proposals === 1 ? "" : "s"}, {improvements} Kept Improvement{improvements === 1 ? "" : "s"}
        </h2>
        <span className="muted legend">
          <i className="dot kept" /> kept <i className="dot discarded" /> discarded <i className="cross" /> crashed <i className="step" /> running best
          {sigma ? (
            <>
              {" "}
              <i className="band" /> ±2σ (σ {formatValue(sigma)})
            </>
          ) : null}
        </span>
      </div>
      {dots.length === 0 ? (
        <p className="muted chart-empty">No experiment has a result yet: the baseline comes first.</p>
      ) : (
        <ResponsiveContainer width="100%" height={340}>
          <ComposedChart margin={{ top: 24, right: 40, bottom: 8, left: 8 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis dataKey="idx" type="number" domain={[0, "dataMax"]} allowDecimals={false} label={{ value: "experiment", position: "insideBottomRight", offset: -4 }} />
            <YAxis
              dataKey="value"
              type="number"
              domain={[ticks[0]!, ticks.at(-1)!]}
              ticks={ticks}
              tickFormatter={formatTick}
              width={72}
              label={{ value: metricName, angle: -90, position: "insideLeft" }}
            />
            <Tooltip cursor={false} content={<DotTip />} />
            {band.length > 0 && <Area data={band} dataKey="band" type="stepAfter" stroke="none" fill={COLORS.best} fillOpacity={0.12} isAnimationActive={false} name="±2σ" className="noise-band" />}
            <Line data={best} dataKey="value" type="stepAfter" stroke={COLORS.best} strokeWidth={2} dot={false} isAnimationActive={false} name="running best" />
            <Scatter data={dots.filter((d) => d.kind === "discarded")} fill={COLORS.discarded} isAnimationActive={false} onClick={open} cursor="pointer" name="discarded" />
            <Scatter data={dots.filter((d) => d.kind === "crashed")} shape="cross" fill={COLORS.crashed} isAnimationActive={false} onClick={open} cursor="pointer" name="crashed" />
            <Scatter data={kept} fill={COLORS.kept} stroke="#000" strokeWidth={1} isAnimationActive={false} onClick={open} cursor="pointer" name="kept">
              <LabelList dataKey="label" content={<KeepLabel leftward={leftward} />} />
            </Scatter>
          </ComposedChart>
        </ResponsiveContainer>
      )}
    </section>
  );
}

/** A keep's title, slanted up and to the right from its dot as in autoresearch's chart, on one line. */
function KeepLabel(props: { x?: number | string; y?: number | string; width?: number | string; value?: unknown; index?: number; leftward?: boolean[] }) {
  if (!props.value) return null;
  const left = props.leftward?.[props.index ?? -1] ?? false;
  const x = Number(props.x) + Number(props.width ?? 0) / 2 + (left ? -2 : 2);
  const y = Number(props.y) - 2;
  return (
    <text x={x} y={y} transform={`rotate(${left ? 30 : -30} ${x} ${y})`} textAnchor={left ? "end" : "start"} fontSize={11} fill="var(--fg)">
      {String(props.value)}
    </text>
  );
}

/** Close around the values, with room for the labels above the keeps. */
function yDomain(dots: ProgressDot[], sigma: number | null): [number, number] {
  const values = dots.map((d) => d.value);
  const lo = Math.min(...values) - (sigma ?? 0) * 2;
  const hi = Math.max(...values) + (sigma ?? 0) * 2;
  const pad = hi > lo ? (hi - lo) * 0.12 : Math.abs(hi) * 0.02 || 1;
  return [lo - pad, hi + pad];
}

function DotTip({ active, payload }: { active?: boolean; payload?: { payload?: ProgressDot & { kind?: string } }[] }) {
  const d = payload?.[0]?.payload;
  if (!active || !d || !("title" in d)) return null;
  return (
    <div className="tip">
      <strong>#{d.idx}</strong> {d.title}
      <br />
      {d.kind === "crashed" ? "crashed" : `${d.kind} · ${formatValue(d.value)}`}
    </div>
  );
}
