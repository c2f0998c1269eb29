import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sessionOptionsSchema } from "../../core/session-options";
import { gitRepo, sh, tempDb } from "../../test/helpers/temp";
import type { Db } from "../open";
import { createExperiment } from "./experiments";
import { exportSelection } from "./selection-export";
import { createSession } from "./sessions";
import { storeFileChanges } from "./snapshots";
import { upsertWorkspace } from "./workspaces";

const BASE = { "train.py": "LR = 0.04\nDEPTH = 8\n\nfor step in range(10):\n    pass\n", "model.py": "WIDTH = 64\n" };

/** A workspace in the repository's folder lab/, and sessions that all start from its one commit. */
function setup() {
  const { db } = tempDb();
  const repo = gitRepo(Object.fromEntries(Object.entries(BASE).map(([f, c]) => [`lab/${f}`, c])));
  const baseline = sh(repo, "git", ["rev-parse", "HEAD"]).trim();
  const ws = upsertWorkspace(db, { name: "lab", path: path.join(repo, "lab"), repoRoot: repo, subdir: "lab", configJson: "{}", configError: null }, Date.now());
  return { db, repo, baseline, ws };
}

function session(db: Db, workspaceId: number, tag: string, baseline: string) {
  const s = createSession(db, { workspaceId, tag, branch: `overseer/${tag}`, origin: "cli", options: sessionOptionsSchema.parse({}), baselineCommit: baseline, at: Date.now() });
  let files: Record<string, string> = BASE;
  let parent = baseline;
  createExperiment(db, {
    sessionId: s.id,
    kind: "baseline",
    status: "kept",
    title: "baseline",
    proposer: "mutate",
    commitSha: baseline,
    parentCommit: baseline,
    filesJson: JSON.stringify(storeFileChanges(db, BASE, BASE, true)),
    at: Date.now(),
  });
  /** An experiment built on the last kept one (or on `on`); kept ones move the best. */
  return (title: string, change: (f: Record<string, string>) => Record<string, string>, status: "kept" | "discarded" = "kept", on = { files, parent }) => {
    const after = change(on.files);
    const sha = `${tag}-${title.replace(/\W+/g, "")}`;
    const e = createExperiment(db, {
      sessionId: s.id,
      kind: "proposal",
      status,
      title,
      hypothesis: `why ${title}`,
      proposer: "mutate",
      commitSha: sha,
      parentCommit: on.parent,
      filesJson: JSON.stringify(storeFileChanges(db, on.files, after)),
      metricValue: 1,
      at: Date.now(),
    });
    if (status === "kept") [files, parent] = [after, sha];
    return e;
  };
}

const set = (file: string, from: string, to: string) => (f: Record<string, string>) => ({ ...f, [file]: f[file]!.replace(from, to) });

