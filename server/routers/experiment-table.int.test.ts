/** The experiment table's sorting and filtering, in SQL on a real database, through the router the page calls. */
import { describe, expect, it } from "vitest";
import { DEFAULT_EXPERIMENT_QUERY, type ExperimentQuery } from "../../core/experiment-query";
import { sessionOptionsSchema } from "../../core/session-options";
import { createExperiment } from "../../db/queries/experiments";
import { createRun } from "../../db/queries/runs";
import { createSession } from "../../db/queries/sessions";
import { upsertWorkspace } from "../../db/queries/workspaces";
import { tempDb } from "../../test/helpers/temp";
import { appRouter } from "../root";

function sessionWithExperiments() {
  const { db } = tempDb();
  const ws = upsertWorkspace(db, { name: "w", path: `/tmp/w-${Math.random()}`, repoRoot: "/tmp", subdir: "", configJson: JSON.stringify({ editable: ["train.py"] }), configError: null }, Date.now());
  const s = createSession(db, { workspaceId: ws.id, tag: "t", branch: "overseer/t", origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: 1 });
  const rows: [string, Partial<Parameters<typeof createExperiment>[1]>][] = [
    ["baseline", { kind: "baseline", status: "kept", metricValue: 1.5, proposer: "mutate" }],
    ["raise LR to 2e-3", { status: "kept", metricValue: 1.4, delta: 0.1, proposer: "claude", verdictJson: JSON.stringify({ level: "low" }), hypothesis: "a faster warmup" }],
    ["deeper model", { status: "discarded", metricValue: 1.45, delta: -0.05, proposer: "claude", verdictJson: JSON.stringify({ level: "medium" }) }],
    ["100% of the data_loader", { status: "crashed", metricValue: null, delta: null, proposer: "mutate", verdictJson: JSON.stringify({ level: "high" }), humanEdited: true }],
    ["fix the crash", { kind: "fix", status: "discarded", metricValue: 1.6, delta: -0.2, proposer: "claude", verdictJson: JSON.stringify({ level: "low" }) }],
  ];
  for (const [title, e] of rows) createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title, proposer: "claude", ...e, at: 2 } as Parameters<typeof createExperiment>[1]);
  return { s, caller: appRouter.createCaller({ db, credential: "page", client: "test" }) };
}

/** A fresh database per test (tempDb's is closed after each), and the two calls the table makes. */
function table() {
  const { s, caller } = sessionWithExperiments();
  const titles = async (query: Partial<ExperimentQuery>, offset = 0, limit = 100) =>
    (await caller.session.experimentRows({ id: s.id, offset, limit, query: { ...DEFAULT_EXPERIMENT_QUERY, ...query } })).map((e) => e.title);
  const counted = (query: Partial<ExperimentQuery>) => caller.session.experimentCount({ id: s.id, query: { ...DEFAULT_EXPERIMENT_QUERY, ...query } });
  return { s, caller, titles, counted };
}

