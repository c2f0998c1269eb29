/**
 * kill -9 of the runner while a run trains, with real processes: `bin/overseer runner` as a child, a trainer in
 * its own process group. The restarted runner takes the run over (or records it interrupted when the trainer
 * is gone too), and every point of the log is in the database exactly once.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listEventsAfter } from "../db/queries/events";
import { createRun, getRun, listRuns } from "../db/queries/runs";
import { expectEveryPointOnce, killHard, lossInLog, startRunner, stopRunner } from "../test/helpers/runner-process";
import { registeredTrainer } from "../test/helpers/registered";
import { ROOT, waitFor } from "../test/helpers/temp";
import { groupAlive, signalGroup } from "./process-group";
import { runEnded } from "../test/helpers/run-ended";

async function setup(seconds: number) {
  return registeredTrainer("slow.mjs", { command: ["node", "train.mjs", String(seconds)], budgetSeconds: seconds, timeoutSeconds: 60 });
}

describe("kill -9 of the runner while a run trains", () => {
  it("the restarted runner takes the run over within 5 s, follows it to its summary, and stores every point of its log once", async () => {
    const { db, dataDir, ws } = await setup(6);
    const first = startRunner(dataDir);
    const second: { r: ReturnType<typeof startRunner> | null } = { r: null };
    try {
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) >= 5, 30_000, "points from the first runner");
      await killHard(first.child);
      const pid = getRun(db, run.id)!.pid!;
      expect(groupAlive(pid)).toBe(true); // the trainer outlives its runner
      await new Promise((r) => setTimeout(r, 1000)); // records written while no runner reads them

      const restartedAt = Date.now();
      second.r = startRunner(dataDir);
      await waitFor(() => listEventsAfter(db, 0, 10_000, run.id).some((e) => e.type === "run_adopted"), 15_000, "the run to be taken over");
      const tookOverMs = Date.now() - restartedAt;
      expect(tookOverMs).toBeLessThan(5000);
      const ended = await runEnded(db, run.id, 30_000, "the run to end");
      expect(ended).toMatchObject({ status: "finished", metricValue: 0.9 });
      expect(ended.suspicion).toMatch(/took this run over/);
      expectEveryPointOnce(db, run.id);
      expect(lossInLog(ended.logPath!).size).toBe(60);
      // The worktree goes once the run has ended: the runner removes it after recording the end, so wait for it.
      await waitFor(() => !fs.existsSync(path.join(dataDir, "worktrees", `run-${run.id}`)), 15_000, "the run's worktree to be removed");
      console.log(`taken over ${tookOverMs} ms after the runner was restarted`);
    } finally {
      await stopRunner(first.child);
      if (second.r) await stopRunner(second.r.child);
    }
  }, 90_000);

  it("when the trainer died with it, the run is recorded interrupted with its log, and every point of the log is stored", async () => {
    const { db, dataDir, ws } = await setup(20);
    const first = startRunner(dataDir);
    let second: ReturnType<typeof startRunner> | null = null;
    try {
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) >= 5, 30_000, "points from the first runner");
      await killHard(first.child);
      await new Promise((r) => setTimeout(r, 500));
      const pid = getRun(db, run.id)!.pid!;
      signalGroup(pid, "SIGKILL");
      await waitFor(() => !groupAlive(pid), 5000, "the trainer to die");

      second = startRunner(dataDir);
      const ended = await runEnded(db, run.id, 15_000, "the run to be recorded");
      expect(ended.status).toBe("interrupted");
      expect(ended.logTail).toMatch(/step \d+/);
      expectEveryPointOnce(db, run.id);
      // The new runner goes on with new work.
      const next = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      await waitFor(() => getRun(db, next.id)?.status === "running", 15_000, "the next run to start");
    } finally {
      await stopRunner(first.child);
      if (second) await stopRunner(second.child);
    }
  }, 90_000);

  it("a run that finished while no runner was up keeps its result: read from its log by the next runner", async () => {
    const { db, dataDir, ws } = await setup(3);
    const first = startRunner(dataDir);
    let second: ReturnType<typeof startRunner> | null = null;
    try {
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) >= 2, 30_000, "points from the first runner");
      await killHard(first.child);
      const pid = getRun(db, run.id)!.pid!;
      await waitFor(() => !groupAlive(pid), 15_000, "the trainer to finish with no runner there");
      expect(fs.readFileSync(getRun(db, run.id)!.logPath!, "utf8")).toMatch(/val_bpb/);

      second = startRunner(dataDir);
      const ended = await runEnded(db, run.id, 15_000, "the run to be recorded");
      expect(ended).toMatchObject({ status: "finished", metricValue: 0.9 });
      expect(ended.suspicion).toMatch(/took this run over/);
      expectEveryPointOnce(db, run.id);
    } finally {
      await stopRunner(first.child);
      if (second) await stopRunner(second.child);
    }
  }, 60_000);
});

describe("kill -9 of overseer run while its run trains", () => {
  it("the runner takes the orphaned run over within seconds and follows it to its summary", async () => {
    const { db, dataDir, ws } = await setup(5);
    const runner = startRunner(dataDir);
    const cli = spawn(path.join(ROOT, "bin", "overseer"), ["run", ws.repoRoot], {
      env: { ...process.env, OVERSEER_DATA_DIR: dataDir, OVERSEER_NVIDIA_SMI: "/nonexistent/nvidia-smi" },
      stdio: "ignore",
    });
    try {
      const run = await waitFor(() => listRuns(db).find((r) => r.origin === "cli" && r.pointCount >= 2), 30_000, "the CLI's run to train");
      await killHard(cli);
      const killedAt = Date.now();
      await waitFor(() => listEventsAfter(db, 0, 10_000, run.id).some((e) => e.type === "run_adopted"), 15_000, "the runner to take the run over");
      const tookOverMs = Date.now() - killedAt;
      const ended = await runEnded(db, run.id, 30_000, "the run to end");
      expect(ended).toMatchObject({ status: "finished", metricValue: 0.9 });
      expectEveryPointOnce(db, run.id);
      console.log(`a killed overseer run's run taken over ${tookOverMs} ms after the kill`);
    } finally {
      if (cli.exitCode === null && cli.signalCode === null) cli.kill("SIGKILL");
      await stopRunner(runner.child);
    }
  }, 60_000);
});

describe("a runner stalled while a run trains", () => {
  it("does not count its own stall as the run's training: an honest run stays unsuspected, and the stall is said", async () => {
    const { db, dataDir, ws } = await setup(3);
    const runner = startRunner(dataDir);
    try {
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) >= 2, 30_000, "the first points");
      process.kill(runner.child.pid!, "SIGSTOP"); // the runner alone: the trainer, in its own group, trains on
      await new Promise((r) => setTimeout(r, 5000));
      process.kill(runner.child.pid!, "SIGCONT");
      const ended = await runEnded(db, run.id, 30_000, "the run to end");
      expect(ended).toMatchObject({ status: "finished", metricValue: 0.9, suspicion: null });
      const warnings = listEventsAfter(db, 0, 10_000, run.id)
        .filter((e) => e.type === "log_warning")
        .map((e) => JSON.parse(e.payloadJson ?? "{}").message as string);
      expect(warnings).toContainEqual(expect.stringMatching(/the runner was stalled for [45] s while this run trained/));
    } finally {
      process.kill(runner.child.pid!, "SIGCONT");
      await stopRunner(runner.child);
    }
  }, 60_000);
});
