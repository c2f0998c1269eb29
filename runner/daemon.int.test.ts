import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLease, readLease, requestDoctor } from "../db/queries/runner-lease";
import { processIdentity } from "./process-identity";
import { applyRunEvent, createRun, getRun, requestCancel, updateRun } from "../db/queries/runs";
import { groupAlive } from "./process-group";
import { registeredTrainer } from "../test/helpers/registered";
import { testSettings, TRAINERS, waitFor } from "../test/helpers/temp";
import { startDaemon } from "./daemon";
import { runEnded } from "../test/helpers/run-ended";
import { zombie } from "../test/helpers/zombie";

async function setup(trainer: string, config: Record<string, unknown> = {}) {
  const { dataDir, db, ws } = await registeredTrainer(trainer, config);
  const settings = testSettings(dataDir);
  return { db, ws, settings };
}

const quiet = () => undefined;

describe("runner daemon", () => {
  it("starts runs queued by the web, one after the other, and leaves CLI runs alone", async () => {
    const { db, ws, settings } = await setup("ok.mjs");
    const cliRun = createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() });
    const a = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
    const b = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    try {
      await waitFor(() => getRun(db, b.id)?.status === "finished", 15_000, "both runs");
      expect(getRun(db, a.id)).toMatchObject({ status: "finished", metricValue: 1.234567 });
      expect(getRun(db, a.id)!.endedAt!).toBeLessThanOrEqual(getRun(db, b.id)!.startedAt!);
      expect(getRun(db, cliRun.id)!.status).toBe("queued");
      expect(readLease(db)?.pid).toBe(process.pid);
    } finally {
      await daemon.stop();
    }
    expect(readLease(db)).toBeUndefined();
  });

  it("checks its machine as overseer doctor does, for the home page, and again when the dashboard asks", async () => {
    const { db, settings } = await setup("ok.mjs");
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    type Report = { checkedAt: number; checks: { name: string; status: string; detail: string }[] };
    const report = () => (readLease(db)?.doctorJson ? (JSON.parse(readLease(db)!.doctorJson!) as Report) : null);
    try {
      await waitFor(() => report() !== null, 15_000, "the first report");
      const first = report()!;
      expect(first.checks.map((c) => c.name)).toEqual(["node", "git", "disk", "sandbox", "gpu", "gpu in sandbox", "claude"]);
      expect(first.checks.find((c) => c.name === "node")).toMatchObject({ status: "ok", detail: process.version });
      // The Claude status the dashboard offers the proposer by comes from the same check.
      expect(JSON.parse(readLease(db)!.claudeJson!)).toMatchObject({ configured: false });
      expect(requestDoctor(db, Date.now())).toBe(true);
      await waitFor(() => report()!.checkedAt > first.checkedAt, 15_000, "a second report");
    } finally {
      await daemon.stop();
    }
  });

  it("stops a running run when a human asks, and cancels a queued one before it starts", async () => {
    const { db, ws, settings } = await setup("slow.mjs", { command: ["node", "train.mjs", "30"], timeoutSeconds: 60, budgetSeconds: 30 });
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    try {
      const running = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      const queued = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      requestCancel(db, queued.id, Date.now());
      await waitFor(() => (getRun(db, running.id)?.pointCount ?? 0) > 0, 10_000, "first points");
      requestCancel(db, running.id, Date.now());
      const ended = await runEnded(db, running.id);
      expect(ended.status).toBe("cancelled");
      expect(groupAlive(ended.pid!)).toBe(false);
      const other = await runEnded(db, queued.id);
      expect(other).toMatchObject({ status: "cancelled", startedAt: null, reason: "cancelled before it started" });
    } finally {
      await daemon.stop();
    }
  });

  it("refuses to start while another runner holds the database", async () => {
    const { db, settings } = await setup("ok.mjs");
    const first = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    try {
      await expect(startDaemon({ db, settings, log: quiet })).rejects.toThrow(/another runner \(pid \d+/);
    } finally {
      await first.stop();
    }
  });

  it("takes the lease of a runner that died a moment ago and is still a zombie (its parent has not reaped it)", async () => {
    const { db, settings } = await setup("ok.mjs");
    const dead = await zombie(); // the runner that died a moment ago
    try {
      acquireLease(db, `${os.hostname()}:${dead.pid}:dead`, dead.pid, dead.identity, Date.now());
      const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
      expect(readLease(db)?.pid).toBe(process.pid);
      await daemon.stop();
    } finally {
      dead.release();
    }
  });

  it("on start, leaves alone a process that got a dead run's pid since (another start time), and marks the run interrupted", async () => {
    const { db, ws, settings } = await setup("ok.mjs");
    const stranger = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    try {
      await waitFor(() => processIdentity(stranger.pid!), 5000, "the stranger to start");
      const [boot, start] = processIdentity(stranger.pid!)!.split(":");
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      applyRunEvent(db, run.id, { type: "run_started" }, Date.now(), { startedAt: Date.now() });
      // Recorded when the pid was the trainer's, which started earlier than the process that has it now.
      updateRun(db, run.id, { pid: stranger.pid!, pidIdentity: `${boot}:${Number(start) - 100}` });
      const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
      try {
        expect(getRun(db, run.id)).toMatchObject({ status: "interrupted" });
        expect(groupAlive(stranger.pid!)).toBe(true);
      } finally {
        await daemon.stop();
      }
    } finally {
      stranger.kill("SIGKILL");
    }
  });

  it("on start, stops a run a dead runner left in flight and marks it interrupted", async () => {
    const { db, ws, settings } = await setup("ok.mjs");
    const orphan = spawn(process.execPath, [path.join(TRAINERS, "hang.mjs")], { detached: true, stdio: "ignore" });
    const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
    applyRunEvent(db, run.id, { type: "run_started" }, Date.now(), { startedAt: Date.now() });
    updateRun(db, run.id, { pid: orphan.pid! });
    await waitFor(() => groupAlive(orphan.pid!), 5000, "the orphan to start");

    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    try {
      expect(getRun(db, run.id)).toMatchObject({ status: "interrupted" });
      expect(getRun(db, run.id)!.reason).toMatch(/stopped while it was in flight, and its trainer is gone/);
      expect(groupAlive(orphan.pid!)).toBe(false);
    } finally {
      await daemon.stop();
    }
  });

  it("on losing its lease, stops its work at once (the run interrupted, its trainer gone) and ends with the reason", async () => {
    const { db, ws, settings } = await setup("slow.mjs", { command: ["node", "train.mjs", "30"], timeoutSeconds: 60, budgetSeconds: 30 });
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    const ended = daemon.done.then(
      () => null,
      (e: Error) => e,
    );
    const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
    await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) > 0, 10_000, "first points");
    // Another runner took the lease (this one was stalled past the heartbeat's limit).
    db.$client.prepare("UPDATE runner_lease SET owner = 'elsewhere:1:x', heartbeat_at = ?").run(Date.now());
    const error = await ended;
    expect(error?.message).toMatch(/lost its lease/);
    const after = getRun(db, run.id)!;
    expect(after.status).toBe("interrupted");
    expect(groupAlive(after.pid!)).toBe(false);
    expect(readLease(db)?.owner).toBe("elsewhere:1:x"); // the new holder's lease is left alone
  });

  it("records a run in flight as interrupted when the runner itself is stopped", async () => {
    const { db, ws, settings } = await setup("slow.mjs", { command: ["node", "train.mjs", "30"], timeoutSeconds: 60, budgetSeconds: 30 });
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
    await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) > 0, 10_000, "first points");
    await daemon.stop();
    const after = getRun(db, run.id)!;
    expect(after.status).toBe("interrupted");
    expect(after.pointCount).toBeGreaterThan(0);
    expect(groupAlive(after.pid!)).toBe(false);
  });
});

