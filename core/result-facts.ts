/** What a researcher reads beside the metric, from a run's summary and its GPU (autoresearch's summary keys). Pure. */
import type { RunGpu } from "./gpu";

export interface ResultFacts {
  peakMemoryMb: number | null;
  steps: number | null;
  tokensPerSecond: number | null;
  mfuPercent: number | null;
  trainingSeconds: number | null;
  hardware: string | null;
}

type Summary = Record<string, { value: number | null } | undefined>;

export function resultFacts(summary: Summary, lastStep: number | null, gpu: (Pick<RunGpu, "name"> & { peakMemoryMb?: number | null }) | null): ResultFacts {
  const v = (k: string) => summary[k]?.value ?? null;
  const seconds = v("training_seconds");
  const tokensM = v("total_tokens_M");
  return {
    peakMemoryMb: v("peak_vram_mb") ?? gpu?.peakMemoryMb ?? null,
    steps: v("num_steps") ?? lastStep,
    tokensPerSecond: tokensM !== null && seconds ? Math.round((tokensM * 1e6) / seconds) : null,
    mfuPercent: v("mfu_percent"),
    trainingSeconds: seconds,
    hardware: gpu?.name ?? null,
  };
}

/** "45.1 GB · 953 steps · 1.66M tok/s · MFU 39.8% · H100", leaving out what is unknown. */
export function describeResultFacts(f: ResultFacts): string {
  const parts: string[] = [];
  if (f.peakMemoryMb !== null) parts.push(`${(f.peakMemoryMb / 1024).toFixed(1)} GB`);
  if (f.steps !== null) parts.push(`${f.steps} steps`);
  if (f.tokensPerSecond !== null) parts.push(f.tokensPerSecond >= 1e6 ? `${(f.tokensPerSecond / 1e6).toFixed(2)}M tok/s` : `${Math.round(f.tokensPerSecond / 1e3)}k tok/s`);
  if (f.mfuPercent !== null) parts.push(`MFU ${f.mfuPercent}%`);
  if (f.hardware) parts.push(f.hardware);
  return parts.join(" · ");
}