describe("a selection's export", () => {
  it("replays experiments of two sessions on their shared baseline, with paths in the workspace's folder, as git applies them", () => {
    const { db, repo, baseline, ws } = setup();
    const a = session(db, ws.id, "a", baseline);
    const a1 = a("lr", set("train.py", "LR = 0.04", "LR = 0.02"));
    const a2 = a("width", set("model.py", "WIDTH = 64", "WIDTH = 128"), "discarded");
    const b = session(db, ws.id, "b", baseline);
    const b1 = b("depth", set("train.py", "DEPTH = 8", "DEPTH = 12"));

    const diff = exportSelection(db, [b1.id, a2.id, a1.id], "diff");
    if (!diff.ok) throw new Error(diff.error);
    expect(diff.name).toBe("a+b-1-2-1");
    expect(diff.text.split("\n").filter((l) => l.startsWith("diff --git"))).toEqual(["diff --git a/lab/model.py b/lab/model.py", "diff --git a/lab/train.py b/lab/train.py"]);
    fs.writeFileSync(path.join(repo, "sel.diff"), diff.text);
    sh(repo, "git", ["apply", "sel.diff"]);
    expect(fs.readFileSync(path.join(repo, "lab/train.py"), "utf8")).toBe(BASE["train.py"].replace("LR = 0.04", "LR = 0.02").replace("DEPTH = 8", "DEPTH = 12"));
    expect(fs.readFileSync(path.join(repo, "lab/model.py"), "utf8")).toBe("WIDTH = 128\n");

    sh(repo, "git", ["checkout", "-q", "--", "."]);
    const mbox = exportSelection(db, [a1.id, a2.id, b1.id], "patch");
    if (!mbox.ok) throw new Error(mbox.error);
    expect([...mbox.text.matchAll(/^Subject: (.*)$/gm)].map((m) => m[1])).toEqual(["[PATCH 1/3] lr", "[PATCH 2/3] width", "[PATCH 3/3] depth"]);
    fs.rmSync(path.join(repo, "sel.diff"));
    fs.writeFileSync(path.join(repo, "..", "sel.mbox"), mbox.text);
    sh(repo, "git", ["am", "-q", path.join(repo, "..", "sel.mbox")]);
    expect(
      sh(repo, "git", ["log", "--format=%s", `${baseline}..HEAD`])
        .trim()
        .split("\n"),
    ).toEqual(["depth", "width", "lr"]);
    expect(sh(repo, "git", ["show", "HEAD:lab/model.py"])).toBe("WIDTH = 128\n");
  });

  it("says why a selection cannot be exported, and what to do", () => {
    const { db, baseline, ws } = setup();
    const a = session(db, ws.id, "a", baseline);
    const a1 = a("lr", set("train.py", "LR = 0.04", "LR = 0.02"));
    const a2 = a("lr again", set("train.py", "LR = 0.02", "LR = 0.01"));
    const other = session(db, ws.id, "c", "another-commit")("width", set("model.py", "WIDTH = 64", "WIDTH = 32"));
    const pending = createExperiment(db, { sessionId: a1.sessionId, kind: "proposal", status: "proposed", title: "later", proposer: "mutate", at: Date.now() });
    const error = (ids: number[]) => {
      const r = exportSelection(db, ids, "patch");
      return r.ok ? "exported" : r.error;
    };
    expect(error([a2.id])).toMatch(/^a #2 \(lr again\) does not apply to the baseline: the text to replace was not found in train.py: .*; add a #1, which it was built on, or leave a #2 out$/);
    expect(error([a1.id, a2.id])).toBe("exported");
    expect(error([a1.id, other.id])).toMatch(/start from different baseline commits/);
    expect(error([a1.id, pending.id])).toBe("a #3 has no code yet (it is proposed): leave it out, or wait until it is built");
    expect(error([a1.id, 999])).toBe("experiment 999 does not exist: remove it from the selection");
    expect(error([a1.id - 1])).toMatch(/change nothing/);
    expect(error(Array.from({ length: 201 }, (_, i) => i + 1))).toMatch(/at most 200/);
  });

  it("writes results.tsv rows and JSON for the selected experiments only", () => {
    const { db, baseline, ws } = setup();
    const a = session(db, ws.id, "a", baseline);
    a("lr", set("train.py", "LR = 0.04", "LR = 0.02"));
    const a2 = a("width", set("model.py", "WIDTH = 64", "WIDTH = 128"), "discarded");
    const tsv = exportSelection(db, [a2.id], "tsv");
    expect(tsv.ok && tsv.text).toBe("commit\tval_bpb\tmemory_gb\tstatus\tdescription\na-width\t1.000000\t0.0\tdiscard\twidth\n");
    const json = exportSelection(db, [a2.id], "json");
    const parsed = json.ok ? JSON.parse(json.text) : null;
    expect(parsed).toMatchObject({ workspace: { name: "lab" }, baselineCommit: baseline, experiments: [{ session: "a", idx: 2, title: "width", status: "discarded" }] });
  });
});
