/** Finding, validating and registering a workspace on disk (core/workspace-load), with git as the judge of repositories. */
import fs from "node:fs";
import path from "node:path";
import { parseWorkspaceConfig, type ConfigParse } from "../core/workspace-config";
import { CONFIG_FILE, loadWorkspaceWith, type WorkspaceLoad, type WorkspaceProbe } from "../core/workspace-load";
import { fileAtCommit, repoRootOf } from "./git";

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

/** overseer.json as committed at `commit`: what a run or a session uses, whatever the checkout holds now. */
export async function configAtCommit(repoRoot: string, subdir: string, commit: string): Promise<ConfigParse> {
  const configPath = path.posix.join(subdir.split(path.sep).join("/"), CONFIG_FILE);
  return parseWorkspaceConfig(await fileAtCommit(repoRoot, commit, configPath), `${CONFIG_FILE} at ${commit.slice(0, 7)}`);
}
