import { axisText } from "../../core/change-axis";
import { changedNames, flattenConstants, type HyperparameterViews, importanceRanking } from "../../core/hyperparameters";
import type { Db } from "../open";
import { analysedExperiments } from "./experiment-analysis";
import type { SessionRow } from "./sessions";
import { workspaceMetric } from "./workspaces";

/**
 * A session's hyperparameters against its metric: the constants that changed (with each experiment's values
 * of them), those that never did, and the importance ranking. Only changed constants travel per experiment, so
 * 10,000 experiments are a few hundred kilobytes.
 */
export function sessionHyperparameters(db: Db, s: SessionRow): HyperparameterViews {
  const metric = workspaceMetric(db, s.workspaceId);
  const analysed = analysedExperiments(db, s.id);
  const withCode = analysed.filter((e) => e.analysis !== null);
  const rows: HyperparameterViews["rows"] = withCode.map((e) => ({
    id: e.id,
    idx: e.idx,
    title: e.title,
    status: e.status,
    kind: e.kind,
    tags: e.tags,
    metricValue: e.metricValue,
    parentId: e.parentId,
    values: flattenConstants(e.analysis!.files),
    axis: axisText(e.analysis!.axis),
  }));
  const names = changedNames(rows);
  const changed = new Set(names);
  const unchanged = rows.length > 0 ? Object.fromEntries(Object.entries(rows[0]!.values).filter(([n]) => !changed.has(n))) : {};
  const importance = importanceRanking(rows, metric.goal);
  for (const r of rows) r.values = Object.fromEntries(Object.entries(r.values).filter(([n]) => changed.has(n)));
  return { session: { id: s.id, tag: s.tag }, metric, names, unchanged, rows, importance, withoutCode: analysed.length - withCode.length };
}
