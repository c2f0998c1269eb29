/** A session's hyperparameter views, derived from the stored snapshots of a real database, through the router. */
import { expect, it } from "vitest";
import { sessionOptionsSchema } from "../../core/session-options";
import { createExperiment } from "../../db/queries/experiments";
import { storeFileChanges } from "../../db/queries/snapshots";
import { createSession } from "../../db/queries/sessions";
import { upsertWorkspace } from "../../db/queries/workspaces";
import { tempDb } from "../../test/helpers/temp";
import { appRouter } from "../root";

const TRAIN = "LR = 0.04\nDEPTH = 8\nOPT = 'adam'\n\ndef step(x):\n    return x * LR\n";

function session() {
  const { db } = tempDb();
  const ws = upsertWorkspace(
    db,
    {
      name: "w",
      path: `/tmp/w-${Math.random()}`,
      repoRoot: "/tmp",
      subdir: "",
      configJson: JSON.stringify({ editable: ["train.py"], metric: { name: "val_bpb", goal: "minimize" } }),
      configError: null,
    },
    Date.now(),
  );
  const s = createSession(db, { workspaceId: ws.id, tag: "t", branch: "overseer/t", origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "c0", at: 1 });
  const add = (title: string, sha: string, parent: string, before: string, after: string, e: Partial<Parameters<typeof createExperiment>[1]>) =>
    createExperiment(db, {
      sessionId: s.id,
      kind: "proposal",
      status: "discarded",
      title,
      proposer: "mutate",
      commitSha: sha,
      parentCommit: parent,
      filesJson: JSON.stringify(storeFileChanges(db, { "train.py": before }, { "train.py": after }, sha === "c0")),
      ...e,
      at: 2,
    } as Parameters<typeof createExperiment>[1]);
  const lr = TRAIN.replace("LR = 0.04", "LR = 0.08");
  add("baseline", "c0", "", TRAIN, TRAIN, { kind: "baseline", status: "kept", metricValue: 1.5 });
  add("double LR", "c1", "c0", TRAIN, lr, { status: "kept", metricValue: 1.4 });
  add("deeper", "c2", "c1", lr, lr.replace("DEPTH = 8", "DEPTH = 12"), { metricValue: 1.45 });
  add("step halves", "c3", "c1", lr, lr.replace("x * LR", "x * LR / 2"), { metricValue: 1.41 });
  createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "not built yet", proposer: "mutate", at: 3 } as Parameters<typeof createExperiment>[1]);
  return { db, s, caller: appRouter.createCaller({ db, credential: "page", client: "test" }) };
}

it("lists the constants that changed with each experiment's values and axis, those that did not, and ranks them", async () => {
  const { s, caller } = session();
  const hp = await caller.session.hyperparameters({ id: s.id });
  expect(hp.names).toEqual(["DEPTH", "LR"]);
  expect(hp.unchanged).toEqual({ OPT: "'adam'" });
  expect(hp.withoutCode).toBe(1);
  expect(hp.rows.map((r) => [r.title, r.values, r.axis])).toEqual([
    ["baseline", { LR: "0.04", DEPTH: "8" }, ""],
    ["double LR", { LR: "0.08", DEPTH: "8" }, "LR"],
    ["deeper", { LR: "0.08", DEPTH: "12" }, "DEPTH"],
    ["step halves", { LR: "0.08", DEPTH: "8" }, "step()"],
  ]);
  expect(hp.importance.map((c) => [c.name, c.experiments, c.alone, c.improved])).toEqual([
    ["LR", 1, 1, 1],
    ["DEPTH", 1, 1, 0],
  ]);
  expect(hp.importance[0]!.bestGain).toBeCloseTo(0.1);
});

