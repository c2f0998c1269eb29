/** results.tsv in autoresearch's exact format: commit, val_bpb, memory_gb, status (keep|discard|crash), description. */
import type { ExperimentStatus } from "./types";

export const RESULTS_HEADER = "commit\tval_bpb\tmemory_gb\tstatus\tdescription";

export interface ResultRow {
  commit: string | null;
  status: ExperimentStatus;
  metricValue: number | null;
  peakVramMb: number | null;
  description: string;
}

const STATUS: Partial<Record<ExperimentStatus, "keep" | "discard" | "crash">> = {
  kept: "keep",
  discarded: "discard",
  crashed: "crash",
  diverged: "crash",
  timed_out: "crash",
};

/** Only experiments that ran have a row, as in autoresearch; the baseline is the first `keep`. */
export function formatResultsTsv(rows: readonly ResultRow[]): string {
  const lines = [RESULTS_HEADER];
  for (const r of rows) {
    const status = STATUS[r.status];
    if (!status || !r.commit) continue;
    const crashed = status === "crash";
    const value = crashed || r.metricValue === null ? "0.000000" : r.metricValue.toFixed(6);
    const memory = crashed || r.peakVramMb === null ? "0.0" : (r.peakVramMb / 1024).toFixed(1);
    lines.push([r.commit.slice(0, 7), value, memory, status, r.description.replace(/[\t\r\n]+/g, " ").trim()].join("\t"));
  }
  return `${lines.join("\n")}\n`;
}
