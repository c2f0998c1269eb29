/**
 * An autoresearch run.log adopted as a run: the log copied into Overseer's data folder, its progress records
 * stored as metric points and its summary as the run's summary, so an imported experiment has its loss curve.
 */
import fs from "node:fs";
import path from "node:path";
import { LogParser } from "../../core/log-parser";
import { summaryRecord, logTailLines } from "../../core/outcome";
import type { RunOutcome, SummaryEntry } from "../../core/types";
import type { WorkspaceConfig } from "../../core/workspace-config";
import type { Settings } from "../../core/settings";
import type { Db } from "../../db/open";
import { insertPoints, type PointInput } from "../../db/queries/metrics";
import { applyRunEvent, createRun, type RunRow } from "../../db/queries/runs";

export interface ParsedRunLog {
  points: PointInput[];
  lastStep: number | null;
  summary: SummaryEntry[];
  sawFail: boolean;
  /** The metric as printed (6 decimals in autoresearch), or null when the summary lacks it. */
  metricRaw: string | null;
  metricValue: number | null;
}

/**
 * autoresearch prints no clock, only each step's `dt` in ms: the points' times are the sum of the steps' dt,
 * which is training time (the first steps include compilation).
 */
export function parseRunLog(text: string, metricName: string): ParsedRunLog {
  const parser = new LogParser();
  const events = [...parser.feed(text), ...parser.end()];
  const points: PointInput[] = [];
  const summary: SummaryEntry[] = [];
  let sawFail = false;
  let lastStep: number | null = null;
  let tMs = 0;
  for (const e of events) {
    if (e.kind === "progress") {
      if (e.values.dt !== undefined) tMs += e.values.dt; // each key comes once per record
      lastStep = e.step;
      for (const [series, value] of Object.entries(e.values)) points.push({ series, step: e.step, tMs: Math.round(tMs), value });
    } else if (e.kind === "summary") summary.push({ key: e.key, raw: e.raw, value: e.value });
    else if (e.kind === "fail") sawFail = true;
  }
  const metric = summary.filter((s) => s.key === metricName).pop();
  return { points, lastStep, summary, sawFail, metricRaw: metric?.raw ?? null, metricValue: metric?.value ?? null };
}

/** Whether a run.log is the run of a results.tsv row: the same metric to the printed precision, or both crashed. */
export function logMatchesRow(log: ParsedRunLog, row: { metricValue: number | null }): boolean {
  if (row.metricValue === null) return log.metricValue === null;
  return log.metricValue !== null && log.metricValue.toFixed(6) === row.metricValue.toFixed(6);
}

/** Stores the log as a finished (or crashed, or diverged) run of the workspace at `commit`. */
export function importRunLog(db: Db, settings: Settings, o: { workspaceId: number; commit: string | null; config: WorkspaceConfig; logFile: string; log: ParsedRunLog }): RunRow {
  const { log } = o;
  const endedAt = Math.round(fs.statSync(o.logFile).mtimeMs);
  const total = log.summary.find((s) => s.key === "total_seconds")?.value ?? null;
  const startedAt = total !== null ? endedAt - Math.round(total * 1000) : endedAt;
  const run = createRun(db, { workspaceId: o.workspaceId, origin: "import", at: startedAt, commitSha: o.commit ?? undefined });
  const runDir = path.join(settings.dataDir, "runs", String(run.id));
  fs.mkdirSync(runDir, { recursive: true });
  const logPath = path.join(runDir, "run.log");
  fs.copyFileSync(o.logFile, logPath);
  applyRunEvent(db, run.id, { type: "run_started" }, startedAt, { startedAt, logPath, configJson: JSON.stringify(o.config), metricName: o.config.metric.name });
  for (let i = 0; i < log.points.length; i += 5000) {
    insertPoints(db, run.id, log.points.slice(i, i + 5000), { lastStep: log.lastStep, pointCount: Math.min(i + 5000, log.points.length) });
  }
  const [outcome, reason] = importedOutcome(log, o.config.metric.name);
  const text = fs.readFileSync(o.logFile, "utf8");
  return applyRunEvent(db, run.id, { type: "run_ended", outcome }, endedAt, {
    endedAt,
    reason,
    metricValue: log.metricValue,
    summaryJson: JSON.stringify(summaryRecord(log.summary)),
    logTail: outcome === "finished" ? null : logTailLines(text, 50).join("\n"),
  });
}

function importedOutcome(log: ParsedRunLog, metricName: string): [RunOutcome, string] {
  if (log.sawFail) return ["diverged", "imported from run.log: the trainer printed FAIL (loss was NaN or exploding)"];
  if (log.metricValue !== null) return ["finished", `imported from run.log: ${metricName} = ${log.metricRaw}`];
  return ["crashed", `imported from run.log: no "${metricName}:" line in its summary`];
}
