/** results.tsv of a session, built from the database: written after every decision, and exported on request. */
import fs from "node:fs";
import path from "node:path";
import { formatResultsTsv } from "../../core/results-tsv";
import type { Settings } from "../../core/settings";
import type { Db } from "../../db/open";
import { listExperiments } from "../../db/queries/experiments";

export function resultsFile(settings: Settings, sessionId: number): string {
  return path.join(settings.dataDir, "sessions", String(sessionId), "results.tsv");
}

export function sessionResultsTsv(db: Db, sessionId: number): string {
  const rows = listExperiments(db, sessionId).map((e) => ({ commit: e.commitSha, status: e.status, metricValue: e.metricValue, peakVramMb: e.peakVramMb, description: e.title }));
  return formatResultsTsv(rows);
}

export function writeResults(db: Db, settings: Settings, sessionId: number): string {
  const file = resultsFile(settings, sessionId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sessionResultsTsv(db, sessionId));
  return file;
}
