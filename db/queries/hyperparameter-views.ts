import { axisText } from "../../core/change-axis";
import { changedNames, flattenConstants, type HyperparameterViews, importanceRanking } from "../../core/hyperparameters";
import type { Db } from "../open";
import { analysedExperiments } from "./experiment-analysis";
import { listSessions, type SessionRow } from "./sessions";
import type { WorkspaceRow } from "./workspaces";
import { workspaceMetric } from "./workspaces";

/**
 * Hyperparameters against the metric, for one session or a whole workspace (its sessions together): the
 * constants that changed (with each experiment's values of them), those that never did, and the importance
 * ranking. Only changed constants travel per experiment.
 */
function views(db: Db, scope: HyperparameterViews["scope"], workspaceId: number, sessions: readonly Pick<SessionRow, "id" | "tag">[]): HyperparameterViews {
  const metric = workspaceMetric(db, workspaceId);
  let withoutCode = 0;
  const rows: HyperparameterViews["rows"] = [];
  for (const s of sessions) {
    for (const e of analysedExperiments(db, s.id)) {
      if (!e.analysis) {
        withoutCode++;
        continue;
      }
      rows.push({
        id: e.id,
        idx: e.idx,
        sessionTag: s.tag,
        title: e.title,
        status: e.status,
        metricValue: e.metricValue,
        parentId: e.parentId,
        values: flattenConstants(e.analysis.files),
        axis: axisText(e.analysis.axis),
      });
    }
  }
  const names = changedNames(rows);
  const changed = new Set(names);
  const unchanged = rows.length > 0 ? Object.fromEntries(Object.entries(rows[0]!.values).filter(([n]) => !changed.has(n))) : {};
  const importance = importanceRanking(rows, metric.goal);
  for (const r of rows) r.values = Object.fromEntries(Object.entries(r.values).filter(([n]) => changed.has(n)));
  return { scope, metric, names, unchanged, rows, importance, withoutCode };
}

export function sessionHyperparameters(db: Db, s: SessionRow): HyperparameterViews {
  return views(db, { kind: "session", id: s.id, name: s.tag }, s.workspaceId, [s]);
}

/** Every session of a workspace together: its experiments share the metric and the files. */
export function workspaceHyperparameters(db: Db, w: WorkspaceRow): HyperparameterViews {
  return views(db, { kind: "workspace", id: w.id, name: w.name }, w.id, listSessions(db, w.id, { sort: "id", desc: false }));
}
