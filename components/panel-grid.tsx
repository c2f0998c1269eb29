"use client";
import { useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { chartStatus } from "../core/chart-status";
import { type CurveInput, dragWindow, formatX, panelData, panelOrder, wallTicks, X_AXIS_KINDS, type XAxisKind } from "../core/chart-view";
import { formatTick, formatValue } from "../core/format";
import { GPU_SERIES, isGpuSeries, type RunGpu } from "../core/gpu";
import { useUrlState } from "./use-url-state";

/** A run's curves as the grid draws them; the first is the page's own run, the others are drawn with it. */
export interface GridCurve extends CurveInput {
  label: string;
  color: string;
  dashed?: boolean;
}

const GPU_PANELS: Record<string, { title: string; unit: string; color: string }> = {
  [GPU_SERIES.util]: { title: "GPU utilisation", unit: "%", color: "#16a34a" },
  [GPU_SERIES.memory]: { title: "GPU memory", unit: "MiB", color: "#9333ea" },
  [GPU_SERIES.power]: { title: "GPU power", unit: "W", color: "#ea580c" },
};

interface Zoom {
  axis: XAxisKind;
  window: [number, number];
}

interface ViewOptions {
  axis: XAxisKind;
  smoothing: number;
  log: boolean;
  zoom: Zoom | null;
  setZoom: (z: Zoom | null) => void;
}

/**
 * Every parsed series of a run in small multiples, as W&B and TensorBoard show them: loss first, then the rest of
 * the progress line, then the GPU's telemetry. One set of controls for all: x by step, seconds since the start or
 * wall clock; smoothing drawn over the faded raw curve; a log scale. Drag across a panel to zoom (the panels on
 * the same axis follow), double-click to reset; any panel can be expanded. Settings live in the URL.
 */
export function PanelGrid({
  curves,
  live,
  gpu = null,
  defaultX = "step",
  only,
}: {
  curves: GridCurve[];
  live: boolean;
  /** The page's own run's GPU: its telemetry panels get a header naming it. */
  gpu?: RunGpu | null;
  /** Fixed-budget runs compared side by side align on seconds. */
  defaultX?: XAxisKind;
  /** "primary": the first series only (loss), as a running experiment shows on its session's page. */
  only?: "primary";
}) {
  const [axis, setAxis] = useUrlState<XAxisKind>(
    "x",
    defaultX,
    (r) => (X_AXIS_KINDS.includes(r as XAxisKind) ? (r as XAxisKind) : null),
    (v) => v,
  );
  const [smoothing, setSmoothing] = useUrlState("smooth", 0, (r) => (/^(0(\.\d+)?)$/.test(r) ? Number(r) : null), String);
  const [log, setLog] = useUrlState(
    "log",
    false,
    (r) => (r === "1" ? true : r === "0" ? false : null),
    (v) => (v ? "1" : "0"),
  );
  const [expanded, setExpanded] = useUrlState<string | null>(
    "panel",
    null,
    (r) => r,
    (v) => v ?? "",
  );
  const [zoom, setZoom] = useState<Zoom | null>(null);
  const names = panelOrder(curves.flatMap((c) => Object.keys(c.series)));
  const training = names.filter((n) => !isGpuSeries(n)).slice(0, only ? 1 : undefined);
  const gpuNames = only ? [] : names.filter(isGpuSeries);
  const primary = training[0] ?? null;
  const own = primary ? (curves[0]?.series[primary]?.length ?? 0) : 0;
  const status = chartStatus(own, curves.slice(1).filter((c) => primary && (c.series[primary]?.length ?? 0) > 0).length, live);
  const view: ViewOptions = { axis, smoothing, log, zoom, setZoom };
  const panel = (name: string) => (
    <Panel key={name} name={name} curves={curves} view={view} primary={name === primary} expanded={expanded === name} onExpand={() => setExpanded(expanded === name ? null : name)} gpu={gpu} />
  );
  return (
    <section className="chart-card" aria-label="curves">
      <div className="chart-head">
        <h2>Curves</h2>
        <label className="muted">
          x{" "}
          <select
            value={axis}
            onChange={(e) => {
              setAxis(e.target.value as XAxisKind);
              setZoom(null);
            }}
            aria-label="x axis"
          >
            <option value="step">step</option>
            <option value="seconds">seconds</option>
            <option value="wall">wall clock</option>
          </select>
        </label>
        <label className="muted">
          smoothing <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} aria-label="smoothing" />{" "}
          <span className="mono">{smoothing.toFixed(2)}</span>
        </label>
        <label className="muted">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} aria-label="log scale" /> log
        </label>
        {zoom && (
          <button type="button" className="secondary" onClick={() => setZoom(null)}>
            Reset zoom
          </button>
        )}
        <span className="muted" aria-label="points drawn" data-points={own}>
          {status.caption}
        </span>
      </div>
      {status.notice && <p className={status.drawChart ? "muted" : "muted chart-empty"}>{status.notice}</p>}
      {curves.length > 1 && <CurveKey curves={curves} />}
      {status.drawChart && training.length > 0 && <div className="panel-grid">{training.map(panel)}</div>}
      {(gpu || gpuNames.length > 0) && (
        <section aria-label="GPU telemetry" className="gpu-section">
          {gpu && (
            <h3>
              GPU {gpu.index}{" "}
              <span className="muted">
                {gpu.name} · driver {gpu.driver} · {Math.round(gpu.memoryTotalMb).toLocaleString("en-US")} MiB
                {gpu.peakMemoryMb !== null && ` · peak ${Math.round(gpu.peakMemoryMb).toLocaleString("en-US")} MiB`}
                {live ? " · live" : ""}
              </span>
            </h3>
          )}
          {gpuNames.length === 0 ? (
            <p className="muted chart-empty">{live ? "Waiting for the first GPU sample…" : "No GPU samples were recorded."}</p>
          ) : (
            <div className="panel-grid">{gpuNames.map(panel)}</div>
          )}
        </section>
      )}
      {status.drawChart && <p className="muted chart-hint">Drag across a panel to zoom, double-click to reset.</p>}
    </section>
  );
}

