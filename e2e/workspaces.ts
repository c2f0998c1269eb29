/** Test workspaces for e2e: a copy of examples/tiny-lm with a short budget, registered through the real CLI. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { tinyLmFiles } from "../test/helpers/tiny-lm";

const ROOT = path.resolve(__dirname, "..");
export const E2E_DATA_DIR = path.join(ROOT, ".tmp", "e2e-data");

function git(cwd: string, args: string[]) {
  execFileSync("git", args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: "e2e", GIT_AUTHOR_EMAIL: "e2e@x", GIT_COMMITTER_NAME: "e2e", GIT_COMMITTER_EMAIL: "e2e@x" } });
}

/** A copy of examples/tiny-lm in a fresh repository, not registered: what a user would add by its path. */
export function tinyLmRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tiny-lm-e2e-"));
  for (const f of fs.readdirSync(path.join(ROOT, "examples", "tiny-lm"))) fs.copyFileSync(path.join(ROOT, "examples", "tiny-lm", f), path.join(dir, f));
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-qm", "baseline"]);
  return dir;
}

export function shortTinyLm(budgetSeconds: number, dataDir = E2E_DATA_DIR): { dir: string; name: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tiny-lm-e2e-"));
  for (const [f, text] of Object.entries(tinyLmFiles(budgetSeconds))) fs.writeFileSync(path.join(dir, f), text);
  git(dir, ["init", "-q", "-b", "main"]);
  execFileSync(path.join(ROOT, "bin", "overseer"), ["init", dir, "--budget", String(budgetSeconds)], { env: { ...process.env, OVERSEER_DATA_DIR: dataDir } });
  git(dir, ["add", "-A"]); // runs use what is committed, overseer.json included
  git(dir, ["commit", "-qm", "baseline"]);
  return { dir, name: path.basename(dir) };
}
