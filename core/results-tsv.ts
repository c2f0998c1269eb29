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
  oom: "crash",
  timed_out: "crash",
  tampered: "crash",
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

export interface ParsedResultRow {
  /** 1-based line number in the file, for messages. */
  line: number;
  commit: string;
  /** null for a crash (autoresearch writes 0.000000). */
  metricValue: number | null;
  /** memory_gb × 1024; null for a crash. */
  peakVramMb: number | null;
  status: "keep" | "discard" | "crash";
  description: string;
}

export type ParsedResults = { ok: true; rows: ParsedResultRow[] } | { ok: false; error: string };

/**
 * Reads a results.tsv that autoresearch's agent wrote. The agent writes it by hand, so it is read strictly
 * where a mistake would change the record (commit, number, status) and leniently elsewhere (blank lines,
 * spaces around fields, a tab inside the description).
 */
export function parseResultsTsv(text: string, metricName = "val_bpb"): ParsedResults {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const header = lines[0]?.split("\t").map((c) => c.trim()) ?? [];
  const wanted = ["commit", metricName, "memory_gb", "status", "description"];
  if (header.join("\t") !== wanted.join("\t")) {
    return { ok: false, error: `line 1 should be the header "${wanted.join("\\t")}" (tab-separated), not "${lines[0] ?? ""}"` };
  }
  const rows: ParsedResultRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const cells = raw.split("\t").map((c) => c.trim());
    const at = `line ${i + 1}`;
    if (cells.length < 5) return { ok: false, error: `${at} has ${cells.length} tab-separated fields, not 5: "${raw}"` };
    const [commit, value, memory, status, ...description] = cells as [string, string, string, string, ...string[]];
    if (!/^[0-9a-f]{7,40}$/i.test(commit)) return { ok: false, error: `${at}: "${commit}" is not a commit hash` };
    if (status !== "keep" && status !== "discard" && status !== "crash") return { ok: false, error: `${at}: status "${status}" is not keep, discard or crash` };
    const v = Number(value);
    const m = Number(memory);
    if (value === "" || !Number.isFinite(v)) return { ok: false, error: `${at}: ${metricName} "${value}" is not a number` };
    if (memory === "" || !Number.isFinite(m)) return { ok: false, error: `${at}: memory_gb "${memory}" is not a number` };
    const crashed = status === "crash";
    rows.push({ line: i + 1, commit: commit.toLowerCase(), metricValue: crashed ? null : v, peakVramMb: crashed ? null : m * 1024, status, description: description.join(" ") });
  }
  if (rows.length === 0) return { ok: false, error: "it has a header but no experiments" };
  return { ok: true, rows };
}
