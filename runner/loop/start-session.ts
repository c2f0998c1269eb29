/** Starting a session: a fresh branch overseer/<tag> at the workspace's HEAD, and the session row. */
import type { SessionOptions } from "../../core/session-options";
import type { Db } from "../../db/open";
import { applySessionEvent, createSession, getSession, listSessions, type SessionRow } from "../../db/queries/sessions";
import type { WorkspaceRow } from "../../db/queries/workspaces";
import { git, headCommit } from "../git";
import { branchExists, branchFor, createBranch, validTag } from "../session-git";

export type SessionStart = { ok: true; session: SessionRow } | { ok: false; error: string };

/** autoresearch's tags: the date (nov22), with -2, -3 … when taken. */
export async function defaultTag(repoRoot: string, now: Date): Promise<string> {
  const base = `${now.toLocaleString("en-US", { month: "short", timeZone: "UTC" }).toLowerCase()}${now.getUTCDate()}`;
  for (let i = 1; ; i++) {
    const tag = i === 1 ? base : `${base}-${i}`;
    if (!(await branchExists(repoRoot, branchFor(tag)))) return tag;
  }
}

/** The runner's half of a session queued from the web: the branch, the baseline commit, status running. */
export async function startQueuedSession(db: Db, s: SessionRow, ws: WorkspaceRow): Promise<SessionStart> {
  const started = await prepareBranch(db, ws, s.tag || undefined);
  if (!started.ok) {
    applySessionEvent(db, s.id, "failed", Date.now(), { stopReason: started.error, endedAt: Date.now() });
    return started;
  }
  const { tag, branch, head } = started;
  applySessionEvent(db, s.id, "started", Date.now(), { tag, branch, baselineCommit: head, bestCommit: head });
  await sessionRecorded(ws, tag);
  return { ok: true, session: getSession(db, s.id)! };
}

/** The ref that marks a session's branch as being made by Overseer, until the session is recorded. */
const startingRef = (tag: string) => `refs/overseer-start/${tag}`;

async function sessionRecorded(ws: WorkspaceRow, tag: string): Promise<void> {
  await git(ws.repoRoot, ["update-ref", "-d", startingRef(tag)]).catch(() => undefined);
}

async function prepareBranch(db: Db, ws: WorkspaceRow, wanted: string | undefined): Promise<{ ok: true; tag: string; branch: string; head: string } | { ok: false; error: string }> {
  const head = await headCommit(ws.repoRoot);
  if (!head) return { ok: false, error: `${ws.repoRoot} has no commits: commit your training setup first.` };
  const tag = wanted ?? (await defaultTag(ws.repoRoot, new Date()));
  if (!validTag(tag)) return { ok: false, error: `"${tag}" cannot be a branch name: use letters, digits, ".", "_" and "-".` };
  const branch = branchFor(tag);
  const marker = startingRef(tag);
  if (!(await branchExists(ws.repoRoot, branch))) {
    // Marked as ours until its session is recorded (sessionRecorded): a start killed in between is told apart
    // from a branch someone else made.
    await git(ws.repoRoot, ["update-ref", marker, head]);
    await createBranch(ws.repoRoot, branch, head);
    return { ok: true, tag, branch, head };
  }
  // A start killed between making the branch and recording its session left the branch, marked, at HEAD, with no
  // session: that start is finished now, rather than the tag refused with no session to resume.
  const rev = async (ref: string) => (await git(ws.repoRoot, ["rev-parse", "--verify", "--quiet", ref]).catch(() => "")).trim();
  const leftOver = (await rev(marker)) === head && (await rev(branch)) === head && !listSessions(db).some((s) => s.branch === branch);
  if (leftOver) return { ok: true, tag, branch, head };
  return { ok: false, error: `the branch ${branch} already exists: choose another tag, or resume that session.` };
}

export async function startSession(db: Db, ws: WorkspaceRow, o: { tag?: string; options: SessionOptions; origin: "web" | "cli" }): Promise<SessionStart> {
  const b = await prepareBranch(db, ws, o.tag);
  if (!b.ok) return b;
  const session = createSession(db, { workspaceId: ws.id, tag: b.tag, branch: b.branch, origin: o.origin, options: o.options, baselineCommit: b.head, at: Date.now() });
  await sessionRecorded(ws, b.tag);
  return { ok: true, session };
}