it("keeps what it derived, redoes it when the files change, and survives a damaged cache", async () => {
  const { db, s, caller } = session();
  await caller.session.hyperparameters({ id: s.id });
  const cached = () => db.$client.prepare("SELECT title, analysis_json AS a FROM experiments WHERE session_id = ? ORDER BY idx").all(s.id) as { title: string; a: string | null }[];
  expect(
    cached()
      .filter((r) => r.a !== null)
      .map((r) => r.title),
  ).toEqual(["baseline", "double LR", "deeper", "step halves"]);
  // The cache is what the next call reads: a doctored entry with the right key is believed...
  const deeper = cached().find((r) => r.title === "deeper")!;
  const doctored = JSON.parse(deeper.a!);
  doctored.files["train.py"].DEPTH = "99";
  db.$client.prepare("UPDATE experiments SET analysis_json = ? WHERE title = 'deeper'").run(JSON.stringify(doctored));
  expect((await caller.session.hyperparameters({ id: s.id })).rows.find((r) => r.title === "deeper")!.values.DEPTH).toBe("99");
  // ...but one for other files is redone, and garbage is ignored.
  const other = storeFileChanges(db, { "train.py": TRAIN }, { "train.py": TRAIN.replace("DEPTH = 8", "DEPTH = 16") });
  db.$client.prepare("UPDATE experiments SET files_json = ?, parent_commit = 'c0' WHERE title = 'deeper'").run(JSON.stringify(other));
  db.$client.prepare("UPDATE experiments SET analysis_json = 'not json' WHERE title = 'step halves'").run();
  const again = await caller.session.hyperparameters({ id: s.id });
  expect(again.rows.find((r) => r.title === "deeper")!.values).toEqual({ LR: "0.04", DEPTH: "16" });
  expect(again.rows.find((r) => r.title === "step halves")!.axis).toBe("step()");
});

it("a session that does not exist is a clear error", async () => {
  const { caller } = session();
  await expect(caller.session.hyperparameters({ id: 999 })).rejects.toThrow("session 999 does not exist");
});

it("the experiment table shows what each experiment tried and filters by it, in SQL", async () => {
  const { s, caller } = session();
  const axes = await caller.session.experimentAxes({ id: s.id });
  expect(axes).toEqual([
    { name: "DEPTH", experiments: 1 },
    { name: "LR", experiments: 1 },
    { name: "step()", experiments: 1 },
  ]);
  const rows = async (tried?: string) =>
    (await caller.session.experimentRows({ id: s.id, offset: 0, limit: 50, query: { sort: "idx", desc: false, ...(tried ? { tried } : {}) } })).map((e) => [e.title, e.tried]);
  expect(await rows()).toEqual([
    ["baseline", ""],
    ["double LR", "LR"],
    ["deeper", "DEPTH"],
    ["step halves", "step()"],
    ["not built yet", null],
  ]);
  expect(await rows("step()")).toEqual([["step halves", "step()"]]);
  expect(await rows("LR")).toEqual([["double LR", "LR"]]);
  expect(await rows("nothing")).toEqual([]);
  expect(await caller.session.experimentCount({ id: s.id, query: { sort: "idx", desc: true, tried: "DEPTH" } })).toBe(1);
});

it("a workspace's views take every session's experiments together, each row naming its session", async () => {
  const { db, s, caller } = session();
  const other = createSession(db, { workspaceId: s.workspaceId, tag: "second", branch: "overseer/second", origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "c0", at: 5 });
  const wide = TRAIN.replace("OPT = 'adam'", "OPT = 'sgd'");
  createExperiment(db, {
    sessionId: other.id,
    kind: "baseline",
    status: "kept",
    title: "second baseline",
    proposer: "none",
    commitSha: "d0",
    parentCommit: "d0",
    metricValue: 1.6,
    filesJson: JSON.stringify(storeFileChanges(db, { "train.py": wide }, { "train.py": wide }, true)),
    at: 6,
  });
  const hp = await caller.workspace.hyperparameters({ id: s.workspaceId });
  expect(hp.scope).toEqual({ kind: "workspace", id: s.workspaceId, name: "w" });
  expect(hp.rows.map((r) => [r.sessionTag, r.title])).toEqual([
    ["t", "baseline"],
    ["t", "double LR"],
    ["t", "deeper"],
    ["t", "step halves"],
    ["second", "second baseline"],
  ]);
  // OPT changed only across sessions: it is a constant that changed, with no experiment's move to credit it with.
  expect(hp.names).toEqual(["DEPTH", "LR", "OPT"]);
  expect(hp.importance.map((c) => c.name)).toEqual(["LR", "DEPTH"]);
  expect(hp.withoutCode).toBe(1);
  await expect(caller.workspace.hyperparameters({ id: 999 })).rejects.toThrow("workspace 999 does not exist");
});
