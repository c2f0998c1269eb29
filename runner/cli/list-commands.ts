/** `overseer sessions [--workspace DIR]` and `overseer experiments SESSION`: ids with status and metric, for the other commands. */
import path from "node:path";
import { formatValue } from "../../core/format";
import { sessionStats } from "../../core/session-stats";
import type { Settings } from "../../core/settings";
import { listExperimentOutlines } from "../../db/queries/experiments";
import { listSessions } from "../../db/queries/sessions";
import { getWorkspace, listWorkspaces, workspaceMetric } from "../../db/queries/workspaces";
import { parseArgs } from "./args";
import { withNamedSession } from "./named-session";
import { openRunnerDb } from "./open-db";

/** Columns padded to their widest cell; the last one is left as it is. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

export async function sessionsCommand(args: string[], settings: Settings): Promise<number> {
  const { values } = parseArgs({ args, options: { workspace: { type: "string" } } });
  const db = openRunnerDb(settings);
  try {
    const ws = values.workspace ? listWorkspaces(db).find((w) => w.path === path.resolve(values.workspace!)) : undefined;
    if (values.workspace && !ws) {
      console.error(`overseer: ${path.resolve(values.workspace)} is not a registered workspace (overseer init registers one)`);
      return 1;
    }
    const sessions = listSessions(db, ws?.id);
    if (sessions.length === 0) {
      console.log("no sessions yet: start one with overseer loop DIR, or from the dashboard");
      return 0;
    }
    const rows = [["id", "status", "workspace", "branch", "proposer", "experiments", "kept", "best", "stop reason"]];
    for (const s of sessions) {
      const st = sessionStats(listExperimentOutlines(db, s.id), s.bestValue);
      rows.push([
        String(s.id),
        s.status,
        getWorkspace(db, s.workspaceId)?.name ?? "?",
        s.branch || "—",
        s.proposer,
        String(st.proposals),
        String(st.kept),
        formatValue(s.bestValue),
        s.stopReason ?? "",
      ]);
    }
    console.log(table(rows));
    return 0;
  } finally {
    db.$client.close();
  }
}

export async function experimentsCommand(args: string[], settings: Settings): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  return withNamedSession(positionals, "overseer experiments SESSION_ID", settings, (db, s) => {
    const rows = [["id", "#", "status", workspaceMetric(db, s.workspaceId).name, "title"]];
    for (const e of listExperimentOutlines(db, s.id)) rows.push([String(e.id), String(e.idx), e.status.replace(/_/g, " "), formatValue(e.metricValue), e.title]);
    console.log(table(rows));
    return 0;
  });
}
