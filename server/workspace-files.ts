import "server-only";
/**
 * The web process's view of a workspace folder: plain file reads and one write (overseer.json). It finds the
 * repository by looking for `.git` upwards, as git does, since it starts no processes; the runner checks with
 * git itself when a session starts.
 */
import fs from "node:fs";
import path from "node:path";
import { CONFIG_FILE, type WorkspaceProbe } from "../core/workspace-load";

export const fsProbe: WorkspaceProbe = {
  isDirectory: (p) => fs.existsSync(p) && fs.statSync(p).isDirectory(),
  exists: (p) => fs.existsSync(p),
  realpath: (p) => fs.realpathSync(p),
  readText: (p) => (fs.existsSync(p) ? fs.readFileSync(p, "utf8") : null),
  async repoRootOf(dir) {
    // A .git folder, or a .git file (worktrees and submodules point elsewhere with one).
    for (let d = fs.realpathSync(dir); ; d = path.dirname(d)) {
      if (fs.existsSync(path.join(d, ".git"))) return d;
      if (path.dirname(d) === d) return null;
    }
  },
};

export function readConfigText(workspacePath: string): string | null {
  return fsProbe.readText(path.join(workspacePath, CONFIG_FILE));
}

/** Replaces overseer.json whole (a temporary file, then a rename), so a crash never leaves half of it. */
export function writeConfigText(workspacePath: string, text: string): void {
  const file = path.join(workspacePath, CONFIG_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text.endsWith("\n") ? text : `${text}\n`);
  fs.renameSync(tmp, file);
}
