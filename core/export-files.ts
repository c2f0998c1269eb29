/**
 * Where a session's exports live: the runner rewrites them after every decision (it has git), and the web
 * process serves them as downloads (it starts no processes). Both sides name them from here.
 */
export const EXPORT_FORMATS = ["patch", "diff", "tsv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const FILES: Record<ExportFormat, string> = { patch: "winning.patch", diff: "best.diff", tsv: "results.tsv", json: "session.json" };

export const EXPORT_LABELS: Record<ExportFormat, string> = {
  patch: "winning chain (git format-patch mbox)",
  diff: "one diff, baseline → best",
  tsv: "results.tsv",
  json: "everything as JSON",
};

/** No node:path here: the dashboard's bundle imports this module too. */
export function exportPath(dataDir: string, sessionId: number, format: ExportFormat): string {
  return `${dataDir.replace(/\/+$/, "")}/sessions/${sessionId}/${FILES[format]}`;
}

/** What the browser saves it as: overseer-<tag>.patch, overseer-<tag>-results.tsv, … */
const safeTag = (tag: string) => tag.replace(/[^A-Za-z0-9._-]/g, "_") || "session";

export function exportFileName(tag: string, format: ExportFormat): string {
  return format === "tsv" ? `overseer-${safeTag(tag)}-results.tsv` : `overseer-${safeTag(tag)}.${format}`;
}

/** The report's file name: `overseer report` writes it in the current folder, the dashboard downloads it. */
export function reportFileName(tag: string): string {
  return `overseer-${safeTag(tag)}-report.html`;
}
