"use client";
import { useUrlState } from "./use-url-state";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { chartStatus } from "../core/chart-status";
import { formatTick, formatValue } from "../core/format";
import { isGpuSeries } from "../core/gpu";
import { smoothEma } from "../core/smoothing";
import type { SeriesPoint } from "../core/types";

/** Another curve drawn with the main one: the session's best for reference, or the others of a comparison. */
export interface OverlayCurve {
  label: string;
  series: Record<string, SeriesPoint[]>;
  color: string;
  dashed?: boolean;
}

type XAxisKind = "step" | "seconds";

/**
 * The curve of one parsed series (loss by default), live while the run goes on, with what TensorBoard users
 * reach for: x by step or by training seconds, EMA smoothing (0 by default: autoresearch's loss is already an
 * EMA), a log scale, and other curves drawn under it (the session's best; the experiments compared). Points
 * arrive decimated.
 */
export function LossChart({ series, label, live, others = [] }: { series: Record<string, SeriesPoint[]>; label?: string; live: boolean; others?: OverlayCurve[] }) {
  // GPU telemetry has its own chart (GpuChart), by time.
  const names = [...new Set([series, ...others.map((o) => o.series)].flatMap((s) => Object.keys(s)))].filter((n) => !isGpuSeries(n)).sort();
  // Kept in the URL (?series=…&x=seconds&smooth=0.6&log=1): a shared link shows the chart as it was.
  const [chosen, setChosen] = useUrlState<string | null>(
    "series",
    null,
    (r) => r,
    (v) => v ?? "",
  );
  const [x, setX] = useUrlState<XAxisKind>(
    "x",
    "step",
    (r) => (r === "seconds" || r === "step" ? r : null),
    (v) => v,
  );
  const [smoothing, setSmoothing] = useUrlState("smooth", 0, (r) => (/^(0(\.\d+)?|1)$/.test(r) && Number(r) < 1 ? Number(r) : null), String);
  const [log, setLog] = useUrlState(
    "log",
    false,
    (r) => (r === "1" ? true : r === "0" ? false : null),
    (v) => (v ? "1" : "0"),
  );
  const name = chosen && names.includes(chosen) ? chosen : names.includes("loss") ? "loss" : (names[0] ?? null);
  const raw = name ? (series[name] ?? []) : [];
  const shape = (points: SeriesPoint[]) =>
    smoothEma(points, smoothing)
      .filter((p) => !log || p.value > 0)
      .map((p) => ({ x: x === "step" ? p.step : p.tMs / 1000, value: p.value }));
  const points = shape(raw); // at most ~1,200 points: cheap enough to redo on every render
  const overlays = others.map((o) => ({ ...o, points: shape(name ? (o.series[name] ?? []) : []) })).filter((o) => o.points.length > 0);
  const status = chartStatus(points.length, overlays.length, live);
  return (
    <section className="chart-card">
      <div className="chart-head">
        <h2>{name ?? "Curve"}</h2>
        {names.length > 1 && (
          <label className="muted">
            series{" "}
            <select value={name ?? ""} onChange={(e) => setChosen(e.target.value)} aria-label="series">
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        )}
        <label className="muted">
          x{" "}
          <select value={x} onChange={(e) => setX(e.target.value as XAxisKind)} aria-label="x axis">
            <option value="step">step</option>
            <option value="seconds">seconds</option>
          </select>
        </label>
        <label className="muted">
          smoothing <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} aria-label="smoothing" />{" "}
          <span className="mono">{smoothing.toFixed(2)}</span>
        </label>
        <label className="muted">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} aria-label="log scale" /> log
        </label>
        <span className="muted" aria-label="points drawn" data-points={points.length}>
          {status.caption}
        </span>
      </div>
      {status.notice && <p className={status.drawChart ? "muted" : "muted chart-empty"}>{status.notice}</p>}
      {status.drawChart && (
        // data-last-x: the newest point drawn, for the stream-latency benchmark to see when a record reached the chart.
        <div className="chart" aria-label={`${name} chart`} data-last-x={points[points.length - 1]?.x}>
          <ResponsiveContainer width="100%" height={320}>
            <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
              <XAxis
                dataKey="x"
                type="number"
                domain={["dataMin", "dataMax"]}
                tickCount={8}
                allowDecimals={x === "seconds"}
                tickFormatter={(v: number) => (x === "seconds" ? `${Math.round(v)}s` : String(v))}
              />
              <YAxis dataKey="value" scale={log ? "log" : "auto"} domain={["auto", "auto"]} tickFormatter={formatTick} width={72} allowDataOverflow={log} />
              <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(s) => (x === "seconds" ? `${Number(s).toFixed(1)} s` : `step ${s}`)} />
              {overlays.length > 0 && <Legend verticalAlign="top" height={24} />}
              {overlays.map((o, i) => (
                <Line
                  key={i}
                  data={o.points}
                  type="linear"
                  dataKey="value"
                  name={o.label}
                  stroke={o.color}
                  strokeDasharray={o.dashed ? "4 3" : undefined}
                  dot={false}
                  isAnimationActive={false}
                  strokeWidth={1.2}
                />
              ))}
              {points.length > 0 && <Line data={points} type="linear" dataKey="value" name={label ?? name ?? ""} stroke="#2563eb" dot={false} isAnimationActive={false} strokeWidth={1.5} />}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}
