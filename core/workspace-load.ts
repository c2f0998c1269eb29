/**
 * Validating a workspace folder: inside a git repository, with overseer.json (or the defaults) and its editable
 * files present. The file system and the repository lookup are passed in, so the runner asks git and the web
 * process (which starts no processes) looks for `.git` itself. Every failure is a message that says what to do.
 */
import path from "node:path";
import { parseWorkspaceConfig, type WorkspaceConfig } from "./workspace-config";

export const CONFIG_FILE = "overseer.json";

export interface WorkspaceProbe {
  isDirectory(p: string): boolean;
  exists(p: string): boolean;
  realpath(p: string): string;
  /** null when the file does not exist. */
  readText(p: string): string | null;
  /** The repository's top folder, or null when dir is not inside one. */
  repoRootOf(dir: string): Promise<string | null>;
}

export interface LoadedWorkspace {
  name: string;
  path: string;
  repoRoot: string;
  subdir: string;
  config: WorkspaceConfig;
}

export type WorkspaceLoad = { ok: true; workspace: LoadedWorkspace } | { ok: false; error: string };

/** configText: check this text instead of the file on disk (what is about to be written). */
export async function loadWorkspaceWith(probe: WorkspaceProbe, dir: string, configText?: string): Promise<WorkspaceLoad> {
  if (!path.isAbsolute(dir) && dir.startsWith("~")) return { ok: false, error: `${dir}: write the full path (~ is not expanded here).` };
  const abs = path.resolve(dir);
  if (!probe.isDirectory(abs)) return { ok: false, error: `${abs} is not a folder. Give the path of the folder that holds your training script.` };
  const repoRoot = await probe.repoRootOf(abs);
  if (!repoRoot) {
    return {
      ok: false,
      error: `${abs} is not inside a git repository. Overseer runs every experiment at a commit: run \`git init && git add -A && git commit -m baseline\` there first.`,
    };
  }
  const real = probe.realpath(abs);
  const subdir = path.relative(probe.realpath(repoRoot), real);
  const configFile = path.join(real, CONFIG_FILE);
  const parsed = parseWorkspaceConfig(configText ?? probe.readText(configFile), configFile);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const missing = parsed.config.editable.filter((f) => !probe.exists(path.join(real, f)));
  if (missing.length > 0) {
    return {
      ok: false,
      error: `editable file${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not found in ${real}: create ${missing.length > 1 ? "them" : "it"}, or set "editable" in ${CONFIG_FILE}.`,
    };
  }
  // A link would let an edit land outside the workspace (or in another of its files), and git commits the link, not the file.
  const linked = parsed.config.editable.map((f) => ({ f, target: probe.realpath(path.join(real, f)) })).filter(({ f, target }) => target !== path.join(real, f));
  if (linked.length > 0) {
    const list = linked.map(({ f, target }) => `${f} (→ ${target})`).join(", ");
    return {
      ok: false,
      error: `editable file${linked.length > 1 ? "s" : ""} ${list} ${linked.length > 1 ? "are symbolic links" : "is a symbolic link"}: Overseer edits and commits regular files inside the workspace only. Put the file itself there, or leave it out of "editable" in ${CONFIG_FILE}.`,
    };
  }
  return { ok: true, workspace: { name: path.basename(real), path: real, repoRoot: probe.realpath(repoRoot), subdir, config: parsed.config } };
}