describe("runner daemon and sessions", () => {
  it("starts a session queued from the web: creates its branch and runs the loop to its end", async () => {
    const { queueSession, getSession } = await import("../db/queries/sessions");
    const { listExperiments } = await import("../db/queries/experiments");
    const { sessionOptionsSchema } = await import("../core/session-options");
    const { sh } = await import("../test/helpers/temp");
    const { db, ws, settings } = await setup("quadratic.mjs");
    const queued = queueSession(db, { workspaceId: ws.id, tag: "web1", options: sessionOptionsSchema.parse({ maxExperiments: 2 }), at: Date.now() });
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    try {
      const done = await waitFor(
        () => {
          const s = getSession(db, queued.id);
          return s && ["finished", "failed"].includes(s.status) ? s : null;
        },
        20_000,
        "the session to finish",
      );
      expect(done).toMatchObject({ status: "finished", branch: "overseer/web1", stopReason: "reached 2 experiments" });
      expect(listExperiments(db, queued.id)).toHaveLength(3);
      expect(sh(ws.repoRoot, "git", ["rev-parse", "overseer/web1"]).trim()).toBe(done.bestCommit);
    } finally {
      await daemon.stop();
    }
  });

  it("runs a queued single run while a session's candidates wait for approval (one CPU slot, shared)", async () => {
    const { queueSession, getSession } = await import("../db/queries/sessions");
    const { listExperiments } = await import("../db/queries/experiments");
    const { sessionOptionsSchema } = await import("../core/session-options");
    const { db, ws, settings } = await setup("quadratic.mjs");
    const queued = queueSession(db, { workspaceId: ws.id, tag: "side", options: sessionOptionsSchema.parse({ approve: "all", maxExperiments: 2 }), at: Date.now() });
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    try {
      await waitFor(() => listExperiments(db, queued.id).some((e) => e.status === "awaiting_approval"), 20_000, "a candidate to wait for approval");
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      const done = await runEnded(db, run.id, 15_000, "the single run to end beside the session");
      expect(done).toMatchObject({ status: "finished", metricValue: expect.any(Number) });
      expect(getSession(db, queued.id)!.status).toBe("running");
    } finally {
      await daemon.stop();
    }
  });

  it("on two GPUs, a single run trains beside a session's candidate, each on its own GPU", async () => {
    const { queueSession } = await import("../db/queries/sessions");
    const { listExperiments } = await import("../db/queries/experiments");
    const { sessionOptionsSchema } = await import("../core/session-options");
    const { fakeNvidiaSmi } = await import("../test/helpers/fake-nvidia-smi");
    const { tempDir, sh } = await import("../test/helpers/temp");
    const fs = await import("node:fs");
    const { db, ws, settings } = await setup("quadratic.mjs");
    // Each run takes 1.5 s, so that runs can be seen side by side.
    const train = path.join(ws.repoRoot, "train.mjs");
    fs.writeFileSync(train, fs.readFileSync(train, "utf8").replace("const sleepMs = 0;", "const sleepMs = 1500;"));
    sh(ws.repoRoot, "git", ["commit", "-qam", "slower"]);
    settings.gpu = { ...settings.gpu, nvidiaSmi: fakeNvidiaSmi(tempDir()).bin, sampleMs: 200 };
    const session = queueSession(db, { workspaceId: ws.id, tag: "two", options: sessionOptionsSchema.parse({ approve: "auto", maxExperiments: 1 }), at: Date.now() });
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    try {
      // Queued once the baseline (which takes both GPUs) has begun: the run waits for it, then trains beside the candidate.
      await waitFor(() => listExperiments(db, session.id).some((e) => e.status === "running"), 20_000, "the baseline to start");
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      const single = await runEnded(db, run.id, 30_000, "the single run");
      expect(single.status).toBe("finished");
      const sessionRuns = listExperiments(db, session.id).flatMap((e) => (JSON.parse(e.runIdsJson) as number[]).map((id) => getRun(db, id)!));
      const beside = sessionRuns.filter((r) => r.startedAt! < single.endedAt! && single.startedAt! < (r.endedAt ?? Infinity));
      expect(beside.length).toBeGreaterThan(0);
      for (const r of beside) expect(JSON.parse(r.gpuJson!).index).not.toBe(JSON.parse(single.gpuJson!).index);
    } finally {
      await daemon.stop();
    }
  });

  it("a session waiting for a human does not hold up the next session", async () => {
    const { queueSession, getSession } = await import("../db/queries/sessions");
    const { listExperiments } = await import("../db/queries/experiments");
    const { sessionOptionsSchema } = await import("../core/session-options");
    const { db, ws, settings } = await setup("quadratic.mjs");
    const waiting = queueSession(db, { workspaceId: ws.id, tag: "waits", options: sessionOptionsSchema.parse({ approve: "all", maxExperiments: 2 }), at: Date.now() });
    const next = queueSession(db, { workspaceId: ws.id, tag: "next", options: sessionOptionsSchema.parse({ approve: "auto", maxExperiments: 2 }), at: Date.now() });
    const daemon = await startDaemon({ db, settings, pollMs: 20, log: quiet });
    try {
      const done = await waitFor(
        () => {
          const s = getSession(db, next.id);
          return s && ["finished", "failed"].includes(s.status) ? s : null;
        },
        20_000,
        "the second session to finish",
      );
      expect(done).toMatchObject({ status: "finished", stopReason: "reached 2 experiments" });
      expect(getSession(db, waiting.id)!.status).toBe("running");
      expect(listExperiments(db, waiting.id).filter((e) => e.status === "awaiting_approval").length).toBeGreaterThan(0);
    } finally {
      await daemon.stop();
    }
  });
});
