/**
 * A session that kept nothing: why its winning patch would be empty, and the discarded experiments that came
 * closest, with a selection of them whose changes apply together (discards often change the same line).
 */
import { bestDiscarded, keptNothing, nothingKeptMessage, type OutlineForExport } from "../../core/nothing-kept";
import { workspaceConfigSchema } from "../../core/workspace-config";
import type { Db } from "../open";
import { listExperimentOutlines } from "./experiments";
import { exportSelection } from "./selection-export";
import type { SessionRow } from "./sessions";
import { getWorkspace } from "./workspaces";

export interface ClosestDiscarded {
  closest: OutlineForExport[];
  /** Ids of the closest, best first, whose own changes replay together on the baseline. */
  together: number[];
}

/** null when the session has a winning chain (or has not started). */
export function closestDiscarded(db: Db, s: SessionRow, goal: "minimize" | "maximize"): ClosestDiscarded | null {
  if (!s.baselineCommit || !keptNothing(s)) return null;
  const closest = bestDiscarded(listExperimentOutlines(db, s.id), goal).map(({ id, idx, title, status, metricValue }) => ({ id, idx, title, status, metricValue }));
  const together: number[] = [];
  for (const e of closest) if (exportSelection(db, [...together, e.id], "patch").ok) together.push(e.id);
  return { closest, together };
}

/** What a patch or diff download of a session that kept nothing says instead; null when it has a winning chain. */
export function nothingKeptReason(db: Db, s: SessionRow): string | null {
  const config = workspaceConfigSchema.safeParse(JSON.parse(getWorkspace(db, s.workspaceId)?.configJson ?? "{}"));
  const metric = config.success ? config.data.metric : { name: "val_bpb", goal: "minimize" as const };
  const c = closestDiscarded(db, s, metric.goal);
  return c && nothingKeptMessage(s.id, c.closest, c.together, metric.name);
}
