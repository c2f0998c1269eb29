/**
 * A session's git discipline. The session branch `overseer/<tag>` starts at the workspace's HEAD and only
 * ever fast-forwards to a kept experiment. Candidates are committed in the session's own worktree, detached
 * at the best commit, and each is pinned under `refs/overseer/<session>/<n>`, so no experiment's code is
 * ever unreachable. The user's checkout is never touched.
 */
import { serialised } from "./serial";
import fs from "node:fs";
import path from "node:path";
import { git, GitError } from "./git";

const IDENTITY = ["-c", "user.name=Overseer", "-c", "user.email=overseer@localhost", "-c", "commit.gpgsign=false"];

export interface SessionGit {
  repoRoot: string;
  /** The workspace folder relative to the repository root ("" at the root), with / separators. */
  subdir: string;
  worktree: string;
  branch: string;
  sessionId: number;
}

export const branchFor = (tag: string) => `overseer/${tag}`;
export const refFor = (sessionId: number, idx: number) => `refs/overseer/${sessionId}/${idx}`;

export function validTag(tag: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(tag) && !tag.includes("..") && !tag.endsWith(".lock");
}

export async function branchExists(repoRoot: string, branch: string): Promise<boolean> {
  try {
    await git(repoRoot, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
    return true;
  } catch {
    return false;
  }
}

export async function createBranch(repoRoot: string, branch: string, commit: string): Promise<void> {
  await git(repoRoot, ["branch", branch, commit]);
}

/** Opens (creating if needed) the session's worktree, detached at `at`. */
export async function openSessionGit(s: Omit<SessionGit, "worktree">, dataDir: string, at: string): Promise<SessionGit> {
  const worktree = path.join(dataDir, "worktrees", `session-${s.sessionId}`);
  if (!fs.existsSync(path.join(worktree, ".git"))) {
    fs.rmSync(worktree, { recursive: true, force: true });
    await git(s.repoRoot, ["worktree", "prune"]);
    await git(s.repoRoot, ["worktree", "add", "--detach", "--force", worktree, at]);
  }
  return { ...s, worktree };
}

const repoPath = (g: SessionGit, file: string) => (g.subdir ? `${g.subdir}/${file}` : file);

export async function readFilesAt(g: SessionGit, commit: string, files: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) {
    try {
      out[f] = await git(g.repoRoot, ["show", `${commit}:${repoPath(g, f)}`]);
    } catch (e) {
      throw new GitError(`${f} is missing at ${commit.slice(0, 7)}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** The session's worktree has one index: candidates built at once (runs on several GPUs) take turns. */
const worktreeTurns = new WeakMap<SessionGit, ReturnType<typeof serialised>>();

/** Commits new contents of the given files on top of `parent`, pins the commit under `ref`, returns its sha. */

export async function commitCandidate(g: SessionGit, parent: string, files: Readonly<Record<string, string>>, message: string, ref: string): Promise<string> {
  let turn = worktreeTurns.get(g);
  if (!turn) worktreeTurns.set(g, (turn = serialised()));
  return turn(async () => {
    await git(g.worktree, ["checkout", "--detach", "--force", parent]);
    await git(g.worktree, ["clean", "-fdq"]);
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(g.worktree, repoPath(g, file)), content);
    await git(g.worktree, ["add", "--", ...Object.keys(files).map((f) => repoPath(g, f))]);
    await git(g.worktree, [...IDENTITY, "commit", "-q", "--no-verify", "-m", message]);
    const sha = (await git(g.worktree, ["rev-parse", "HEAD"])).trim();
    await git(g.repoRoot, ["update-ref", ref, sha]);
    return sha;
  });
}

/** Pins an existing commit (the baseline) under a ref. */
export async function pin(g: SessionGit, ref: string, sha: string): Promise<void> {
  await git(g.repoRoot, ["update-ref", ref, sha]);
}

/**
 * Moves the session branch to a kept commit, only if it still points at the previous best. Finding it already
 * at the kept commit is success: a loop killed after this step and before recording it does it again.
 */
export async function advanceBranch(g: SessionGit, to: string, from: string): Promise<void> {
  try {
    await git(g.repoRoot, ["update-ref", `refs/heads/${g.branch}`, to, from]);
  } catch (e) {
    const now = (await git(g.repoRoot, ["rev-parse", `refs/heads/${g.branch}`]).catch(() => "")).trim();
    if (now !== to) throw e;
  }
}

export async function diffBetween(g: SessionGit, from: string, to: string): Promise<string> {
  return git(g.repoRoot, ["diff", "--no-color", "--no-ext-diff", from, to]);
}

export async function changedFiles(g: SessionGit, from: string, to: string): Promise<string[]> {
  const out = await git(g.repoRoot, ["diff", "--name-only", "--no-renames", from, to]);
  const prefix = g.subdir ? `${g.subdir}/` : "";
  return out
    .split("\n")
    .filter(Boolean)
    .map((f) => (!prefix ? f : f.startsWith(prefix) ? f.slice(prefix.length) : `../${f}`));
}

export async function closeSessionGit(g: SessionGit): Promise<void> {
  try {
    await git(g.repoRoot, ["worktree", "remove", "--force", g.worktree]);
  } catch {
    fs.rmSync(g.worktree, { recursive: true, force: true });
    await git(g.repoRoot, ["worktree", "prune"]).catch(() => undefined);
  }
}

/** Who a human edit is credited to: the repository's git identity, as `Name <email>`, or a plain fallback. */
export async function humanIdentity(g: SessionGit): Promise<string> {
  const read = async (key: string) => (await git(g.repoRoot, ["config", "--get", key]).catch(() => "")).trim();
  const [name, email] = await Promise.all([read("user.name"), read("user.email")]);
  return `${name || "Overseer reviewer"} <${email || "reviewer@localhost"}>`;
}
