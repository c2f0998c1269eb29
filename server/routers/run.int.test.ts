import { describe, expect, it } from "vitest";
import { insertPoints } from "../../db/queries/metrics";
import { applyRunEvent, createRun, getRun } from "../../db/queries/runs";
import { upsertWorkspace } from "../../db/queries/workspaces";
import type { Db } from "../../db/open";
import { tempDb } from "../../test/helpers/temp";
import { acquireLease, setLeaseClaude } from "../../db/queries/runner-lease";
import { appRouter } from "../root";
import type { LiveMessage } from "./run";

function setup(configError: string | null = null) {
  const { db } = tempDb();
  const ws = upsertWorkspace(db, { name: "w", path: `/tmp/w-${Math.random()}`, repoRoot: "/tmp", subdir: "", configJson: "{}", configError }, Date.now());
  return { db, ws, caller: appRouter.createCaller({ db, credential: "page", client: "test" }) };
}

/** A subscription's next message; tracked events arrive as [id, data, symbol] through createCaller. */
async function next(it: AsyncIterator<unknown>): Promise<{ id: string; data: LiveMessage }> {
  const r = await it.next();
  if (r.done) throw new Error("the subscription ended");
  const [id, data] = r.value as [string, LiveMessage];
  return { id, data };
}

function startRunning(db: Db, workspaceId: number) {
  const run = createRun(db, { workspaceId, origin: "web", at: Date.now() });
  return applyRunEvent(db, run.id, { type: "run_started" }, Date.now(), { startedAt: Date.now() });
}

describe("run router", () => {
  it("start queues a run for the runner; an unknown or broken workspace is refused with why", async () => {
    const { caller, ws, db } = setup();
    const run = await caller.run.start({ workspaceId: ws.id });
    expect(getRun(db, run.id)).toMatchObject({ status: "queued", origin: "web" });
    await expect(caller.run.start({ workspaceId: 999 })).rejects.toThrow(/workspace 999 does not exist/);
    const broken = setup('"command": expected an argv array');
    await expect(broken.caller.run.start({ workspaceId: broken.ws.id })).rejects.toThrow(/fix overseer.json first: "command"/);
  });

  it("cancel ends a queued run at once, asks the runner to stop a running one, and refuses an ended one", async () => {
    const { caller, ws, db } = setup();
    const queued = await caller.run.start({ workspaceId: ws.id });
    expect(await caller.run.cancel({ id: queued.id })).toMatchObject({ status: "cancelled" });
    const running = startRunning(db, ws.id);
    expect(await caller.run.cancel({ id: running.id })).toMatchObject({ status: "running", cancelRequested: true });
    await expect(caller.run.cancel({ id: queued.id })).rejects.toThrow(/already ended \(cancelled\)/);
  });

  it("live sends a snapshot, then only new points, then the ended run, and stops", async () => {
    const { caller, ws, db } = setup();
    const run = startRunning(db, ws.id);
    insertPoints(
      db,
      run.id,
      [0, 1, 2].map((step) => ({ series: "loss", step, tMs: step, value: 4 - step })),
      { lastStep: 2, pointCount: 3 },
    );
    const it = (await caller.run.live({ runId: run.id }))[Symbol.asyncIterator]();

    const first = await next(it);
    expect(first.data.snapshot).toEqual({ loss: [0, 1, 2].map((step) => ({ step, value: 4 - step, tMs: step })) });
    expect(first.data.run.status).toBe("running");

    insertPoints(db, run.id, [{ series: "loss", step: 3, tMs: 3, value: 0.5 }], { lastStep: 3, pointCount: 4 });
    const second = await next(it);
    expect(second.data.points).toEqual([{ series: "loss", step: 3, value: 0.5, tMs: 3 }]);
    expect(Number(second.id)).toBeGreaterThan(Number(first.id));

    applyRunEvent(db, run.id, { type: "run_ended", outcome: "finished" }, Date.now(), { endedAt: Date.now(), metricValue: 0.9, reason: "val_bpb = 0.9" });
    const third = await next(it);
    expect(third.data.run).toMatchObject({ status: "finished", metricValue: 0.9 });
    expect((await it.next()).done).toBe(true);
  });

  it("live resumes after the last id it sent, without a snapshot (a reconnecting browser)", async () => {
    const { caller, ws, db } = setup();
    const run = startRunning(db, ws.id);
    insertPoints(db, run.id, [{ series: "loss", step: 0, tMs: 0, value: 4 }], { lastStep: 0, pointCount: 1 });
    const first = await next((await caller.run.live({ runId: run.id }))[Symbol.asyncIterator]());
    insertPoints(db, run.id, [{ series: "loss", step: 1, tMs: 1, value: 3 }], { lastStep: 1, pointCount: 2 });

    const resumed = await next((await caller.run.live({ runId: run.id, lastEventId: first.id }))[Symbol.asyncIterator]());
    expect(resumed.data.snapshot).toBeUndefined();
    expect(resumed.data.points).toEqual([{ series: "loss", step: 1, value: 3, tMs: 1 }]);
  });
});

describe("system router", () => {
  it("live says it is connected, reports the runner's status, then each new event once", async () => {
    const { caller, ws, db } = setup();
    const it = (await caller.system.live())[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ kind: "connected" });
    expect((await it.next()).value).toMatchObject({ kind: "runner", runner: { online: false, databaseLocked: false, pid: null, sandbox: null, gpus: null } });
    const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
    const [id, data] = (await it.next()).value as unknown as [string, { kind: string; event: { type: string; runId: number } }];
    expect(data).toMatchObject({ kind: "event", event: { type: "run_queued", runId: run.id } });
    expect(Number(id)).toBeGreaterThan(0);
    await it.return?.();
  });
});

describe("system.capabilities", () => {
  it("tells the dashboard what the runner's key is worth, from the lease (the web holds no key)", async () => {
    const { caller, db } = setup();
    expect(await caller.system.capabilities()).toMatchObject({ claude: null });
    acquireLease(db, "host:1:x", 1, null, Date.now(), () => false);
    setLeaseClaude(
      db,
      "host:1:x",
      JSON.stringify({ configured: true, ok: false, model: "claude-sonnet-5-5", error: "the Claude API refused the key (401 authentication_error: invalid x-api-key)", checkedAt: 1 }),
    );
    expect(await caller.system.capabilities()).toEqual({
      claude: false,
      claudeModel: "claude-sonnet-5-5",
      claudeError: "the Claude API refused the key (401 authentication_error: invalid x-api-key)",
      claudeNote: null,
    });
    setLeaseClaude(db, "host:1:x", JSON.stringify({ configured: false }));
    expect(await caller.system.capabilities()).toMatchObject({ claude: false, claudeModel: null });
    setLeaseClaude(db, "host:1:x", JSON.stringify({ configured: true, ok: true, model: "claude-opus-5-5", models: ["claude-opus-5-5"], note: null, checkedAt: 1 }));
    expect(await caller.system.capabilities()).toMatchObject({ claude: true, claudeModel: "claude-opus-5-5" });
  });
});
