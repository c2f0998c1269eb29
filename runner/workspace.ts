/**
 * Finding and validating a workspace on disk: a folder inside a git repository, with overseer.json (or the
 * defaults) and the editable files present. Every failure is a value with a message that says what to do.
 */
import fs from "node:fs";
import path from "node:path";
import { parseWorkspaceConfig, type WorkspaceConfig } from "../core/workspace-config";
import type { Db } from "../db/open";
import { upsertWorkspace, type WorkspaceRow } from "../db/queries/workspaces";
import { repoRootOf } from "./git";

export const CONFIG_FILE = "overseer.json";

export interface LoadedWorkspace {
  name: string;
  path: string;
  repoRoot: string;
  subdir: string;
  config: WorkspaceConfig;
}

export type WorkspaceLoad = { ok: true; workspace: LoadedWorkspace } | { ok: false; error: string };

/** configText: check this text instead of the file on disk (what `overseer init` is about to write). */
export async function loadWorkspace(dir: string, configText?: string): Promise<WorkspaceLoad> {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    return { ok: false, error: `${abs} is not a folder. Give the path of the folder that holds your training script.` };
  }
  const repoRoot = await repoRootOf(abs);
  if (!repoRoot) {
    return {
      ok: false,
      error: `${abs} is not inside a git repository. Overseer runs every experiment at a commit: run \`git init && git add -A && git commit -m baseline\` there first.`,
    };
  }
  const real = fs.realpathSync(abs);
  const subdir = path.relative(fs.realpathSync(repoRoot), real);
  const configFile = path.join(real, CONFIG_FILE);
  const text = configText ?? (fs.existsSync(configFile) ? fs.readFileSync(configFile, "utf8") : null);
  const parsed = parseWorkspaceConfig(text, configFile);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const missing = parsed.config.editable.filter((f) => !fs.existsSync(path.join(real, f)));
  if (missing.length > 0) {
    return {
      ok: false,
      error: `editable file${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not found in ${real}: create ${missing.length > 1 ? "them" : "it"}, or set "editable" in ${CONFIG_FILE}.`,
    };
  }
  return { ok: true, workspace: { name: path.basename(real), path: real, repoRoot: fs.realpathSync(repoRoot), subdir, config: parsed.config } };
}

export function registerWorkspace(db: Db, ws: LoadedWorkspace, now: number): WorkspaceRow {
  return upsertWorkspace(
    db,
    { name: ws.name, path: ws.path, repoRoot: ws.repoRoot, subdir: ws.subdir, configJson: JSON.stringify(ws.config), configError: null },
    now,
  );
}