describe("the experiment table's query", () => {
  it("sorts by any column, either way, with no value last, and pages the sorted rows", async () => {
    const { titles } = table();
    expect(await titles({})).toEqual(["fix the crash", "100% of the data_loader", "deeper model", "raise LR to 2e-3", "baseline"]);
    expect(await titles({ sort: "metric", desc: false })).toEqual(["raise LR to 2e-3", "deeper model", "baseline", "fix the crash", "100% of the data_loader"]);
    expect(await titles({ sort: "metric", desc: true })).toEqual(["fix the crash", "baseline", "deeper model", "raise LR to 2e-3", "100% of the data_loader"]);
    expect(await titles({ sort: "delta", desc: true }, 0, 2)).toEqual(["raise LR to 2e-3", "deeper model"]);
    expect(await titles({ sort: "delta", desc: true }, 2, 2)).toEqual(["fix the crash", "100% of the data_loader"]);
    expect(await titles({ sort: "title", desc: false })).toEqual(["100% of the data_loader", "baseline", "deeper model", "fix the crash", "raise LR to 2e-3"]);
    expect((await titles({ sort: "status", desc: false }))[0]).toBe("100% of the data_loader"); // crashed < discarded < kept
  });

  it("filters by status, kind, gate level, proposer, words and metric range, and counts what it shows", async () => {
    const { titles, counted } = table();
    expect(await titles({ status: "kept" })).toEqual(["raise LR to 2e-3", "baseline"]);
    expect(await titles({ kind: "fix" })).toEqual(["fix the crash"]);
    expect(await titles({ kind: "human-edited" })).toEqual(["100% of the data_loader"]);
    expect(await titles({ gate: "low" })).toEqual(["fix the crash", "raise LR to 2e-3"]);
    expect(await titles({ proposer: "mutate" })).toEqual(["100% of the data_loader", "baseline"]);
    expect(await titles({ text: "warmup" })).toEqual(["raise LR to 2e-3"]); // in the hypothesis
    expect(await titles({ metricMin: 1.4, metricMax: 1.5 })).toEqual(["deeper model", "raise LR to 2e-3", "baseline"]);
    expect(await titles({ status: "discarded", gate: "low" })).toEqual(["fix the crash"]);
    expect(await counted({ status: "discarded" })).toBe(2);
    expect(await counted({})).toBe(5);
  });

  it("takes words as words: % and _ match only themselves", async () => {
    const { titles, counted } = table();
    expect(await titles({ text: "100%" })).toEqual(["100% of the data_loader"]);
    expect(await titles({ text: "a_l" })).toEqual(["100% of the data_loader"]);
    expect(await titles({ text: "%" })).toEqual(["100% of the data_loader"]);
    expect(await titles({ text: "_" })).toEqual(["100% of the data_loader"]);
    expect(await titles({ text: "'; DROP TABLE experiments; --" })).toEqual([]);
    expect(await counted({})).toBe(5);
  });

  it("tags experiments and sessions, filters the table by a tag, and lists the session's tags", async () => {
    const { s, caller, titles, counted } = table();
    const [fix, , deeper] = await caller.session.experimentRows({ id: s.id, offset: 0, limit: 10 });
    expect(await caller.experiment.setTags({ id: deeper!.id, tags: ["Architecture", "depth", "depth"] })).toEqual(["architecture", "depth"]);
    await caller.experiment.setTags({ id: fix!.id, tags: ["depth"] });
    expect(await titles({ tag: "depth" })).toEqual(["fix the crash", "deeper model"]);
    expect(await titles({ tag: "architecture" })).toEqual(["deeper model"]);
    expect(await counted({ tag: "nothing" })).toBe(0);
    expect(await caller.session.experimentTags({ id: s.id })).toEqual(["architecture", "depth"]);
    expect((await caller.session.experimentRows({ id: s.id, offset: 2, limit: 1 }))[0]!.tags).toEqual(["architecture", "depth"]);
    expect((await caller.experiment.byId({ id: deeper!.id })).experiment.tags).toEqual(["architecture", "depth"]);
    // Removing is setting fewer.
    await caller.experiment.setTags({ id: deeper!.id, tags: [] });
    expect(await titles({ tag: "architecture" })).toEqual([]);

    expect(await caller.session.setTags({ id: s.id, tags: ["lr-sweep"] })).toEqual(["lr-sweep"]);
    expect((await caller.session.list()).find((x) => x.id === s.id)!.tags).toEqual(["lr-sweep"]);
    await expect(caller.session.setTags({ id: s.id, tags: ["no spaces allowed"] })).rejects.toThrow(/a tag is a word/);
    await expect(caller.experiment.setTags({ id: 999, tags: ["x"] })).rejects.toThrow(/experiment 999 does not exist/);
    await expect(caller.experiment.setTags({ id: fix!.id, tags: Array.from({ length: 13 }, (_, i) => `t${i}`) })).rejects.toThrow(/at most 12 tags/);
  });

  it("refuses a query it does not know", async () => {
    const { s, caller } = table();
    await expect(caller.session.experimentCount({ id: s.id, query: { sort: "secret", desc: true } as never })).rejects.toThrow();
    await expect(caller.session.experimentRows({ id: s.id, offset: 0, limit: 10, query: { ...DEFAULT_EXPERIMENT_QUERY, extra: 1 } as never })).rejects.toThrow();
  });
});

it("an experiment that ran several times shows its runs as mean ± std with each value", async () => {
  const { db } = tempDb();
  const ws = upsertWorkspace(db, { name: "w", path: `/tmp/w-${Math.random()}`, repoRoot: "/tmp", subdir: "", configJson: "{}", configError: null }, Date.now());
  const s = createSession(db, { workspaceId: ws.id, tag: "t", branch: "overseer/t", origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: 1 });
  const run = (value: number | null) => {
    const r = createRun(db, { workspaceId: ws.id, origin: "session", at: 1 });
    db.$client.prepare("UPDATE runs SET metric_value = ? WHERE id = ?").run(value, r.id);
    return r.id;
  };
  const repeated = [run(3.4), run(3.44), run(null), run(3.42)];
  createExperiment(db, { sessionId: s.id, kind: "baseline", status: "kept", title: "baseline", proposer: "none", metricValue: 3.42, runIdsJson: JSON.stringify(repeated), at: 2 });
  createExperiment(db, { sessionId: s.id, kind: "proposal", status: "discarded", title: "once", proposer: "mutate", metricValue: 3.5, runIdsJson: JSON.stringify([run(3.5)]), at: 3 });
  const caller = appRouter.createCaller({ db, credential: "page", client: "test" });
  const [once, baseline] = await caller.session.experimentRows({ id: s.id, offset: 0, limit: 10 });
  expect(once!.runs).toBeNull();
  expect(baseline!.runs).toMatchObject({ n: 3, values: [3.4, 3.44, 3.42] });
  expect(baseline!.runs!.mean).toBeCloseTo(3.42);
  expect(baseline!.runs!.std).toBeCloseTo(0.02);
});