function CurveKey({ curves }: { curves: GridCurve[] }) {
  return (
    <ul className="curve-key" aria-label="curve key">
      {curves.map((c, i) => (
        <li key={i}>
          <span className="swatch" style={{ background: c.color, opacity: c.dashed ? 0.6 : 1 }} /> {c.label}
        </li>
      ))}
    </ul>
  );
}

function Panel({
  name,
  curves,
  view,
  primary,
  expanded,
  onExpand,
  gpu,
}: {
  name: string;
  curves: GridCurve[];
  view: ViewOptions;
  primary: boolean;
  expanded: boolean;
  onExpand: () => void;
  gpu: RunGpu | null;
}) {
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragTo, setDragTo] = useState<number | null>(null);
  const meta = GPU_PANELS[name];
  const probe = panelData(curves, name, { ...view, window: null });
  const zoomed = view.zoom && view.zoom.axis === probe.axis ? view.zoom.window : null;
  const data = zoomed ? panelData(curves, name, { ...view, window: zoomed }) : probe;
  const drawn = data.drawn[0] ?? 0;
  const last = data.rows.findLast((r) => r.r0 !== undefined)?.r0;
  const smooth = view.smoothing > 0;
  const label = (v: unknown) => (typeof v === "number" ? v : Number(v));
  const endDrag = () => {
    const w = dragWindow(dragFrom, dragTo, probe.extent);
    if (w) view.setZoom({ axis: probe.axis, window: w });
    setDragFrom(null);
    setDragTo(null);
  };
  const yDomain: [number | "auto", number | "auto"] = name === GPU_SERIES.util ? [0, 100] : name === GPU_SERIES.memory && gpu ? [0, Math.ceil(gpu.memoryTotalMb)] : ["auto", "auto"];
  return (
    <div className={expanded ? "panel expanded" : "panel"} aria-label={`${meta?.title ?? name} panel`}>
      <h3>
        {meta?.title ?? name} <span className="mono muted">{last === undefined ? "—" : meta ? `${Math.round(last).toLocaleString("en-US")} ${meta.unit}` : formatValue(last)}</span>
        <button type="button" className="link" onClick={onExpand} aria-label={`${expanded ? "collapse" : "expand"} ${name}`} aria-pressed={expanded}>
          {expanded ? "⤡" : "⤢"}
        </button>
      </h3>
      {/* data-last-x: the newest point of the page's own run, for the stream-latency benchmark. */}
      <div
        className="chart"
        aria-label={`${meta?.title ?? name} chart`}
        data-points={drawn}
        data-zoomed={zoomed ? `${zoomed[0]}:${zoomed[1]}` : undefined}
        data-last-x={primary ? data.rows.findLast((r) => r.r0 !== undefined)?.x : undefined}
      >
        <ResponsiveContainer width="100%" height={expanded ? 380 : 180}>
          <LineChart
            data={data.rows}
            margin={{ top: 4, right: 12, bottom: 0, left: 0 }}
            onMouseDown={(s) => s.activeLabel !== undefined && setDragFrom(label(s.activeLabel))}
            onMouseMove={(s) => dragFrom !== null && s.activeLabel !== undefined && setDragTo(label(s.activeLabel))}
            onMouseUp={endDrag}
            onDoubleClick={() => view.setZoom(null)}
            onMouseLeave={() => dragFrom !== null && endDrag()}
            style={{ userSelect: "none" }}
          >
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={zoomed ?? ["dataMin", "dataMax"]}
              allowDataOverflow={zoomed !== null}
              tickCount={expanded ? 8 : 5}
              ticks={data.axis === "wall" ? wallTicks(zoomed ?? data.extent, expanded ? 8 : 4) : undefined}
              allowDecimals={data.axis !== "step"}
              tickFormatter={(v: number) => formatX(v, data.axis)}
            />
            <YAxis scale={view.log ? "log" : "auto"} domain={yDomain} tickFormatter={formatTick} width={64} allowDataOverflow={view.log} />
            <Tooltip
              formatter={(v, curve) => [
                meta ? `${Math.round(Number(v)).toLocaleString("en-US")} ${meta.unit}` : formatValue(Number(v)),
                smooth && !String(curve).endsWith("(smoothed)") ? `${curve} (raw)` : curve,
              ]}
              labelFormatter={(x) => (data.axis === "step" ? `step ${x}` : data.axis === "seconds" ? `${Number(x).toFixed(1)} s` : formatX(Number(x), "wall"))}
            />
            {expanded && curves.length > 1 && <Legend verticalAlign="top" height={24} />}
            {name === GPU_SERIES.memory && gpu && <ReferenceLine y={gpu.memoryTotalMb} stroke="#dc2626" strokeDasharray="4 3" />}
            {/* Drawn last to first so the page's own run is on top. */}
            {curves
              .map((c, i) => ({ c, i, color: i === 0 && meta ? meta.color : c.color }))
              .reverse()
              .flatMap(({ c, i, color }) => [
                <Line
                  key={`r${i}`}
                  dataKey={`r${i}`}
                  name={c.label}
                  type="linear"
                  stroke={color}
                  strokeOpacity={smooth ? 0.25 : 1}
                  strokeDasharray={c.dashed ? "4 3" : undefined}
                  strokeWidth={i === 0 ? 1.5 : 1.2}
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                  legendType={smooth ? "none" : "line"}
                />,
                smooth && (
                  <Line
                    key={`s${i}`}
                    dataKey={`s${i}`}
                    name={`${c.label} (smoothed)`}
                    type="linear"
                    stroke={color}
                    strokeDasharray={c.dashed ? "4 3" : undefined}
                    strokeWidth={i === 0 ? 1.8 : 1.4}
                    dot={false}
                    connectNulls
                    isAnimationActive={false}
                  />
                ),
              ])}
            {dragFrom !== null && dragTo !== null && <ReferenceArea x1={dragFrom} x2={dragTo} strokeOpacity={0.3} fill="var(--accent)" fillOpacity={0.15} />}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
