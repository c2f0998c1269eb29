import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { editsFromContents } from "../../core/edits-from-contents";
import { describeHumanEdit } from "../../core/edit-description";
import { formatResultsTsv } from "../../core/results-tsv";
import { experimentResultRow } from "../../db/queries/experiment-exports";
import { applyExperimentEvent, createExperiment, listExperiments } from "../../db/queries/experiments";
import { recordHumanEdit, recordHumanVerdict } from "../../db/queries/human-decisions";
import { applySessionEvent, getSession, updateSession } from "../../db/queries/sessions";
import { getRun } from "../../db/queries/runs";
import { readFileChanges } from "../../db/queries/snapshots";
import { loopSetup, scriptedProposer } from "../../test/helpers/loop";
import { sh, waitFor } from "../../test/helpers/temp";
import { runSession } from "./engine";
import { exportPath } from "../../core/export-files";

const setup = (options: object, trainerSource?: (s: string) => string) => loopSetup(options, { trainerSource });

const git = (repo: string, ...args: string[]) => sh(repo, "git", args).trim();

describe("the research loop", () => {
  it("keeps improvements and discards the rest, with git invariants kept", async () => {
    const { repo, db, settings, session, deps } = await setup({ maxExperiments: 8, seed: 3 });
    const head = git(repo, "rev-parse", "HEAD");
    fs.writeFileSync(path.join(repo, "notes.txt"), "an untracked file of the user's");
    const final = await runSession(session.id, deps);

    expect(final).toMatchObject({ status: "finished", stopReason: "reached 8 experiments" });
    const exps = listExperiments(db, session.id);
    expect(exps.map((e) => e.idx)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const kept = exps.filter((e) => e.status === "kept" && e.kind !== "baseline");
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(exps.some((e) => e.status === "discarded")).toBe(true);
    expect(exps[0]).toMatchObject({ kind: "baseline", status: "kept", metricValue: 2.15, commitSha: head });

    // The best is the kept experiment with the lowest value, and the session branch points at it.
    const best = kept.reduce((a, b) => (b.metricValue! < a.metricValue! ? b : a));
    expect(final.bestValue).toBeCloseTo(best.metricValue!, 9);
    expect(git(repo, "rev-parse", "overseer/t1")).toBe(best.commitSha);
    // The branch is exactly the chain of keeps, each on the previous best.
    const chain = git(repo, "rev-list", "--reverse", `${head}..overseer/t1`).split("\n");
    expect(chain).toEqual(kept.map((e) => e.commitSha));
    for (const e of kept) expect(e.parentCommit).toBe(exps.filter((x) => x.status === "kept" && x.decidedAt! < e.decidedAt!).pop()!.commitSha);
    // The files before and after each change are stored, for the dashboard's diff editor.
    const baseFiles = readFileChanges(db, JSON.parse(exps[0]!.filesJson!));
    expect(Object.keys(baseFiles)).toEqual(["train.mjs"]);
    expect(baseFiles["train.mjs"]!.after).toBe(git(repo, "show", `${head}:train.mjs`) + "\n");
    const change = readFileChanges(db, JSON.parse(best.filesJson!))["train.mjs"]!;
    expect(change.before).toBe(sh(repo, "git", ["show", `${best.parentCommit}:train.mjs`]));
    expect(change.after).toBe(sh(repo, "git", ["show", `${best.commitSha}:train.mjs`]));
    // Every experiment's commit stays reachable under refs/overseer/<session>/<n>.
    for (const e of exps.filter((x) => x.commitSha)) expect(git(repo, "rev-parse", `refs/overseer/${session.id}/${e.idx}`)).toBe(e.commitSha);
    // The user's branch, HEAD, working tree and worktrees are as they were.
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(git(repo, "status", "--porcelain")).toBe("?? notes.txt");
    expect(git(repo, "worktree", "list").split("\n")).toHaveLength(1);

    const tsv = fs
      .readFileSync(exportPath(settings.dataDir, session.id, "tsv"), "utf8")
      .trim()
      .split("\n");
    expect(tsv[0]).toBe("commit\tval_bpb\tmemory_gb\tstatus\tdescription");
    expect(tsv[1]).toBe(`${head.slice(0, 7)}\t2.150000\t2.0\tkeep\tbaseline`);
    expect(tsv).toHaveLength(1 + exps.filter((e) => ["kept", "discarded", "crashed"].includes(e.status)).length);
    // The exports the dashboard serves are written beside it.
    expect(fs.readFileSync(exportPath(settings.dataDir, session.id, "patch"), "utf8")).toMatch(/^From [0-9a-f]{40} /);
    expect(fs.readFileSync(exportPath(settings.dataDir, session.id, "diff"), "utf8")).toContain("+++ b/train.mjs");
    expect(JSON.parse(fs.readFileSync(exportPath(settings.dataDir, session.id, "json"), "utf8")).experiments).toHaveLength(exps.length);
  });

  it("records a crash with its log tail and goes on", async () => {
    const { db, session, deps } = await setup({ maxExperiments: 3 }, (s) => s.replace("const LR = 0.4;", "const LR = 1.2;"));
    await runSession(session.id, deps);
    const crashed = listExperiments(db, session.id).filter((e) => e.status === "crashed");
    expect(crashed.length).toBeGreaterThanOrEqual(1);
    expect(crashed[0]!.reason).toMatch(/exited with code 1\n.*loss exploded/s);
    expect(listExperiments(db, session.id)).toHaveLength(4);
  });

  it("measures the noise with repeated baselines and re-runs a gain within it", async () => {
    // Only WIDTH is a hyperparameter here (lr is lower case), and its steps gain at most 0.09: under 2σ.
    const variant = (s: string) => s.replace("const noiseLevel = 0;", "const noiseLevel = 0.3;").replace(/\bLR\b/g, "lr");
    const { db, session, deps } = await setup({ maxExperiments: 2, baselineRuns: 3, maxRunsPerCandidate: 2 }, variant);
    const final = await runSession(session.id, deps);
    expect(final.noiseSigma).toBeGreaterThan(0.05);
    const exps = listExperiments(db, session.id);
    expect(JSON.parse(exps[0]!.runIdsJson)).toHaveLength(3);
    expect(exps[0]!.reason).toMatch(/σ .* over 3 runs/);
    // σ ≈ 0.11 over seeds 0, 1, 2; WIDTH 3 → 4 gains 0.09 (+ the baseline's mean noise): run twice, then judged.
    const widened = exps.find((e) => e.title === "WIDTH 3 → 4")!;
    expect(JSON.parse(widened.runIdsJson)).toHaveLength(2);
    expect(widened).toMatchObject({ status: "discarded", reason: expect.stringMatching(/gain of 0.1444 .* after 2 runs: within the noise/) });
  });

  it("leaves a gain within the noise to a human when the policy is ask; a keep moves the branch", async () => {
    const variant = (s: string) => s.replace("const noiseLevel = 0;", "const noiseLevel = 0.3;").replace(/\bLR\b/g, "lr");
    const { repo, db, session, deps, lines } = await setup({ maxExperiments: 1, baselineRuns: 3, maxRunsPerCandidate: 2, withinNoise: "ask" }, variant);
    const loop = runSession(session.id, deps);
    const held = await waitFor(() => listExperiments(db, session.id).find((e) => e.status === "awaiting_decision"));
    expect(held).toMatchObject({ title: "WIDTH 3 → 4", decidedAt: null, reason: expect.stringMatching(/within the noise, a human keeps or discards it/) });
    expect(JSON.parse(held.runIdsJson)).toHaveLength(2);
    expect(git(repo, "rev-parse", "overseer/t1")).toBe(session.baselineCommit); // nothing moves while it waits
    await waitFor(() => lines.includes(`#${held.idx} waits for a human: overseer keep ${held.id}, or overseer discard ${held.id}`));
    expect(recordHumanVerdict(db, held.id, "kept", "worth a look", Date.now(), { source: "cli" })).toMatchObject({ ok: true });
    expect(recordHumanVerdict(db, held.id, "discarded", null, Date.now(), { source: "cli" })).toMatchObject({ ok: false, error: expect.stringContaining("already kept") });
    const final = await loop;
    const kept = listExperiments(db, session.id).find((e) => e.id === held.id)!;
    expect(kept).toMatchObject({ status: "kept", humanVerdict: "kept", reason: expect.stringMatching(/^kept by a human: worth a look \(a gain of/) });
    expect(final).toMatchObject({ bestCommit: kept.commitSha, bestExperimentId: kept.id, bestValue: kept.metricValue });
    expect(git(repo, "rev-parse", "overseer/t1")).toBe(kept.commitSha);
    expect(recordHumanVerdict(db, kept.id, "discarded", null, Date.now(), { source: "cli" })).toMatchObject({ ok: false, error: expect.stringContaining("is kept, not waiting") });
  });

  it("waits for a human when every experiment needs approval; a rejection never runs", async () => {
    const { db, session, deps } = await setup({ maxExperiments: 2, approve: "all" });
    const loop = runSession(session.id, deps);
    const first = await waitFor(() => listExperiments(db, session.id).find((e) => e.status === "awaiting_approval"));
    expect(first.diff).toContain("train.mjs");
    expect(JSON.parse(first.verdictJson!).level).toBe("low");
    applyExperimentEvent(db, first.id, { type: "rejected" }, Date.now(), { humanNote: "not this one", reason: "rejected by a human", decidedAt: Date.now() });
    const second = await waitFor(() => listExperiments(db, session.id).find((e) => e.status === "awaiting_approval" && e.id !== first.id));
    applyExperimentEvent(db, second.id, { type: "approved" }, Date.now());
    await loop;
    const exps = listExperiments(db, session.id);
    expect(exps.find((e) => e.id === first.id)).toMatchObject({ status: "rejected", runIdsJson: "[]" });
    expect(["kept", "discarded", "crashed"]).toContain(exps.find((e) => e.id === second.id)!.status);
  });

  it("never idles the GPU for a human: while three code changes wait for approval, hyperparameter changes run", { timeout: 90_000 }, async () => {
    const code = (n: number) => ({
      title: `code ${n}`,
      edits: [{ file: "train.mjs", old: "const sleepMs = 300;\n", new: `const sleepMs = 300;\nconst note${n} = [${n}].map((x) => x * 2).length;\n` }],
    });
    // Hyperparameter changes, each proposed on the best of its time (the third is prepared while the second trains).
    const hp = (from: string, to: string) => ({ title: `hp ${to}`, edits: [{ file: "train.mjs", old: `const ${from};`, new: `const ${to};` }] });
    const proposer = scriptedProposer([code(1), code(2), code(3), hp("LR = 0.4", "LR = 0.3"), hp("WIDTH = 3", "WIDTH = 5"), hp("LR = 0.3", "LR = 0.2")]);
    const { db, session, deps, lines } = await loopSetup(
      { maxExperiments: 6, approve: "risky", baselineRuns: 1 },
      { proposer, trainerSource: (t) => t.replace("const sleepMs = 0;", "const sleepMs = 300;") },
    );
    const loop = runSession(session.id, deps);
    // Nobody approves anything until the three hyperparameter changes have run.
    const ran = await waitFor(
      () => {
        const exps = listExperiments(db, session.id);
        const hps = exps.filter((e) => e.title.startsWith("hp"));
        return hps.length === 3 && hps.every((e) => e.decidedAt) ? exps : null;
      },
      60_000,
      "the hyperparameter changes to run",
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}\n${lines.join("\n")}\n${listExperiments(db, session.id)
          .map((x) => `#${x.idx} ${x.title} ${x.status}`)
          .join("\n")}`,
      );
    });
    const waiting = ran.filter((e) => e.status === "awaiting_approval");
    expect(waiting.map((e) => e.title)).toEqual(["code 1", "code 2", "code 3"]);
    expect(ran.filter((e) => e.title.startsWith("hp")).map((e) => e.status)).toEqual(["kept", "kept", "kept"]);
    // The GPU's idle time meanwhile: the gaps between one run's end and the next one's start.
    const runs = ran.flatMap((e) => (JSON.parse(e.runIdsJson) as number[]).map((id) => getRun(db, id)!)).sort((a, b) => a.startedAt! - b.startedAt!);
    const gaps = runs.slice(1).map((r, i) => r.startedAt! - runs[i]!.endedAt!);
    console.log(`GPU idle between runs while three candidates waited for approval: ${gaps.map((g) => `${g} ms`).join(", ")}`);
    expect(runs).toHaveLength(4);
    for (const gap of gaps) expect(gap).toBeLessThan(2000);
    for (const e of waiting) applyExperimentEvent(db, e.id, { type: "approved" }, Date.now());
    const final = await loop;
    expect(final).toMatchObject({ status: "finished", stopReason: "reached 6 experiments" });
    const exps = listExperiments(db, session.id);
    expect(exps.filter((e) => e.title.startsWith("code")).every((e) => ["kept", "discarded"].includes(e.status))).toBe(true);
    expect(proposer.asked).toBe(6);
  });

  it("edit then approve: the human's version is built again, runs without asking twice, and is co-authored", async () => {
    const { repo, db, session, deps } = await setup({ maxExperiments: 1, approve: "all" });
    const loop = runSession(session.id, deps);
    const waiting = await waitFor(() => listExperiments(db, session.id).find((e) => e.status === "awaiting_approval"));
    const files = readFileChanges(db, JSON.parse(waiting.filesJson!));
    const handTuned = files["train.mjs"]!.after!.replace(/const LR = .*;/, "const LR = 0.05;").replace(/const WIDTH = .*;/, "const WIDTH = 8;");
    const edits = editsFromContents({ "train.mjs": files["train.mjs"]!.before! }, { "train.mjs": handTuned });
    if (!edits.ok) throw new Error(edits.error);
    const described = describeHumanEdit({ "train.mjs": files["train.mjs"]!.before! }, { "train.mjs": handTuned }, waiting.title);
    expect(described.title).toMatch(/^LR [\d.]+ → 0\.05, WIDTH \d+ → 8$/);
    const edit = { edits: edits.edits, ...described };
    expect(recordHumanEdit(db, waiting.id, edit, "the optimum, by hand", Date.now(), { source: "cli" })).toMatchObject({ ok: true, experiment: { status: "proposed", humanEdited: true } });
    await loop;

    const done = listExperiments(db, session.id).find((e) => e.id === waiting.id)!;
    expect(done).toMatchObject({ status: "kept", humanEdited: true, metricValue: 1, humanNote: "the optimum, by hand" });
    expect(JSON.parse(done.runIdsJson)).toHaveLength(1);
    expect(git(repo, "show", `${done.commitSha}:train.mjs`)).toBe(handTuned.trimEnd());
    expect(git(repo, "log", "-1", "--format=%B", done.commitSha!)).toMatch(/^Co-authored-by: .+ <.+>$/m);
    expect(done.diff).toContain("+const LR = 0.05;");
    // What ran is what the experiment, its commit and results.tsv say; the proposer's words are kept as theirs.
    expect(done).toMatchObject({ title: described.title, hypothesis: described.hypothesis, proposedTitle: waiting.title, proposedHypothesis: waiting.hypothesis });
    expect(git(repo, "log", "-1", "--format=%s", done.commitSha!)).toBe(described.title);
    expect(formatResultsTsv(listExperiments(db, session.id).map(experimentResultRow))).toContain(`\tkeep\t${described.title}`);
    expect(recordHumanEdit(db, done.id, edit, null, Date.now(), { source: "cli" })).toMatchObject({ ok: false, error: expect.stringContaining("not awaiting approval") });
  });

  it("pauses, resumes and stops when a human asks", async () => {
    const { db, session, deps } = await setup({ maxExperiments: 50 }, (s) => s.replace("const sleepMs = 0;", "const sleepMs = 150;"));
    const loop = runSession(session.id, deps);
    await waitFor(() => listExperiments(db, session.id).length >= 3);
    updateSession(db, session.id, { requested: "pause" }, Date.now());
    await waitFor(() => getSession(db, session.id)!.status === "paused");
    const during = listExperiments(db, session.id).filter((e) => e.decidedAt !== null).length;
    await new Promise((r) => setTimeout(r, 500));
    expect(listExperiments(db, session.id).filter((e) => e.decidedAt !== null).length).toBe(during);
    updateSession(db, session.id, { requested: null }, Date.now());
    await waitFor(() => listExperiments(db, session.id).filter((e) => e.decidedAt !== null).length > during + 1);
    updateSession(db, session.id, { requested: "stop" }, Date.now());
    const final = await loop;
    expect(final).toMatchObject({ status: "stopped", stopReason: "stopped by a human" });
    expect(listExperiments(db, session.id).every((e) => !["proposed", "approved", "running", "awaiting_approval"].includes(e.status))).toBe(true);
  });

  it("a human's stop during the baseline is not a crash: resuming runs the baseline again, then goes on", async () => {
    const { db, session, deps } = await setup({ maxExperiments: 1, baselineRuns: 1 }, (s) => s.replace("const sleepMs = 0;", "const sleepMs = 3000;"));
    const first = runSession(session.id, deps);
    await waitFor(() => listExperiments(db, session.id)[0]?.status === "running", 15_000, "the baseline's run");
    updateSession(db, session.id, { requested: "stop" }, Date.now());
    expect(await first).toMatchObject({ status: "stopped", stopReason: "stopped by a human" });
    expect(listExperiments(db, session.id)[0]).toMatchObject({ kind: "baseline", status: "interrupted", interruptedFrom: "running" });

    // What overseer loop --resume and the dashboard's Resume both do: run the session again.
    const resumed = await runSession(session.id, deps);
    expect(resumed).toMatchObject({ status: "finished", stopReason: "reached 1 experiments" });
    const [baseline, one] = listExperiments(db, session.id);
    expect(baseline).toMatchObject({ status: "kept", metricValue: 2.15, interruptedFrom: null });
    expect(JSON.parse(baseline!.runIdsJson)).toHaveLength(2); // the cancelled run, and the one that ran
    expect(["kept", "discarded"]).toContain(one!.status);
  });

  it("a result held for a human as forged-looking is held again after a stop and resume, with its reason", async () => {
    const { db, session, deps } = await setup({ maxExperiments: 5, baselineRuns: 1 });
    updateSession(db, session.id, { requested: "stop" }, Date.now());
    await runSession(session.id, deps); // stops at once: the baseline it made is interrupted
    const held = createExperiment(db, {
      sessionId: session.id,
      kind: "proposal",
      status: "awaiting_decision",
      title: "too good",
      proposer: "mutate",
      reason: "held for a human: the run looks forged (two summaries)",
      at: Date.now(),
    });
    applySessionEvent(db, session.id, "resumed", Date.now(), { requested: "stop" });
    await runSession(session.id, deps);
    expect(listExperiments(db, session.id).find((e) => e.id === held.id)).toMatchObject({ status: "interrupted", reasonBeforeStop: "held for a human: the run looks forged (two summaries)" });

    updateSession(db, session.id, { requested: null }, Date.now());
    const resumed = runSession(session.id, deps);
    await waitFor(() => listExperiments(db, session.id).find((e) => e.id === held.id && e.status === "awaiting_decision"));
    expect(listExperiments(db, session.id).find((e) => e.id === held.id)).toMatchObject({ reason: "held for a human: the run looks forged (two summaries)", reasonBeforeStop: null });
    updateSession(db, session.id, { requested: "stop" }, Date.now());
    expect(await resumed).toMatchObject({ status: "stopped" });
  });

  it("a stop interrupts what waits for approval too, and resuming puts it back in the queue", async () => {
    const { db, session, deps } = await setup({ maxExperiments: 1, approve: "all" });
    const first = runSession(session.id, deps);
    const waiting = await waitFor(() => listExperiments(db, session.id).find((e) => e.status === "awaiting_approval"));
    updateSession(db, session.id, { requested: "stop" }, Date.now());
    await first;
    expect(listExperiments(db, session.id).find((e) => e.id === waiting.id)).toMatchObject({ status: "interrupted", interruptedFrom: "awaiting_approval" });
    const second = runSession(session.id, deps);
    await waitFor(() => listExperiments(db, session.id).find((e) => e.id === waiting.id && e.status === "awaiting_approval"));
    applyExperimentEvent(db, waiting.id, { type: "approved" }, Date.now());
    expect(await second).toMatchObject({ status: "finished" });
    expect(["kept", "discarded"]).toContain(listExperiments(db, session.id).find((e) => e.id === waiting.id)!.status);
  });

  it("resumes after a kill between moving the branch to a keep and recording it", async () => {
    const { repo, db, session, deps } = await setup({ maxExperiments: 1, seed: 3 }); // seed 3: #1 is a keep
    await runSession(session.id, deps);
    const [baseline, keep] = listExperiments(db, session.id);
    expect(keep).toMatchObject({ status: "kept", title: "LR 0.4 → 0.267" });
    expect(git(repo, "rev-parse", "overseer/t1")).toBe(keep!.commitSha);
    // What a kill leaves: git moved the branch, the database still has the experiment running on the old best.
    db.$client.prepare("UPDATE experiments SET status = 'running', decided_at = NULL, reason = NULL WHERE id = ?").run(keep!.id);
    db.$client
      .prepare("UPDATE sessions SET status = 'running', best_commit = ?, best_value = ?, best_experiment_id = ? WHERE id = ?")
      .run(baseline!.commitSha, baseline!.metricValue, baseline!.id, session.id);

    const final = await runSession(session.id, deps);
    const again = listExperiments(db, session.id);
    expect(again.map((e) => [e.idx, e.status])).toEqual([
      [0, "kept"],
      [1, "kept"],
    ]);
    expect(JSON.parse(again[1]!.runIdsJson)).toHaveLength(2); // run again, decided once
    expect(final).toMatchObject({ status: "finished", bestCommit: keep!.commitSha, bestExperimentId: keep!.id });
    expect(git(repo, "rev-parse", "overseer/t1")).toBe(keep!.commitSha);
  });

  it("fails the session with a clear reason when the baseline crashes", async () => {
    const { session, deps } = await setup({ maxExperiments: 3 }, (s) => s.replace("const LR = 0.4;", "const LR = 2;"));
    const final = await runSession(session.id, deps);
    expect(final.status).toBe("failed");
    expect(final.stopReason).toMatch(/the baseline crashed: fix the unmodified code first/);
  });

  it("prepares the next candidate while a run trains, and runs one whose edits no longer apply on a new best on its own parent", async () => {
    // "lower LR" is kept; "higher LR" was proposed and built on the baseline while it trained, and its edit
    // (of the line "lower LR" changed) does not apply on the new best: it runs as built instead of waiting.
    const ideas = [
      { title: "lower LR", edits: [{ file: "train.mjs", old: "const LR = 0.4;", new: "const LR = 0.1;" }] },
      { title: "higher LR", edits: [{ file: "train.mjs", old: "const LR = 0.4;", new: "const LR = 1.0;" }] },
    ];
    const proposer = scriptedProposer(ideas);
    const { repo, db, session, deps, lines } = await loopSetup({}, { proposer, trainerSource: (src) => src.replace("const sleepMs = 0;", "const sleepMs = 1500;") });
    const final = await runSession(session.id, deps);

    const [baseline, lower, higher] = listExperiments(db, session.id);
    expect(lower).toMatchObject({ status: "kept", parentCommit: baseline!.commitSha });
    expect(higher).toMatchObject({ status: "discarded", parentCommit: baseline!.commitSha });
    expect(higher!.reason).toMatch(/against the best at its start/);
    expect(git(repo, "show", `${higher!.commitSha}:train.mjs`)).toContain("const LR = 1.0;");
    expect(JSON.parse(higher!.runIdsJson)).toHaveLength(1);
    // It was built before "lower LR" was decided, and the proposer was not asked again for it.
    expect(higher!.createdAt).toBeLessThan(lower!.decidedAt!);
    expect(proposer.asked).toBe(3);
    expect(lines.some((l) => l.includes("#2 was built before the best moved"))).toBe(true);
    expect(final.bestCommit).toBe(lower!.commitSha);
  });
});
