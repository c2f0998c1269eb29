/** The sessions and runs tables sort and filter in SQL, through the routers the home page calls. */
import { expect, it } from "vitest";
import { sessionOptionsSchema } from "../../core/session-options";
import { createExperiment } from "../../db/queries/experiments";
import { createRun } from "../../db/queries/runs";
import { createSession } from "../../db/queries/sessions";
import { upsertWorkspace } from "../../db/queries/workspaces";
import { tempDb } from "../../test/helpers/temp";
import { appRouter } from "../root";

function fixture() {
  const { db } = tempDb();
  const ws = upsertWorkspace(db, { name: "w", path: `/tmp/w-${Math.random()}`, repoRoot: "/tmp", subdir: "", configJson: "{}", configError: null }, Date.now());
  const runs = [
    ["finished", 3.5, 1000, 301_000],
    ["crashed", null, 1000, 5_000],
    ["finished", 3.2, 1000, 302_000],
    ["queued", null, null, null],
  ] as const;
  for (const [status, value, started, ended] of runs) {
    const r = createRun(db, { workspaceId: ws.id, origin: "web", at: 1 });
    db.$client.prepare("UPDATE runs SET status = ?, metric_value = ?, started_at = ?, ended_at = ? WHERE id = ?").run(status, value, started, ended, r.id);
  }
  const sessions = [
    ["finished", "mutate", 3.1, 4],
    ["running", "claude", 2.9, 1],
    ["stopped", "claude", null, 2],
  ] as const;
  for (const [status, proposer, best, n] of sessions) {
    const s = createSession(db, { workspaceId: ws.id, tag: `t${Math.random()}`, branch: "b", origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: 1 });
    db.$client.prepare("UPDATE sessions SET status = ?, proposer = ?, best_value = ? WHERE id = ?").run(status, proposer, best, s.id);
    for (let i = 0; i < n; i++) createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "x", proposer, at: 2 });
  }
  return appRouter.createCaller({ db, credential: "page", client: "test" });
}

it("runs sort by metric, duration or status, either way, without a value last, and filter by status", async () => {
  const caller = fixture();
  const ids = async (o: object) => (await caller.run.list(o)).map((r) => r.id);
  expect(await ids({})).toEqual([4, 3, 2, 1]);
  expect(await ids({ sort: "metric", desc: false })).toEqual([3, 1, 4, 2]);
  expect(await ids({ sort: "metric", desc: true })).toEqual([1, 3, 4, 2]);
  expect(await ids({ sort: "duration", desc: true })).toEqual([3, 1, 2, 4]);
  expect(await ids({ status: "finished" })).toEqual([3, 1]);
  expect(await ids({ status: "finished", sort: "metric", desc: false, limit: 1 })).toEqual([3]);
  await expect(caller.run.list({ sort: "bogus" } as never)).rejects.toThrow();
});

it("sessions sort by best, experiments or proposer, and filter by status, with each one's experiment count", async () => {
  const caller = fixture();
  const list = async (o: object) => (await caller.session.list(o)).map((s) => [s.id, s.experimentCount]);
  expect(await list({})).toEqual([
    [3, 2],
    [2, 1],
    [1, 4],
  ]);
  expect((await list({ sort: "best", desc: false })).map(([id]) => id)).toEqual([2, 1, 3]);
  expect((await list({ sort: "experiments", desc: true })).map(([id]) => id)).toEqual([1, 3, 2]);
  expect((await list({ sort: "proposer", desc: false })).map(([id]) => id)).toEqual([3, 2, 1]);
  expect(await list({ status: "running" })).toEqual([[2, 1]]);
});
