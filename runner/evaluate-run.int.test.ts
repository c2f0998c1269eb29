/**
 * Trusted evaluation with real runs: the score comes from the workspace's protected evaluation, not from what the
 * training run printed; the training run cannot read the evaluation's data; the evaluation cannot change the
 * checkout it scores.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/helpers/temp";
import { trustedRun as run } from "../test/helpers/trusted-run";
import { probeSandbox } from "./sandbox";

describe("trusted evaluation", () => {
  it("scores an honest run by the evaluation, which agrees with what it printed", async () => {
    const { final, evaluation } = await run({ QUALITY: "2.5" });
    expect(final).toMatchObject({ status: "finished", metricValue: 2.5, reportedMetric: 2.5, suspicion: null, reason: "val_bpb = 2.500000 (evaluated by node evaluate.mjs)" });
    expect(evaluation?.command).toBe("node evaluate.mjs");
  });

  it("replaces a forged score with the evaluated one, and holds the run as suspicious", async () => {
    const { final } = await run({ QUALITY: "2.5", REPORTED: "0.5" });
    expect(final).toMatchObject({ status: "finished", metricValue: 2.5, reportedMetric: 0.5 });
    expect(final.suspicion).toContain("the run reported val_bpb 0.5, but Overseer's evaluation (node evaluate.mjs) gave 2.5");
  });

  it.each(["fd-exit", "shadowed-log"])("replaces a score forged another way (%s) the same way", async (forge) => {
    const { final } = await run({ QUALITY: "2.5", FORGE: forge });
    expect(final).toMatchObject({ status: "finished", metricValue: 2.5, reportedMetric: 0.1 });
    expect(final.suspicion).toContain("the run reported val_bpb 0.1, but Overseer's evaluation (node evaluate.mjs) gave 2.5");
  });

  it("scores a run that printed no summary at all", async () => {
    const { final } = await run({ QUALITY: "3.25", REPORTED: "none" });
    expect(final).toMatchObject({ status: "finished", metricValue: 3.25, reportedMetric: null, suspicion: null });
  });

  it("is a crash when the evaluation fails, with its reason and log", async () => {
    const { final } = await run({ QUALITY: "2.5", EVAL_FAIL: "1" });
    expect(final).toMatchObject({ status: "crashed", metricValue: null });
    expect(final.reason).toMatch(/its evaluation \(node evaluate.mjs\) failed: node evaluate.mjs exited with code 1\nevaluate.log:\nthe checkpoint holds no weights/);
  });

  it("stops a run that goes on past its budget after its first progress record, and records why", { timeout: 30_000 }, async () => {
    const { final } = await run({ QUALITY: "2.5", LINGER: "20" });
    expect(final, final.reason ?? "").toMatchObject({ status: "timed_out", metricValue: null });
    expect(final.reason).toMatch(/^trained past its budget: stopped 11 s after its first progress record/);
    expect(final.endedAt! - final.startedAt!).toBeLessThan(16_000);
  });

  it("stops a run that trains silently before its first progress record, past evaluate.startupSeconds and its budget", { timeout: 30_000 }, async () => {
    const { final } = await run({ QUALITY: "2.5", SILENT: "20" }, { startupSeconds: 2 });
    expect(final, final.reason ?? "").toMatchObject({ status: "timed_out", metricValue: null });
    expect(final.reason).toMatch(/^trained past its budget: stopped 13 s after it started, with no progress record yet/);
    expect(final.endedAt! - final.startedAt!).toBeLessThan(18_000);
  });

  it("keeps the evaluation's data from training, and the checkout from the evaluation (sandbox), and leaves no checkpoint behind", async () => {
    const { final, log, evalLog, runDir } = await run({ QUALITY: "2.5" });
    expect(final.status).toBe("finished");
    expect(fs.existsSync(path.join(runDir, "scratch"))).toBe(false);
    if ((await probeSandbox()).available) {
      expect(log).toContain("TRAINING saw the evaluation data: ENOENT");
      expect(evalLog).toContain("EVALUATION read 13 bytes; writing the checkout: EROFS");
    } else expect(log).toContain("TRAINING saw the evaluation data: read"); // without a sandbox nothing hides it: the page says so
  });

  it("evaluates the candidate's commit: what training left or changed in the checkout is gone", async () => {
    const { final, evalLog } = await run({ QUALITY: "2.5", PLANT: "1" });
    expect(final.status).toBe("finished");
    expect(evalLog).toContain("EVALUATION found planted.mjs: false; train.mjs changed: false");
  });

  it("never lets the runner's git follow a .git the run rewrote: a planted repository's filter does not run", async () => {
    const marker = path.join(tempDir("overseer-escape-"), "escaped");
    const { final, log } = await run({ QUALITY: "2.5", GITFILE: marker });
    expect(log).toMatch(/TRAINING (redirected .git|could not redirect .git)/);
    expect(fs.existsSync(marker)).toBe(false);
    expect(final.status).toBe("finished");
  });

  it("hides the evaluation's data from training even inside a folder training reads, and the evaluation still reads it", async () => {
    const { final, log, evalLog } = await run({ QUALITY: "2.5" }, {}, { inside: true });
    expect(final.status).toBe("finished");
    expect(evalLog).toContain("EVALUATION read 13 bytes");
    if ((await probeSandbox()).available) expect(log).toContain("TRAINING saw the evaluation data: EACCES");
    else expect(log).toContain("TRAINING saw the evaluation data: read 13 bytes");
    expect(final.metricValue).toBe(2.5);
  });
});
