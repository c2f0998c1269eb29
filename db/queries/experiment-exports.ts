/** An experiment as the exports write it (sessions' and selections'): a results.tsv row, or JSON. */
import type { ResultRow } from "../../core/results-tsv";
import type { Db } from "../open";
import type { ExperimentRow } from "./experiments";
import { getRun } from "./runs";

/** autoresearch's five columns. */
export const experimentResultRow = (e: ExperimentRow): ResultRow => ({ commit: e.commitSha, status: e.status, metricValue: e.metricValue, peakVramMb: e.peakVramMb, description: e.title });

/** Its row with the JSON columns parsed, and its runs' results. */
export function experimentJson(db: Db, e: ExperimentRow) {
  return {
    ...e,
    edits: e.editsJson ? JSON.parse(e.editsJson) : null,
    verdict: e.verdictJson ? JSON.parse(e.verdictJson) : null,
    runs: (JSON.parse(e.runIdsJson) as number[]).map((id) => {
      const r = getRun(db, id);
      return r && { id: r.id, status: r.status, metricValue: r.metricValue, summary: r.summaryJson ? JSON.parse(r.summaryJson) : null };
    }),
  };
}
