"use client";
import { useState } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatValue } from "../core/format";
import type { SeriesPoint } from "../core/types";

/** The live curve of one parsed series (loss by default), x = step. Points arrive decimated (min/max kept). */
export function LossChart({ series, live }: { series: Record<string, SeriesPoint[]>; live: boolean }) {
  const names = Object.keys(series).sort();
  const [chosen, setChosen] = useState<string | null>(null);
  const name = chosen && names.includes(chosen) ? chosen : names.includes("loss") ? "loss" : (names[0] ?? null);
  const points = name ? (series[name] ?? []) : [];
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
        <span className="muted" aria-label="points drawn" data-points={points.length}>
          {points.length} points{live ? " · live" : ""}
        </span>
      </div>
      {points.length === 0 ? (
        <p className="muted chart-empty">{live ? "Waiting for the first progress record…" : "This run printed no progress records."}</p>
      ) : (
        <div className="chart" aria-label={`${name} chart`}>
          <ResponsiveContainer width="100%" height={320}>
            <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid stroke="#e5e7eb" strokeDasharray="3 3" />
              <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} tickCount={8} allowDecimals={false} />
              <YAxis domain={["auto", "auto"]} tickFormatter={(v: number) => formatValue(v)} width={72} />
              <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(s) => `step ${s}`} />
              <Line type="linear" dataKey="value" name={name ?? ""} stroke="#2563eb" dot={false} isAnimationActive={false} strokeWidth={1.5} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}
