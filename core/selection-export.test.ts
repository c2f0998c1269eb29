import { describe, expect, it } from "vitest";
import { replaySelection, selectionMbox, type SelectedExperiment } from "./selection-export";

const BASE = { "train.py": "LR = 0.1\nDEPTH = 4\nWIDTH = 8\n\ndef train():\n    pass\n" };

function exp(label: string, before: string, after: string, extra: Partial<SelectedExperiment> = {}): SelectedExperiment {
  return {
    label,
    title: `change ${label}`,
    hypothesis: "because",
    status: "discarded",
    metricValue: 1.5,
    commitSha: null,
    createdAt: Date.UTC(2026, 10, 22),
    changes: { "train.py": { before, after } },
    builtOn: null,
    ...extra,
  };
}

describe("replaying a selection on the baseline", () => {
  it("applies each experiment's own change, even one built on a best the selection leaves out", () => {
    const best = BASE["train.py"].replace("LR = 0.1", "LR = 0.2"); // a kept change not selected
    const onBest = exp("s #5", best, best.replace("WIDTH = 8", "WIDTH = 16"));
    const r = replaySelection(BASE, [exp("s #1", BASE["train.py"], BASE["train.py"].replace("DEPTH = 4", "DEPTH = 6")), onBest]);
    if (!r.ok) throw new Error(r.error);
    expect(r.final["train.py"]).toBe("LR = 0.1\nDEPTH = 6\nWIDTH = 16\n\ndef train():\n    pass\n");
    expect(r.steps.map((s) => s.experiment.label)).toEqual(["s #1", "s #5"]);
    expect(r.steps[1]!.before["train.py"]).toContain("DEPTH = 6");
  });
  it("says which experiment does not apply, to what, and which one it was built on", () => {
    const a = exp("s #1", BASE["train.py"], BASE["train.py"].replace("WIDTH = 8", "WIDTH = 12"));
    const b = exp("s #2", BASE["train.py"], BASE["train.py"].replace("WIDTH = 8", "WIDTH = 4"), { builtOn: "s #0b" });
    const r = replaySelection(BASE, [a, b]);
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^s #2 \(change s #2\) does not apply to the baseline and the experiments before it in the selection: .*WIDTH = 8.*; add s #0b, which it was built on, or select only s #1, which applies$/,
      ),
    });
  });
  it("names a selection that applies, keeping the kept experiments over the others", () => {
    const widen = (to: string, label: string, status = "discarded") => exp(label, BASE["train.py"], BASE["train.py"].replace("WIDTH = 8", `WIDTH = ${to}`), { status });
    const deeper = exp("s #3", BASE["train.py"], BASE["train.py"].replace("DEPTH = 4", "DEPTH = 6"));
    // A discard and a later keep change the same line: the keep stays, the discard goes, the rest fit.
    expect(replaySelection(BASE, [widen("12", "s #1"), widen("4", "s #2", "kept"), deeper])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^s #2 \(change s #2\) does not apply .*; select s #2, s #3, which apply together$/),
    });
    // A kept one that applies with nothing costs the others nothing: the discard before it stays.
    const broken = exp("s #5", "X = 1\n", "X = 2\n", { status: "kept" });
    expect(replaySelection(BASE, [deeper, widen("4", "s #4", "kept"), broken])).toMatchObject({ ok: false, error: expect.stringMatching(/; select s #3, s #4, which apply together$/) });
    // Nothing applies with the first: leave it out.
    const stale = exp("s #4", "LR = 9\n", "LR = 10\n");
    expect(replaySelection({ "train.py": "X = 1\n" }, [stale])).toMatchObject({ ok: false, error: expect.stringMatching(/; leave s #4 out$/) });
  });
  it("adds and deletes files, and refuses to add one that is already there with other content", () => {
    const add = { ...exp("s #1", "", ""), changes: { "util.py": { before: null, after: "X = 1\n" } } };
    const del = { ...exp("s #2", "", ""), changes: { "util.py": { before: "X = 1\n", after: null } } };
    const r = replaySelection(BASE, [add, del]);
    expect(r.ok && Object.keys(r.steps[0]!.after)).toEqual(["train.py", "util.py"]);
    expect(r.ok && Object.keys(r.final)).toEqual(["train.py"]);
    const clash = { ...exp("s #3", "", ""), changes: { "util.py": { before: null, after: "Y = 2\n" } } };
    expect(replaySelection(BASE, [add, clash])).toMatchObject({ ok: false, error: expect.stringContaining("it adds util.py, which already exists with other content") });
  });
});

describe("the selection's mbox", () => {
  it("has one numbered message per experiment that changed something, each with its diff under the workspace's folder", () => {
    const one = exp("s #1", BASE["train.py"], BASE["train.py"].replace("DEPTH = 4", "DEPTH = 6"), { commitSha: "a".repeat(40), status: "kept" });
    const same = exp("s #2", BASE["train.py"].replace("DEPTH = 4", "DEPTH = 6"), BASE["train.py"].replace("DEPTH = 4", "DEPTH = 6"));
    const two = exp("t #3", BASE["train.py"], BASE["train.py"].replace("LR = 0.1", "LR = 0.3"), { title: "raise\nthe LR", metricValue: null, status: "crashed" });
    const r = replaySelection(BASE, [one, same, two]);
    if (!r.ok) throw new Error(r.error);
    const mbox = selectionMbox(r.steps, "ws");
    const messages = mbox.split(/^(?=From [0-9a-f]{40} )/m);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(
      /^From a{40} Mon Sep 17 00:00:00 2001\nFrom: Overseer <overseer@localhost>\nDate: Sun, 22 Nov 2026 00:00:00 GMT\nSubject: \[PATCH 1\/2\] change s #1\n\nbecause\n\nOverseer-Experiment: s #1 \(kept, metric 1.5\)\n---\n\ndiff --git a\/ws\/train.py b\/ws\/train.py\n/,
    );
    expect(messages[1]).toContain("Subject: [PATCH 2/2] raise the LR\n");
    expect(messages[1]).toContain("Overseer-Experiment: t #3 (crashed)");
    expect(messages[1]).toContain("-LR = 0.1\n+LR = 0.3\n");
  });
});
