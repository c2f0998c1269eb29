/**
 * Lock files left behind by a git that was killed mid-write (kill -9, a crash, a power cut). Overseer's own
 * refs are only ever written by Overseer, so a stale lock on them is removed and the session goes on; the
 * user's index lock is theirs and is left alone — the loop never needs the index.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listExperiments } from "../../db/queries/experiments";
import { loopSetup } from "../../test/helpers/loop";
import { sh } from "../../test/helpers/temp";
import { STALE_LOCK_MS } from "../git";
import { runSession } from "./engine";

const git = (repo: string, ...args: string[]) => sh(repo, "git", args).trim();

function leaveLock(file: string, ageMs: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "");
  const then = new Date(Date.now() - ageMs);
  fs.utimesSync(file, then, then);
}

describe("git locks left behind", () => {
  it("a stale lock on the session branch and on a pin is removed and the session keeps; the user's index.lock is left alone", async () => {
    const { repo, db, session, deps } = await loopSetup({ maxExperiments: 6, seed: 3 });
    const userLock = path.join(repo, ".git", "index.lock");
    const branchLock = path.join(repo, ".git", "refs", "heads", "overseer", "t1.lock");
    const pinLock = path.join(repo, ".git", "refs", "overseer", String(session.id), "2.lock");
    for (const lock of [userLock, branchLock, pinLock]) leaveLock(lock, STALE_LOCK_MS + 60_000);
    // As git says it, with or without the lock: a commit in the user's checkout is refused.
    expect(() => sh(repo, "git", ["commit", "--allow-empty", "-qm", "x"])).toThrow(/index\.lock': File exists/);

    const final = await runSession(session.id, deps);
    expect(final).toMatchObject({ status: "finished", stopReason: "reached 6 experiments" });
    const exps = listExperiments(db, session.id);
    const kept = exps.filter((e) => e.status === "kept" && e.kind !== "baseline");
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(git(repo, "rev-parse", "overseer/t1")).toBe(kept.at(-1)!.commitSha);
    expect(git(repo, "rev-parse", `refs/overseer/${session.id}/2`)).toBe(exps[2]!.commitSha);
    expect(fs.existsSync(branchLock)).toBe(false);
    expect(fs.existsSync(pinLock)).toBe(false);
    expect(fs.existsSync(userLock)).toBe(true);
  });

  it("a fresh lock is waited on, not removed: a git that is still writing finishes first", async () => {
    const { repo, session, deps } = await loopSetup({ maxExperiments: 2, seed: 3 });
    const pinLock = path.join(repo, ".git", "refs", "overseer", String(session.id), "1.lock");
    leaveLock(pinLock, 0);
    let removedAt = 0;
    setTimeout(() => {
      fs.rmSync(pinLock); // throws (and fails the test) if Overseer had removed the fresh lock itself
      removedAt = Date.now();
    }, 1500);
    const final = await runSession(session.id, deps);
    expect(final.status).toBe("finished");
    expect(removedAt).toBeGreaterThan(0); // the test removed it, as the other git would have
    expect(git(repo, "rev-parse", `refs/overseer/${session.id}/1`)).toMatch(/^[0-9a-f]{40}$/);
  });
});
