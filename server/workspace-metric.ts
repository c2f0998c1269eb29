import "server-only";
import type { MetricGoal } from "../core/types";
import { workspaceConfigSchema } from "../core/workspace-config";
import type { Db } from "../db/open";
import { getWorkspace } from "../db/queries/workspaces";

/** A workspace's metric as its overseer.json declares it; autoresearch's val_bpb, minimized, when it does not parse. */
export function workspaceMetric(db: Db, workspaceId: number): { name: string; goal: MetricGoal } {
  const config = workspaceConfigSchema.safeParse(JSON.parse(getWorkspace(db, workspaceId)?.configJson ?? "{}"));
  return config.success ? config.data.metric : { name: "val_bpb", goal: "minimize" };
}
