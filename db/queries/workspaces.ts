import { asc, eq } from "drizzle-orm";
import type { MetricGoal } from "../../core/types";
import { workspaceConfigSchema } from "../../core/workspace-config";
import type { LoadedWorkspace } from "../../core/workspace-load";
import type { Db } from "../open";
import { workspaces } from "../schema";
import { appendEvent } from "./events";

export type WorkspaceRow = typeof workspaces.$inferSelect;

export interface WorkspaceRegistration {
  name: string;
  path: string;
  repoRoot: string;
  subdir: string;
  configJson: string | null;
  configError: string | null;
}

/** Registers a workspace, or refreshes its config if the path is already registered. */
export function upsertWorkspace(db: Db, w: WorkspaceRegistration, now: number): WorkspaceRow {
  return db.transaction((tx) => {
    const existing = tx.select().from(workspaces).where(eq(workspaces.path, w.path)).get();
    if (existing) {
      const row = tx
        .update(workspaces)
        .set({ ...w })
        .where(eq(workspaces.id, existing.id))
        .returning()
        .get();
      appendEvent(tx, { type: "workspace_updated", at: now, workspaceId: row.id });
      return row;
    }
    const row = tx
      .insert(workspaces)
      .values({ ...w, createdAt: now })
      .returning()
      .get();
    appendEvent(tx, { type: "workspace_registered", at: now, workspaceId: row.id });
    return row;
  });
}

export function listWorkspaces(db: Db): WorkspaceRow[] {
  return db.select().from(workspaces).orderBy(asc(workspaces.id)).all();
}

export function getWorkspace(db: Db, id: number): WorkspaceRow | undefined {
  return db.select().from(workspaces).where(eq(workspaces.id, id)).get();
}

/** A validated workspace (core/workspace-load) into the database, its config as JSON. */
export function registerWorkspace(db: Db, ws: LoadedWorkspace, now: number): WorkspaceRow {
  return upsertWorkspace(db, { name: ws.name, path: ws.path, repoRoot: ws.repoRoot, subdir: ws.subdir, configJson: JSON.stringify(ws.config), configError: null }, now);
}

/** A workspace's metric as its overseer.json declares it; autoresearch's val_bpb, minimized, when it does not parse. */
export function workspaceMetric(db: Db, workspaceId: number): { name: string; goal: MetricGoal } {
  const config = workspaceConfigSchema.safeParse(JSON.parse(getWorkspace(db, workspaceId)?.configJson ?? "{}"));
  return config.success ? config.data.metric : { name: "val_bpb", goal: "minimize" };
}
