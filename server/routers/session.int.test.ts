import { describe, expect, it } from "vitest";
import { sessionOptionsSchema } from "../../core/session-options";
import { applyExperimentEvent, createExperiment, getExperiment } from "../../db/queries/experiments";
import { applySessionEvent, createSession, getSession, updateSession } from "../../db/queries/sessions";
import { listDecisions } from "../../db/queries/human-decisions";
import { storeFileChanges } from "../../db/queries/snapshots";
import { upsertWorkspace } from "../../db/queries/workspaces";
import { tempDb } from "../../test/helpers/temp";
import { appRouter } from "../root";

function setup() {
  const { db } = tempDb();
  const ws = upsertWorkspace(
    db,
    { name: "w", path: `/tmp/w-${Math.random()}`, repoRoot: "/tmp", subdir: "", configJson: JSON.stringify({ editable: ["train.py"], protected: ["prepare.py"] }), configError: null },
    Date.now(),
  );
  return { db, ws, caller: appRouter.createCaller({ db, credential: "page", client: "test" }) };
}

describe("session router", () => {
  it("start queues a session for the runner with the options given and defaults for the rest", async () => {
    const { caller, ws } = setup();
    const s = await caller.session.start({ workspaceId: ws.id, options: { proposer: "mutate", maxExperiments: 5 } });
    expect(s).toMatchObject({ status: "queued", origin: "web", branch: "", options: { proposer: "mutate", maxExperiments: 5, approve: "risky", baselineRuns: 3 } });
    await expect(caller.session.start({ workspaceId: ws.id, tag: "bad tag!" })).rejects.toThrow();
  });

  it("pause, resume and stop are requests the loop reads; an ended session refuses them", async () => {
    const { caller, ws, db } = setup();
    const s = createSession(db, { workspaceId: ws.id, tag: "a", branch: "overseer/a", origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: Date.now() });
    expect(await caller.session.pause({ id: s.id })).toMatchObject({ requested: "pause", status: "running" });
    expect(await caller.session.resume({ id: s.id })).toMatchObject({ requested: null });
    expect(await caller.session.stop({ id: s.id })).toMatchObject({ requested: "stop" });
    const queued = await caller.session.start({ workspaceId: ws.id });
    expect(await caller.session.stop({ id: queued.id })).toMatchObject({ status: "stopped", stopReason: "stopped before it started" });
    await expect(caller.session.pause({ id: queued.id })).rejects.toThrow(/already stopped/);
    await expect(caller.session.steer({ id: queued.id, text: "x" })).rejects.toThrow(/resume it first/);
  });

  it("steering notes are stored in order; approve and reject only apply to an experiment awaiting approval", async () => {
    const { caller, ws, db } = setup();
    const s = createSession(db, { workspaceId: ws.id, tag: "b", branch: "overseer/b", origin: "cli", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: Date.now() });
    await caller.session.steer({ id: s.id, text: "try fewer layers" });
    await caller.session.steer({ id: s.id, text: "no more learning-rate sweeps" });
    expect((await caller.session.byId({ id: s.id })).steering.map((n) => n.text)).toEqual(["try fewer layers", "no more learning-rate sweeps"]);

    const e = createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "LR 0.04 → 0.08", proposer: "mutate", at: Date.now() });
    await expect(caller.session.approve({ experimentId: e.id })).rejects.toThrow(/is proposed, not awaiting approval/);
    applyExperimentEvent(db, e.id, { type: "approval_requested" }, Date.now());
    expect(await caller.session.reject({ experimentId: e.id, note: "too risky" })).toMatchObject({ status: "rejected", humanNote: "too risky", reason: "rejected by a human: too risky" });
    expect(getExperiment(db, e.id)!.status).toBe("rejected");
    await expect(caller.session.resume({ id: s.id })).rejects.toThrow(/overseer loop --resume/);
    expect(getSession(db, s.id)!.status).toBe("running");
  });

  it("byId sums a session up without sending every experiment; experimentRows pages the table newest first", async () => {
    const { caller, ws, db } = setup();
    const s = createSession(db, { workspaceId: ws.id, tag: "big", branch: "overseer/big", origin: "cli", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: 0 });
    const make = (idx: number, status: "kept" | "discarded" | "crashed" | "awaiting_approval", value: number | null) =>
      createExperiment(db, {
        sessionId: s.id,
        kind: idx === 0 ? "baseline" : "proposal",
        status,
        title: `exp ${idx}`,
        proposer: "mutate",
        metricValue: value,
        at: idx * 1000,
        reason: `line one of ${idx}\nline two`,
        decidedAt: status === "awaiting_approval" ? null : idx * 1000 + 500,
      });
    make(0, "kept", 2);
    for (let i = 1; i < 3000; i++) make(i, i % 500 === 0 ? "kept" : i % 97 === 0 ? "crashed" : "discarded", i % 97 === 0 ? null : 2 - i / 10000 + (i % 7) / 100);
    make(3000, "awaiting_approval", null);
    await caller.session.steer({ id: s.id, text: "wider please" }); // steer stamps Date.now(), after every experiment here

    const o = await caller.session.byId({ id: s.id });
    expect(o.count).toBe(3001);
    expect(o.stats).toMatchObject({ proposals: 3000, kept: 5, crashed: 30 });
    expect(o.active.map((e) => e.title)).toEqual(["exp 3000"]);
    expect(o.topHits.hits.map((h) => h.idx).sort((a, b) => a - b)).toEqual([500, 1000, 1500, 2000, 2500]);
    expect(o.topHits.of).toBe(5);
    expect(o.progress.dots.filter((d) => d.kind !== "kept").every((d) => d.title === "")).toBe(true);
    expect(o.progress.proposals).toBe(3000);
    expect(o.progress.dots.length).toBeLessThan(1300); // 600 columns: two discards and a crash at most, plus the keeps
    expect(o.progress.dots.filter((d) => d.kind === "kept")).toHaveLength(6);
    expect(o.steering).toEqual([expect.objectContaining({ text: "wider please", newer: 0 })]);
    expect(JSON.stringify(o).length).toBeLessThan(200_000);

    const page = await caller.session.experimentRows({ id: s.id, offset: 100, limit: 100 });
    expect(page.map((e) => e.idx)).toEqual(Array.from({ length: 100 }, (_, i) => 2900 - i));
    expect(page[0]).toMatchObject({ title: "exp 2900", reason: "line one of 2900\nline two", ran: false });
    await expect(caller.session.experimentRows({ id: s.id, offset: 0, limit: 501 })).rejects.toThrow();
    await expect(caller.session.experimentRows({ id: 999, offset: 0, limit: 10 })).rejects.toThrow(/session 999 does not exist/);
  });

  it("keep and discard only apply to a result waiting for a human, once; the loop applies them", async () => {
    const { caller, ws, db } = setup();
    const s = createSession(db, {
      workspaceId: ws.id,
      tag: "c",
      branch: "overseer/c",
      origin: "cli",
      options: sessionOptionsSchema.parse({ withinNoise: "ask" }),
      baselineCommit: "abc",
      at: Date.now(),
    });
    const e = createExperiment(db, { sessionId: s.id, kind: "proposal", status: "approved", title: "WIDTH 3 → 4", proposer: "mutate", at: Date.now() });
    await expect(caller.session.keep({ experimentId: e.id })).rejects.toThrow(/is approved, not waiting for a keep or discard/);
    applyExperimentEvent(db, e.id, { type: "run_started" }, Date.now());
    applyExperimentEvent(db, e.id, { type: "decision_requested" }, Date.now(), { metricValue: 0.99, delta: 0.001 });
    await expect(caller.session.approve({ experimentId: e.id })).rejects.toThrow(/not awaiting approval/);
    expect(await caller.session.keep({ experimentId: e.id, note: "looks real" })).toMatchObject({ status: "awaiting_decision", humanVerdict: "kept", humanNote: "looks real" });
    await expect(caller.session.discard({ experimentId: e.id })).rejects.toThrow(/already kept/);
    await expect(caller.session.keep({ experimentId: 9999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("counts what waits for a human across sessions, oldest first, for the top bar", async () => {
    const { caller, ws, db } = setup();
    expect(await caller.session.waiting()).toEqual({ count: 0, oldest: null, sessions: 0 });
    const mk = (tag: string) =>
      createSession(db, { workspaceId: ws.id, tag, branch: `overseer/${tag}`, origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: Date.now() });
    const [a, b] = [mk("a"), mk("b")];
    const exp = (sessionId: number, title: string, status: "awaiting_approval" | "awaiting_decision" | "approved", at: number, humanVerdict: "kept" | null = null) =>
      createExperiment(db, { sessionId, kind: "proposal", status, title, proposer: "mutate", humanVerdict, at });
    exp(b.id, "newer", "awaiting_approval", 2000);
    const oldest = exp(a.id, "oldest", "awaiting_decision", 1000);
    exp(a.id, "runs", "approved", 500);
    exp(a.id, "decided by a human, not yet applied", "awaiting_decision", 400, "kept");
    expect(await caller.session.waiting()).toEqual({ count: 2, sessions: 2, oldest: expect.objectContaining({ id: oldest.id, sessionId: a.id, title: "oldest" }) });
  });

  it("resumes a session that reached its experiment limit only with the limit raised", async () => {
    const { caller, ws, db } = setup();
    const s = createSession(db, {
      workspaceId: ws.id,
      tag: "l",
      branch: "overseer/l",
      origin: "web",
      options: sessionOptionsSchema.parse({ maxExperiments: 2 }),
      baselineCommit: "abc",
      at: Date.now(),
    });
    createExperiment(db, { sessionId: s.id, kind: "baseline", status: "kept", title: "baseline", proposer: "none", at: Date.now() });
    for (const t of ["a", "b"]) createExperiment(db, { sessionId: s.id, kind: "proposal", status: "discarded", title: t, proposer: "mutate", decidedAt: Date.now(), at: Date.now() });
    applySessionEvent(db, s.id, "finished", Date.now(), { stopReason: "reached 2 experiments" });

    await expect(caller.session.resume({ id: s.id })).rejects.toThrow("session 1 reached 2 experiments: raise its experiment limit to resume it");
    const stopping = createSession(db, { workspaceId: ws.id, tag: "st", branch: "overseer/st", origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: Date.now() });
    updateSession(db, stopping.id, { requested: "stop" }, Date.now());
    await expect(caller.session.resume({ id: stopping.id })).rejects.toThrow(/is stopping: resume it once it has stopped/);
    await expect(caller.session.resume({ id: s.id, raise: { maxExperiments: 2 } })).rejects.toThrow(/raise its experiment limit/);
    expect(getSession(db, s.id)).toMatchObject({ status: "finished" });
    expect(await caller.session.resume({ id: s.id, raise: { maxExperiments: 5 } })).toMatchObject({ status: "running", options: { maxExperiments: 5 } });

    // At the limit, but with work a stop interrupted: that runs on resume, so the limit need not be raised.
    const t = createSession(db, {
      workspaceId: ws.id,
      tag: "m",
      branch: "overseer/m",
      origin: "web",
      options: sessionOptionsSchema.parse({ maxExperiments: 1 }),
      baselineCommit: "abc",
      at: Date.now(),
    });
    createExperiment(db, { sessionId: t.id, kind: "baseline", status: "interrupted", title: "baseline", proposer: "none", interruptedFrom: "running", at: Date.now() });
    createExperiment(db, { sessionId: t.id, kind: "proposal", status: "interrupted", title: "a", proposer: "mutate", interruptedFrom: "approved", at: Date.now() });
    applySessionEvent(db, t.id, "stopped", Date.now(), { stopReason: "stopped by a human" });
    expect(await caller.session.resume({ id: t.id })).toMatchObject({ status: "running", options: { maxExperiments: 1 } });
  });

  it("takes a human's diff as a proposal for the loop, and blocks one that touches a protected file", async () => {
    const { caller, ws, db } = setup();
    const s = createSession(db, {
      workspaceId: ws.id,
      tag: "m",
      branch: "overseer/m",
      origin: "web",
      options: sessionOptionsSchema.parse({ proposer: "manual" }),
      baselineCommit: "abc",
      at: Date.now(),
    });
    const ok = await caller.session.propose({ id: s.id, title: "Halve LR", diff: "--- a/train.py\n+++ b/train.py\n@@ -1,2 +1,2 @@\n-LR = 0.04\n+LR = 0.02\n DEPTH = 8\n" });
    expect(ok).toMatchObject({ status: "proposed", proposer: "manual", title: "Halve LR", editCount: 1 });
    const blocked = await caller.session.propose({ id: s.id, title: "Faster eval", diff: "--- a/prepare.py\n+++ b/prepare.py\n@@ -1 +1 @@\n-EVAL_TOKENS = 1000\n+EVAL_TOKENS = 10\n" });
    expect(blocked).toMatchObject({ status: "rejected", reason: "prepare.py is protected: experiments must not change it" });
    await expect(caller.session.propose({ id: s.id, title: "x", diff: "hello" })).rejects.toThrow(/no hunks found/);
    await expect(caller.session.propose({ id: s.id, title: "x", files: { "train.py": "LR = 1\n" } })).rejects.toThrow(/has no stored code yet/);
  });

  it("takes the best code edited whole as a proposal, on any running session", async () => {
    const { caller, ws, db } = setup();
    const s = createSession(db, {
      workspaceId: ws.id,
      tag: "b",
      branch: "overseer/b",
      origin: "web",
      options: sessionOptionsSchema.parse({ proposer: "mutate" }),
      baselineCommit: "abc",
      at: Date.now(),
    });
    const code = "LR = 0.04\nDEPTH = 8\n";
    const filesJson = JSON.stringify(storeFileChanges(db, { "train.py": code }, { "train.py": code }, true));
    createExperiment(db, { sessionId: s.id, kind: "baseline", status: "kept", title: "baseline", proposer: "mutate", filesJson, commitSha: "abc", at: Date.now() });
    expect(await caller.session.bestCode({ id: s.id })).toMatchObject({ idx: 0, files: { "train.py": code } });

    const ok = await caller.session.propose({ id: s.id, title: "Deeper", hypothesis: "more layers", files: { "train.py": code.replace("8", "12") } });
    expect(ok).toMatchObject({ status: "proposed", proposer: "manual", title: "Deeper", hypothesis: "more layers", editCount: 1 });
    expect(JSON.parse(getExperiment(db, ok.id)!.editsJson!)).toEqual([{ file: "train.py", old: "DEPTH = 8\n", new: "DEPTH = 12\n" }]);
    await expect(caller.session.propose({ id: s.id, title: "x", files: { "train.py": code } })).rejects.toThrow(/change something first/);
    await expect(caller.session.propose({ id: s.id, title: "x", files: { "prepare.py": "x" } })).rejects.toThrow(/prepare.py is not an editable file of this workspace \(train.py\)/);
    await expect(caller.session.propose({ id: s.id, title: "x", files: { "train.py": "x" }, diff: "d" })).rejects.toThrow(/either a diff or the edited files/);
    await expect(caller.session.propose({ id: s.id, title: " ", files: { "train.py": "x" } })).rejects.toThrow(/give the experiment a title/);
    // Edits are taken against the code the human edited, named by the page; another session's is refused.
    const other = createSession(db, { workspaceId: ws.id, tag: "o", branch: "overseer/o", origin: "web", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: Date.now() });
    const foreign = createExperiment(db, { sessionId: other.id, kind: "baseline", status: "kept", title: "baseline", proposer: "none", filesJson, at: Date.now() });
    await expect(caller.session.propose({ id: s.id, title: "x", files: { "train.py": "LR = 1\n" }, baseExperimentId: foreign.id })).rejects.toThrow(/is not one of session \d+'s with stored code/);
  });

  it("edit then approve turns the human's files into edits on the parent, and refuses what it cannot use", async () => {
    const { caller, ws, db } = setup();
    const s = createSession(db, { workspaceId: ws.id, tag: "e", branch: "overseer/e", origin: "web", options: sessionOptionsSchema.parse({ approve: "all" }), baselineCommit: "abc", at: Date.now() });
    const before = "LR = 0.04\nDEPTH = 8\n";
    const filesJson = JSON.stringify(storeFileChanges(db, { "train.py": before }, { "train.py": "LR = 0.08\nDEPTH = 8\n" }));
    const e = createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "LR 0.04 → 0.08", proposer: "mutate", filesJson, editsJson: "[]", at: Date.now() });
    const edited = { "train.py": "LR = 0.06\nDEPTH = 8\n" };
    await expect(caller.session.editAndApprove({ experimentId: e.id, files: edited })).rejects.toThrow(/is proposed, not awaiting approval/);
    applyExperimentEvent(db, e.id, { type: "approval_requested" }, Date.now());
    await expect(caller.session.editAndApprove({ experimentId: e.id, files: { "prepare.py": "x" } })).rejects.toThrow(/prepare.py is not a file this experiment changed \(train.py\)/);
    await expect(caller.session.editAndApprove({ experimentId: e.id, files: { "train.py": before } })).rejects.toThrow(/reject the experiment instead/);
    await expect(caller.session.editAndApprove({ experimentId: e.id, files: {} })).rejects.toThrow(/at least one edited file/);
    expect(getExperiment(db, e.id)).toMatchObject({ status: "awaiting_approval", humanEdited: false, editsJson: "[]" });

    expect(await caller.session.editAndApprove({ experimentId: e.id, files: edited, note: "halfway" })).toMatchObject({ status: "proposed", humanEdited: true, humanNote: "halfway", editCount: 1 });
    expect(JSON.parse(getExperiment(db, e.id)!.editsJson!)).toEqual([{ file: "train.py", old: "LR = 0.04\n", new: "LR = 0.06\n" }]);
    // The edited candidate says what it does now; the proposer's words are kept as theirs.
    expect(getExperiment(db, e.id)).toMatchObject({ title: "LR 0.04 → 0.06", hypothesis: expect.stringContaining("sets LR from 0.04 to 0.06"), proposedTitle: "LR 0.04 → 0.08" });

    // Edited again, in the human's own words: those are its title; the proposer's stay the first ones.
    applyExperimentEvent(db, e.id, { type: "approval_requested" }, Date.now());
    await caller.session.editAndApprove({ experimentId: e.id, files: { "train.py": "LR = 0.05\nDEPTH = 8\n" }, title: "LR halfway, by hand", hypothesis: "  " });
    expect(getExperiment(db, e.id)).toMatchObject({ title: "LR halfway, by hand", hypothesis: expect.stringContaining("sets LR from 0.04 to 0.05"), proposedTitle: "LR 0.04 → 0.08" });
  });

  it("binds an approval to the diff shown; of two tabs deciding at once exactly one wins, and history records each decision", async () => {
    const { db, ws } = setup();
    const s = createSession(db, { workspaceId: ws.id, tag: "d", branch: "overseer/d", origin: "web", options: sessionOptionsSchema.parse({ approve: "all" }), baselineCommit: "abc", at: Date.now() });
    const hash = (c: string) => c.repeat(64);
    const e = createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "t", proposer: "mutate", diff: "d1", diffHash: hash("a"), at: Date.now() });
    applyExperimentEvent(db, e.id, { type: "approval_requested" }, Date.now());
    const tab1 = appRouter.createCaller({ db, credential: "page", client: "test" });
    const tab2 = appRouter.createCaller({ db, credential: "page", client: "test" });

    await expect(tab1.session.approve({ experimentId: e.id, diffHash: hash("b") })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("diff changed since you loaded it") });
    const results = await Promise.allSettled([tab1.session.approve({ experimentId: e.id, diffHash: hash("a") }), tab2.session.reject({ experimentId: e.id, diffHash: hash("a"), note: "no" })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/is (approved|rejected), not awaiting approval \((approved|rejected) from the browser at \d\d:\d\d:\d\d UTC\)/),
    });
    const history = listDecisions(db, e.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ source: "browser", diffHash: hash("a"), action: getExperiment(db, e.id)!.status });
    expect((await tab1.experiment.byId({ id: e.id })).decisions).toHaveLength(1);
  });

  // A trainer that reached the loopback API used to be recorded as "approved from the browser".
  it("records a decision made with the token in a header as the API's, not the browser's", async () => {
    const { db, ws } = setup();
    const s = createSession(db, { workspaceId: ws.id, tag: "h", branch: "overseer/h", origin: "web", options: sessionOptionsSchema.parse({ approve: "all" }), baselineCommit: "abc", at: Date.now() });
    const e = createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "t", proposer: "mutate", diff: "d1", at: Date.now() });
    applyExperimentEvent(db, e.id, { type: "approval_requested" }, Date.now());
    const script = appRouter.createCaller({ db, credential: "header", client: "test" });
    await script.session.approve({ experimentId: e.id });
    expect(listDecisions(db, e.id)).toMatchObject([{ source: "api", action: "approved" }]);
    await expect(appRouter.createCaller({ db, credential: "page", client: "test" }).session.reject({ experimentId: e.id })).rejects.toMatchObject({
      message: expect.stringContaining("(approved through the API (a token in a header) at"),
    });
  });
});
