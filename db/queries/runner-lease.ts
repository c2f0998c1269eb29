/**
 * One runner daemon per database: it holds a lease row and renews its heartbeat; the web shows
 * "runner offline" when the heartbeat is stale.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../open";
import { runnerLease } from "../schema";

export const LEASE_STALE_MS = 5000;

/**
 * Whether a heartbeat is recent. One from the future is as stale as an old one: the clock jumped back, and a
 * live runner writes a new one within a second.
 */
export function heartbeatFresh(heartbeatAt: number, now: number): boolean {
  return Math.abs(now - heartbeatAt) < LEASE_STALE_MS;
}

export type LeaseRow = typeof runnerLease.$inferSelect;

/**
 * Takes the lease unless another live runner holds it; returns the holder when refused. holderAlive lets a
 * runner restarted after a kill -9 take over at once instead of waiting for the heartbeat to go stale.
 */
export function acquireLease(
  db: Db,
  owner: string,
  pid: number,
  pidIdentity: string | null,
  now: number,
  holderAlive: (held: LeaseRow) => boolean = () => true,
): { ok: true } | { ok: false; holder: LeaseRow } {
  return db.transaction(
    (tx) => {
      const held = tx.select().from(runnerLease).where(eq(runnerLease.id, 1)).get();
      if (held && held.owner !== owner && heartbeatFresh(held.heartbeatAt, now) && holderAlive(held)) return { ok: false as const, holder: held };
      tx.insert(runnerLease)
        .values({ id: 1, owner, pid, pidIdentity, startedAt: now, heartbeatAt: now })
        .onConflictDoUpdate({ target: runnerLease.id, set: { owner, pid, pidIdentity, startedAt: now, heartbeatAt: now } })
        .run();
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/** Renews the heartbeat; false if another runner took the lease meanwhile. */
/**
 * The heartbeat. Null when the lease is no longer this owner's; otherwise when the dashboard last asked for a
 * machine check, read in the same write (the runner beats once a second).
 */
export function renewLease(db: Db, owner: string, now: number): { doctorRequestedAt: number | null } | null {
  return db.update(runnerLease).set({ heartbeatAt: now }).where(eq(runnerLease.owner, owner)).returning({ doctorRequestedAt: runnerLease.doctorRequestedAt }).get() ?? null;
}

/** Records what isolates this runner's runs, for the dashboard. */
export function setLeaseSandbox(db: Db, owner: string, sandbox: string): void {
  db.update(runnerLease).set({ sandbox }).where(eq(runnerLease.owner, owner)).run();
}

/** Records the GPUs this runner's machine has ([] for none), for the dashboard. */
export function setLeaseGpus(db: Db, owner: string, gpusJson: string): void {
  db.update(runnerLease).set({ gpusJson }).where(eq(runnerLease.owner, owner)).run();
}

export function setLeaseClaude(db: Db, owner: string, claudeJson: string): void {
  db.update(runnerLease).set({ claudeJson }).where(eq(runnerLease.owner, owner)).run();
}

/** Records the runner's doctor report of its machine ({ checkedAt, checks }), for the home page. */
export function setLeaseDoctor(db: Db, owner: string, doctorJson: string): void {
  db.update(runnerLease).set({ doctorJson }).where(eq(runnerLease.owner, owner)).run();
}

/** The dashboard's "check again": the runner sees it at its next tick. False when no runner holds the lease. */
export function requestDoctor(db: Db, now: number): boolean {
  return db.update(runnerLease).set({ doctorRequestedAt: now }).where(eq(runnerLease.id, 1)).run().changes > 0;
}

export function releaseLease(db: Db, owner: string): void {
  db.delete(runnerLease).where(eq(runnerLease.owner, owner)).run();
}

export function readLease(db: Db): LeaseRow | undefined {
  return db.select().from(runnerLease).where(eq(runnerLease.id, 1)).get();
}
