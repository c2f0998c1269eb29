import { describe, expect, it } from "vitest";
import { sessionOptionsSchema } from "../../core/session-options";
import { createExperiment } from "../../db/queries/experiments";
import { createRun } from "../../db/queries/runs";
import { createSession } from "../../db/queries/sessions";
import { storeFileChanges } from "../../db/queries/snapshots";
import { upsertWorkspace } from "../../db/queries/workspaces";
import { tempDb } from "../../test/helpers/temp";
import type { Db } from "../../db/open";
import { appRouter } from "../root";

function workspace(db: Db, name: string) {
  return upsertWorkspace(
    db,
    { name, path: `/tmp/${name}-${Math.random()}`, repoRoot: "/tmp", subdir: "", configJson: JSON.stringify({ editable: ["train.py", "model.py"] }), configError: null },
    Date.now(),
  );
}

/** A session whose baseline has both files, #1 changes train.py (kept), #2 changes model.py on top of #1. */
function session(db: Db, workspaceId: number, tag: string) {
  const s = createSession(db, { workspaceId, tag, branch: `overseer/${tag}`, origin: "cli", options: sessionOptionsSchema.parse({}), baselineCommit: `${tag}0`, at: Date.now() });
  const base = { "train.py": "LR = 0.04\nDEPTH = 8\n", "model.py": "WIDTH = 64\n" };
  const one = { ...base, "train.py": "LR = 0.02\nDEPTH = 8\n" };
  const two = { ...one, "model.py": "WIDTH = 128\n" };
  const run = () => JSON.stringify([createRun(db, { workspaceId, origin: "session", at: Date.now(), commitSha: "x" }).id]);
  const exp = (idx: number, title: string, before: Record<string, string>, after: Record<string, string>, parent: string) =>
    createExperiment(db, {
      sessionId: s.id,
      kind: idx === 0 ? "baseline" : "proposal",
      status: "kept",
      title,
      proposer: "mutate",
      commitSha: `${tag}${idx}`,
      parentCommit: parent,
      filesJson: JSON.stringify(storeFileChanges(db, before, after, idx === 0)),
      runIdsJson: run(),
      metricValue: 1 - idx / 10,
      at: Date.now(),
    });
  return [exp(0, "baseline", base, base, `${tag}0`), exp(1, "LR 0.04 → 0.02", base, one, `${tag}0`), exp(2, "WIDTH 64 → 128", one, two, `${tag}1`)];
}

describe("compare router", () => {
  it("puts experiments of several sessions side by side: whole files through their parents, hyperparameters, last runs", async () => {
    const { db } = tempDb();
    const ws = workspace(db, "w");
    const [a0, a1, a2] = session(db, ws.id, "a");
    const [, b1] = session(db, ws.id, "b");
    const caller = appRouter.createCaller({ db, credential: "page", client: "test" });
    const out = await caller.compare.experiments({ ids: [a0!.id, a2!.id, b1!.id] });
    expect(out.experiments.map((e) => [e.session.tag, e.idx])).toEqual([
      ["a", 0],
      ["a", 2],
      ["b", 1],
    ]);
    expect(out.experiments[1]!.files).toEqual({ "train.py": "LR = 0.02\nDEPTH = 8\n", "model.py": "WIDTH = 128\n" });
    expect(out.experiments.map((e) => e.hyperparameters)).toEqual([
      { "model.py:WIDTH": "64", "train.py:LR": "0.04", "train.py:DEPTH": "8" },
      { "model.py:WIDTH": "128", "train.py:LR": "0.02", "train.py:DEPTH": "8" },
      { "model.py:WIDTH": "64", "train.py:LR": "0.02", "train.py:DEPTH": "8" },
    ]);
    expect(out.experiments.every((e) => e.run !== null)).toBe(true);
    expect(out.metric).toEqual({ name: "val_bpb", goal: "minimize" });

    expect((await caller.compare.candidates({ workspaceId: ws.id, q: "lr 0.04" })).map((c) => [c.sessionTag, c.idx])).toEqual([
      ["b", 1],
      ["a", 1],
    ]);
    expect(await caller.compare.candidates({ workspaceId: ws.id, q: "%" })).toEqual([]);

    // The selection's export: a session's chain replays; sessions from different baselines cannot share a patch.
    expect(await caller.compare.exportCheck({ ids: [a2!.id, a1!.id] })).toEqual({ problem: null });
    expect((await caller.compare.exportCheck({ ids: [a2!.id, b1!.id] })).problem).toMatch(/different baseline commits/);
  });

  it("refuses experiments of different workspaces, ones that do not exist, and too many", async () => {
    const { db } = tempDb();
    const [x] = session(db, workspace(db, "x").id, "x");
    const [y] = session(db, workspace(db, "y").id, "y");
    const caller = appRouter.createCaller({ db, credential: "page", client: "test" });
    await expect(caller.compare.experiments({ ids: [x!.id, y!.id] })).rejects.toThrow(/different workspaces/);
    await expect(caller.compare.experiments({ ids: [x!.id, 999] })).rejects.toThrow(/experiment 999 does not exist/);
    await expect(caller.compare.experiments({ ids: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).rejects.toThrow();
  });
});
