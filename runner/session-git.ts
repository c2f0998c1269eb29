/**
 * A session's git discipline. The session branch `overseer/<tag>` starts at the workspace's HEAD and only
 * ever fast-forwards to a kept experiment. Candidates are written as commits on the best commit straight into
 * the object database, and each is pinned under `refs/overseer/<session>/<n>`, so no experiment's code is
 * ever unreachable. The user's checkout, index and worktrees are never touched.
 */
import fs from "node:fs";
import path from "node:path";
import { fileAtCommit, git, GitError } from "./git";
import { openObjectStore, writeCommit, type ObjectStore } from "./git-write";

const OVERSEER_IDENTITY = "Overseer <overseer@localhost>";

export interface SessionGit {
  repoRoot: string;
  /** The workspace folder relative to the repository root ("" at the root), with / separators. */
  subdir: string;
  branch: string;
  /** Where candidates' commits are written (runner/git-write.ts). */
  store: ObjectStore;
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

/**
 * Opens a session's git: where its objects are written. Sessions of earlier versions committed in a worktree
 * of their own under the data folder; one left behind is removed.
 */
export async function openSessionGit(s: Omit<SessionGit, "store">, dataDir: string): Promise<SessionGit> {
  const oldWorktree = path.join(dataDir, "worktrees", `session-${s.sessionId}`);
  if (fs.existsSync(oldWorktree)) {
    await git(s.repoRoot, ["worktree", "remove", "--force", oldWorktree]).catch(() => fs.rmSync(oldWorktree, { recursive: true, force: true }));
    await git(s.repoRoot, ["worktree", "prune"]);
  }
  return { ...s, store: await openObjectStore(s.repoRoot) };
}

const repoPath = (g: SessionGit, file: string) => (g.subdir ? `${g.subdir}/${file}` : file);

export async function readFilesAt(g: SessionGit, commit: string, files: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    files.map(async (f) => {
      const content = await fileAtCommit(g.repoRoot, commit, repoPath(g, f));
      if (content === null) throw new GitError(`${f} is missing at ${commit.slice(0, 7)}: no such file in that commit`);
      out[f] = content;
    }),
  );
  return Object.fromEntries(files.map((f) => [f, out[f]!]));
}

/** Commits new contents of the given files on top of `parent`, pins the commit under `ref`, returns its sha. */
export async function commitCandidate(g: SessionGit, parent: string, files: Readonly<Record<string, string>>, message: string, ref: string): Promise<string> {
  const sha = await writeCommit(g.store, { parent, files: Object.fromEntries(Object.entries(files).map(([f, c]) => [repoPath(g, f), c])), message, identity: OVERSEER_IDENTITY, atMs: Date.now() });
  await git(g.repoRoot, ["update-ref", ref, sha]);
  return sha;
}

/** Pins an existing commit (the baseline) under a ref. */
export async function pin(g: SessionGit, ref: string, sha: string): Promise<void> {
  await git(g.repoRoot, ["update-ref", ref, sha]);
}

/**
 * Pins every commit the database records for a session whose pin is missing or moved: a loop killed between
 * recording an experiment and pinning it leaves its commit to `git gc` otherwise.
 */
export async function repinAll(g: SessionGit, commits: ReadonlyArray<{ idx: number; sha: string }>): Promise<void> {
  const prefix = `refs/overseer/${g.sessionId}/`;
  const listed = await git(g.repoRoot, ["for-each-ref", "--format=%(refname) %(objectname)", prefix]);
  const have = new Map(
    listed
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ") as [string, string]),
  );
  for (const c of commits) {
    const ref = refFor(g.sessionId, c.idx);
    if (have.get(ref) !== c.sha) await pin(g, ref, c.sha);
  }
}

/**
 * Moves the session branch from one commit to another (to a kept commit; back to the recorded best on resume),
 * only if it still points where it was. Finding it already at the target is success: a loop killed after this
 * step and before recording it does it again.
 */
export async function moveBranch(g: SessionGit, to: string, from: string): Promise<void> {
  try {
    await git(g.repoRoot, ["update-ref", `refs/heads/${g.branch}`, to, from]);
  } catch (e) {
    const now = (await git(g.repoRoot, ["rev-parse", `refs/heads/${g.branch}`]).catch(() => "")).trim();
    if (now !== to) throw e;
  }
}

/** The commit the session branch points at, or null when it is gone. */
export async function branchTip(g: SessionGit): Promise<string | null> {
  return (await git(g.repoRoot, ["rev-parse", "--verify", "--quiet", `refs/heads/${g.branch}`]).catch(() => "")).trim() || null;
}

/** Who a human edit is credited to: the repository's git identity, as `Name <email>`, or a plain fallback. */
export async function humanIdentity(g: SessionGit): Promise<string> {
  const read = async (key: string) => (await git(g.repoRoot, ["config", "--get", key]).catch(() => "")).trim();
  const [name, email] = await Promise.all([read("user.name"), read("user.email")]);
  return `${name || "Overseer reviewer"} <${email || "reviewer@localhost"}>`;
}
