"use client";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { GPU_SERIES, type RunGpu } from "../core/gpu";
import { formatTick } from "../core/format";
import type { SeriesPoint } from "../core/types";

const PANELS = [
  { series: GPU_SERIES.util, title: "GPU utilisation", unit: "%", color: "#16a34a" },
  { series: GPU_SERIES.memory, title: "GPU memory", unit: "MiB", color: "#9333ea" },
  { series: GPU_SERIES.power, title: "GPU power", unit: "W", color: "#ea580c" },
] as const;

/** The run's GPU as nvidia-smi saw it about once a second, next to the loss curve: is the GPU busy, does it fit? */
export function GpuChart({ series, gpu, live }: { series: Record<string, SeriesPoint[]>; gpu: RunGpu | null; live: boolean }) {
  if (!gpu) return null;
  const any = PANELS.some((p) => (series[p.series]?.length ?? 0) > 0);
  return (
    <section className="chart-card" aria-label="GPU telemetry">
      <div className="chart-head">
        <h2>GPU {gpu.index}</h2>
        <span className="muted">
          {gpu.name} · driver {gpu.driver} · {Math.round(gpu.memoryTotalMb).toLocaleString("en-US")} MiB
          {gpu.peakMemoryMb !== null && ` · peak ${Math.round(gpu.peakMemoryMb).toLocaleString("en-US")} MiB`}
          {live ? " · live" : ""}
        </span>
      </div>
      {!any ? (
        <p className="muted chart-empty">{live ? "Waiting for the first GPU sample…" : "No GPU samples were recorded."}</p>
      ) : (
        <div className="gpu-panels">
          {PANELS.map((p) => {
            const points = (series[p.series] ?? []).map((s) => ({ x: s.tMs / 1000, value: s.value }));
            const last = points.at(-1)?.value;
            return (
              <div key={p.series} className="gpu-panel" aria-label={`${p.title} chart`} data-points={points.length}>
                <h3>
                  {p.title} <span className="mono muted">{last === undefined ? "—" : `${Math.round(last).toLocaleString("en-US")} ${p.unit}`}</span>
                </h3>
                <ResponsiveContainer width="100%" height={140}>
                  <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
                    <XAxis dataKey="x" type="number" domain={["dataMin", "dataMax"]} tickFormatter={(v: number) => `${Math.round(v)}s`} />
                    <YAxis
                      dataKey="value"
                      width={56}
                      tickFormatter={formatTick}
                      domain={p.series === GPU_SERIES.util ? [0, 100] : p.series === GPU_SERIES.memory ? [0, Math.ceil(gpu.memoryTotalMb)] : [0, "auto"]}
                    />
                    {p.series === GPU_SERIES.memory && <ReferenceLine y={gpu.memoryTotalMb} stroke="#dc2626" strokeDasharray="4 3" />}
                    <Tooltip formatter={(v) => `${Math.round(Number(v)).toLocaleString("en-US")} ${p.unit}`} labelFormatter={(s) => `${Number(s).toFixed(1)} s`} />
                    <Line type="linear" dataKey="value" stroke={p.color} dot={false} isAnimationActive={false} strokeWidth={1.5} />
                  </LineChart>
                </ResponsiveContainer>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

/** The hardware line of a run: which GPU, or plainly none. */
export function hardwareText(gpu: RunGpu | null): string {
  return gpu ? `${gpu.name} (GPU ${gpu.index}), driver ${gpu.driver}` : "CPU only (no GPU)";
}
