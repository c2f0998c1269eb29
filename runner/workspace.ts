/** Finding, validating and registering a workspace on disk (core/workspace-load), with git as the judge of repositories. */
import fs from "node:fs";
import { loadWorkspaceWith, type WorkspaceLoad, type WorkspaceProbe } from "../core/workspace-load";
import { repoRootOf } from "./git";

export { CONFIG_FILE, type LoadedWorkspace, type WorkspaceLoad } from "../core/workspace-load";
export { registerWorkspace } from "../db/queries/workspaces";

/** The runner asks git where the repository is. */
const gitProbe: WorkspaceProbe = {
  isDirectory: (p) => fs.existsSync(p) && fs.statSync(p).isDirectory(),
  exists: (p) => fs.existsSync(p),
  realpath: (p) => fs.realpathSync(p),
  readText: (p) => (fs.existsSync(p) ? fs.readFileSync(p, "utf8") : null),
  repoRootOf,
};

/** configText: check this text instead of the file on disk (what `overseer init` is about to write). */
export function loadWorkspace(dir: string, configText?: string): Promise<WorkspaceLoad> {
  return loadWorkspaceWith(gitProbe, dir, configText);
}
