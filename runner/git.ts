/**
 * The git operations the runner needs. Runs are executed in detached worktrees, so the user's checkout and
 * branch are never touched.
 */
import { serialised } from "./serial";
import { execFile } from "node:child_process";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { batchable, readBlobAt } from "./git-objects";
import { gitEnv, SAFE_GIT_CONFIG } from "./git-safety";

export class GitError extends Error {}

/** git's words when a lock file is in its way. */
const LOCK_EXISTS = /Unable to create '([^']+\.lock)': File exists/;
/** git holds a ref's lock for milliseconds; one this old was left by a git that was killed. */
export const STALE_LOCK_MS = 10_000;
/** Locks on what only Overseer writes: its session branches, its pins and its runs' worktrees. */
const OVERSEER_LOCK = /\/(refs\/heads\/overseer\/|refs\/overseer\/|worktrees\/run-\d+\/)/;

/**
 * Runs git. A lock left on one of Overseer's own refs by a git killed mid-update (a crash, kill -9) would stop
 * every later keep; such a lock is waited on while it is fresh and removed once stale. Locks on anything
 * else (the user's index, their branches) are theirs: git's error, which says to remove it, goes up as it is.
 */
export async function git(cwd: string, args: string[]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await gitOnce(cwd, args);
    } catch (e) {
      const lock = LOCK_EXISTS.exec((e as Error).message)?.[1];
      if (!lock || !OVERSEER_LOCK.test(lock) || attempt > 100) throw e;
      const age = lockAgeMs(lock);
      if (age !== null && age > STALE_LOCK_MS) {
        fsSync.rmSync(lock, { force: true });
        console.warn(`overseer: removed ${lock}, left ${Math.round(age / 1000)} s ago by a git process that did not finish`);
      } else await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function lockAgeMs(file: string): number | null {
  try {
    return Date.now() - fsSync.statSync(file).mtimeMs;
  } catch {
    return null; // gone already: try again
  }
}

function gitOnce(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", [...SAFE_GIT_CONFIG, ...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: gitEnv() }, (err, stdout, stderr) => {
      if (err) reject(new GitError(`git ${args.join(" ")} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

/** The repository that holds dir, or null when dir is not inside a git work tree. */
export async function repoRootOf(dir: string): Promise<string | null> {
  try {
    return (await git(dir, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    return null;
  }
}

export async function headCommit(repoRoot: string): Promise<string | null> {
  try {
    return (await git(repoRoot, ["rev-parse", "--verify", "HEAD^{commit}"])).trim();
  } catch {
    return null; // a repository with no commits yet
  }
}

/** Files (relative to the repo root) with uncommitted changes, so a run can say it uses HEAD, not them. */
export async function dirtyFiles(repoRoot: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const out = await git(repoRoot, ["status", "--porcelain", "--", ...paths]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(3));
}

export async function fileAtCommit(repoRoot: string, commit: string, relPath: string): Promise<string | null> {
  if (batchable(commit, relPath)) return readBlobAt(repoRoot, commit, relPath);
  try {
    return await git(repoRoot, ["show", `${commit}:${relPath}`]);
  } catch {
    return null;
  }
}

/**
 * One repository's worktree changes, one at a time (a baseline's runs make their checkouts at once, and finished
 * runs prune): git's own locking is left with less to do.
 */
const worktreeQueues = new Map<string, ReturnType<typeof serialised>>();
function inWorktreeQueue<T>(repoRoot: string, fn: () => Promise<T>): Promise<T> {
  let queue = worktreeQueues.get(repoRoot);
  if (!queue) worktreeQueues.set(repoRoot, (queue = serialised()));
  return queue(fn);
}

export async function addWorktree(repoRoot: string, dir: string, commit: string): Promise<void> {
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await inWorktreeQueue(repoRoot, async () => {
    try {
      await git(repoRoot, ["worktree", "add", "--detach", "--force", dir, commit]);
    } catch (first) {
      // Under heavy load git 2.39 has exited non-zero after "Preparing worktree" with nothing more said (CI, twice):
      // what it left is removed and it is asked once more; a second failure is the real one.
      await fs.rm(dir, { recursive: true, force: true });
      await git(repoRoot, ["worktree", "prune"]);
      await git(repoRoot, ["worktree", "add", "--detach", "--force", dir, commit]).catch((again: Error) => {
        throw new GitError(`${(first as Error).message}; asked again: ${again.message}`);
      });
    }
  });
}

/**
 * Removes a run's checkout: the folder first, then git forgets it. Never `git worktree remove`, which reads the
 * checkout's `.git` file, one a run could have pointed at a repository of its own (and its filters).
 */
export async function removeWorktree(repoRoot: string, dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
  await inWorktreeQueue(repoRoot, () => git(repoRoot, ["worktree", "prune"]));
}

/**
 * git for a run's checkout after the run had it: with the repository named by the runner (what its `.git` file
 * said when the checkout was made), never what the checkout's `.git` says now.
 */
export async function gitInCheckout(gitDir: string, worktree: string, args: string[]): Promise<string> {
  return git(worktree, [`--git-dir=${gitDir}`, `--work-tree=${worktree}`, ...args]);
}

/** Where a checkout's git folder is, from its `.git` file (read while the runner alone has written it). */
export async function checkoutGitDir(worktree: string): Promise<string> {
  const text = await fs.readFile(path.join(worktree, ".git"), "utf8");
  const m = /^gitdir: (.+)$/m.exec(text);
  if (!m) throw new Error(`${worktree}/.git does not name a git folder`);
  return path.resolve(worktree, m[1]!.trim());
}
