/** The proposer's read-only workbench over a real session: git at the best commit, SQLite, run logs. Attacks first. */
import { describe, expect, it } from "vitest";
import { listExperiments } from "../../db/queries/experiments";
import { getSession } from "../../db/queries/sessions";
import { loopSetup } from "../../test/helpers/loop";
import { runSession } from "./engine";
import { sessionWorkbench } from "./workbench";
import { openSessionGit } from "../session-git";
import { getWorkspace } from "../../db/queries/workspaces";

async function session() {
  const setup = await loopSetup({ maxExperiments: 2, seed: 3 }, { files: { ".env": "ANTHROPIC_API_KEY=sk-ant-secret\n", "deploy.pem": "-----BEGIN KEY-----\n", "notes.md": "# notes\n" } });
  await runSession(setup.session.id, setup.deps);
  const s = getSession(setup.db, setup.session.id)!;
  const ws = getWorkspace(setup.db, s.workspaceId)!;
  const g = await openSessionGit({ repoRoot: ws.repoRoot, subdir: ws.subdir, branch: s.branch, sessionId: s.id }, setup.settings.dataDir);
  return { ...setup, wb: sessionWorkbench(setup.db, s.id, g, s.bestCommit), s };
}

describe("the proposer's workbench", () => {
  it("refuses paths outside the workspace and files that hold credentials, and does not list them", async () => {
    const { wb } = await session();
    for (const p of ["../outside", "/etc/passwd", "a/../../b", ".env", "deploy.pem", "./.env"]) {
      const r = await wb.readFile(p);
      expect(r, p).toHaveProperty("error");
      expect(JSON.stringify(r)).not.toContain("sk-ant-secret");
    }
    const files = await wb.listFiles();
    expect(files).toEqual(expect.arrayContaining(["train.mjs", "notes.md"]));
    expect(files.some((f) => f.includes(".env") || f.endsWith(".pem"))).toBe(false);
    expect(await wb.readFile("notes.md")).toEqual({ text: "# notes\n" });
    expect(await wb.readFile("missing.py")).toMatchObject({ error: expect.stringContaining("list_files shows what there is") });
  });

  it("answers with the session's experiments, a diff, a log's tail or lines, and a curve", async () => {
    const { wb, db, s } = await session();
    const rows = wb.listExperiments({});
    expect(rows.map((r) => r.idx)).toEqual(listExperiments(db, s.id).map((e) => e.idx));
    expect(rows[0]).toMatchObject({ idx: 0, status: "kept", title: "baseline", peakMemoryMb: 2048, steps: 2 });
    expect(wb.listExperiments({ status: "kept", limit: 1 })).toHaveLength(1);
    expect(wb.experimentDiff(1)).toMatchObject({ diff: expect.stringMatching(/^diff --git a\/train.mjs/) });
    expect(wb.experimentDiff(0)).toHaveProperty("error");
    expect(wb.experimentDiff(99)).toMatchObject({ error: "there is no experiment #99 in this session" });
    expect(wb.runLog(0, { tail: 3 })).toMatchObject({ text: expect.stringContaining("val_bpb:") });
    expect(wb.runLog(0, { grep: "VAL_BPB|peak_vram" })).toMatchObject({ text: expect.stringMatching(/^val_bpb: +[\d.]+\npeak_vram_mb: +2048.0$/) });
    // A pattern is text, never a regular expression: a catastrophic one is just a string that is not there.
    const started = Date.now();
    expect(wb.runLog(0, { grep: "(a+)+$" })).toEqual({ text: 'no line contains "(a+)+$"' });
    expect(Date.now() - started).toBeLessThan(1000);
    const curve = wb.runCurve(0, "loss", 2);
    expect(curve).toMatchObject({ series: expect.arrayContaining(["loss"]), points: [{ step: 0 }, { step: 2 }] });
    expect(wb.runCurve(0, "nope")).toMatchObject({ error: expect.stringContaining('has no series "nope"; it has: ') });
  });
});
