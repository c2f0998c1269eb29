/**
 * Exports of a session: the winning chain as a `git format-patch` mbox (each kept experiment one commit, on
 * the baseline), one squashed diff from baseline to best, results.tsv, or everything as JSON.
 */
import type { Db } from "../db/open";
import { listExperiments } from "../db/queries/experiments";
import { getRun } from "../db/queries/runs";
import { getSession } from "../db/queries/sessions";
import { getWorkspace } from "../db/queries/workspaces";
import { git } from "./git";
import { sessionResultsTsv } from "./loop/results";

export const EXPORT_FORMATS = ["patch", "diff", "tsv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export async function exportSession(db: Db, sessionId: number, format: ExportFormat): Promise<string> {
  const s = getSession(db, sessionId);
  if (!s) throw new Error(`session ${sessionId} does not exist`);
  if (!s.baselineCommit) throw new Error(`session ${sessionId} has not started yet`);
  const ws = getWorkspace(db, s.workspaceId)!;
  const experiments = listExperiments(db, s.id);
  switch (format) {
    case "patch":
      return git(ws.repoRoot, ["format-patch", "--stdout", "--no-signature", `${s.baselineCommit}..${s.bestCommit}`]);
    case "diff":
      return git(ws.repoRoot, ["diff", "--no-color", "--no-ext-diff", s.baselineCommit, s.bestCommit]);
    case "tsv":
      return sessionResultsTsv(db, s.id);
    case "json":
      return `${JSON.stringify(
        {
          session: { ...s, options: JSON.parse(s.optionsJson) },
          workspace: { name: ws.name, path: ws.path },
          experiments: experiments.map((e) => ({
            ...e,
            edits: e.editsJson ? JSON.parse(e.editsJson) : null,
            verdict: e.verdictJson ? JSON.parse(e.verdictJson) : null,
            runs: (JSON.parse(e.runIdsJson) as number[]).map((id) => {
              const r = getRun(db, id);
              return r && { id: r.id, status: r.status, metricValue: r.metricValue, summary: r.summaryJson ? JSON.parse(r.summaryJson) : null };
            }),
          })),
        },
        null,
        2,
      )}\n`;
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
