/** Formatters shared by the CLI and the dashboard. Pure. */

export function formatSeconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** A metric value with enough digits to compare runs (val_bpb differences of 1e-3 matter). */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  return v
    .toFixed(a >= 100 ? 1 : a >= 10 ? 3 : 6)
    .replace(/0+$/, "")
    .replace(/\.$/, "");
}

/** Budget progress, 0..1, from the time the run has been going. */
export function budgetFraction(elapsedMs: number, budgetSeconds: number): number {
  if (budgetSeconds <= 0) return 1;
  return Math.min(1, Math.max(0, elapsedMs / (budgetSeconds * 1000)));
}

export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(fraction * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

/** An axis tick: four significant digits are enough to read a chart (the tooltip has the full value). */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return "";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** A decision's evidence in a line: "n 1 · m 3 · σ 0.0084 · needed 0.0194 · effect +3.1 SE (+3.6σ)". */
export function describeEvidence(e: { n: number; m: number; sigma: number | null; threshold: number; effect: number | null }, metricName: string): string {
  const runs = (k: number) => `${k} run${k === 1 ? "" : "s"}`;
  const parts = [`n ${runs(e.n)}`, `m ${runs(e.m)} behind the best`];
  parts.push(e.sigma === null ? "σ not measured (one baseline run)" : `σ ${formatValue(e.sigma)}`);
  parts.push(`needed a gain of ${formatValue(e.threshold)} in ${metricName}`);
  if (e.effect !== null) parts.push(`effect ${e.effect >= 0 ? "+" : "−"}${Math.abs(e.effect).toFixed(1)} standard errors`);
  return parts.join(" · ");
}

/** An improvement (positive is better, whatever the goal) as people read it: "0.0312 better", "0.004 worse". */
export function formatDelta(delta: number): string {
  if (delta === 0) return "no change";
  return `${formatValue(Math.abs(delta))} ${delta > 0 ? "better" : "worse"}`;
}

/** The headless loop's live line: "#3 ██████░░░░░░  48%  step 120  loss 3.21  best val_bpb 3.18". */
export function loopProgressLine(p: { idx: number; elapsedMs: number; budgetSeconds: number; step: number | null; loss: number | null; best: number | null; metricName: string }): string {
  const f = budgetFraction(p.elapsedMs, p.budgetSeconds);
  return `#${p.idx} ${progressBar(f, 16)} ${String(Math.round(f * 100)).padStart(3)}%  step ${p.step ?? "—"}  loss ${formatValue(p.loss)}  best ${p.metricName} ${formatValue(p.best)}`;
}

/**
 * Round axis ticks covering [lo, hi]: about `count` of them, a step of 1, 2 or 5 times a power of ten, so a chart
 * reads 3.2, 3.4, 3.6 rather than 3.659, 3.859. The first and last ticks are the axis's ends.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.05 || 1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  // A span too small for a double to step through (two values a rounding apart) gets its two ends.
  if ((hi - lo) / Math.max(Math.abs(lo), Math.abs(hi)) < 1e-12) return [lo, hi];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw * (1 - 1e-9)) ?? 10) * power;
  const first = Math.floor(lo / step + 1e-9) * step;
  // Counted, not stepped until past `hi`: a loop on t += step never ends where step is below t's precision.
  const n = Math.min(100, Math.ceil((hi - first) / step - 1e-9));
  // Rounded to the step's digits (toFixed takes at most 100), so 0.1 + 0.2 prints as 0.3.
  const digits = Math.min(100, Math.max(0, -Math.floor(Math.log10(step)) + 1));
  return Array.from({ length: n + 1 }, (_, i) => Number((first + i * step).toFixed(digits)));
}
