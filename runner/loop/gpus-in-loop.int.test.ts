import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunGpu } from "../../core/gpu";
import { countExperimentEvents } from "../../db/queries/events";
import { listExperiments } from "../../db/queries/experiments";
import { seriesNames } from "../../db/queries/metrics";
import { getRun, type RunRow } from "../../db/queries/runs";
import { fakeNvidiaSmi } from "../../test/helpers/fake-nvidia-smi";
import { loopSetup, scriptedProposer } from "../../test/helpers/loop";
import { sh, tempDir } from "../../test/helpers/temp";
import { runSession } from "./engine";

/** The quadratic trainer, made to take a while (longer for a wider model) and to say which GPU it was given. */
const slowTrainer = (s: string) => `console.log("VISIBLE " + process.env.CUDA_VISIBLE_DEVICES);\n` + s.replace("const sleepMs = 0;", "const sleepMs = 300 + WIDTH * 100;");

const git = (repo: string, ...args: string[]) => sh(repo, "git", args).trim();

function runsOf(db: Parameters<typeof listExperiments>[0], sessionId: number): RunRow[] {
  return listExperiments(db, sessionId).flatMap((e) => (JSON.parse(e.runIdsJson) as number[]).map((id) => getRun(db, id)!));
}

const overlap = (a: RunRow, b: RunRow) => a.startedAt! < b.endedAt! && b.startedAt! < a.endedAt!;

/** The kept experiments form one chain, each on the previous best, and the branch is exactly that chain. */
function expectLinearBranch(repo: string, db: Parameters<typeof listExperiments>[0], sessionId: number) {
  const exps = listExperiments(db, sessionId);
  const kept = exps.filter((e) => e.status === "kept").sort((a, b) => a.decidedAt! - b.decidedAt!);
  for (let i = 1; i < kept.length; i++) expect(kept[i]!.parentCommit).toBe(kept[i - 1]!.commitSha);
  const chain = git(repo, "rev-list", "--reverse", `${kept[0]!.commitSha}..overseer/t1`);
  expect(chain ? chain.split("\n") : []).toEqual(kept.slice(1).map((e) => e.commitSha));
  expect(git(repo, "rev-list", "--merges", "overseer/t1")).toBe("");
}

describe("a session on two GPUs", () => {
  it("runs two experiments at once, each pinned to its own GPU, and keeps the branch linear", async () => {
    const { repo, db, settings, session, deps, lines } = await loopSetup({ maxExperiments: 6, seed: 3 }, { trainerSource: slowTrainer });
    settings.gpu = { ...settings.gpu, nvidiaSmi: fakeNvidiaSmi(tempDir()).bin, sampleMs: 100 };
    const final = await runSession(session.id, deps);
    expect(final).toMatchObject({ status: "finished", stopReason: "reached 6 experiments" });
    expect(lines[0]).toBe("2 × NVIDIA H100 80GB HBM3, driver 550.54.15: 2 experiments at once, one per GPU");

    const runs = runsOf(db, session.id);
    for (const r of runs) {
      // Each run saw exactly the GPU it was recorded on, and that GPU's telemetry is among its series.
      const gpu = JSON.parse(r.gpuJson!) as RunGpu;
      expect(fs.readFileSync(r.logPath!, "utf8")).toContain(`VISIBLE ${gpu.index}`);
      expect(gpu).toMatchObject({ name: "NVIDIA H100 80GB HBM3", driver: "550.54.15", memoryTotalMb: 81559 });
      expect(seriesNames(db, r.id)).toEqual(expect.arrayContaining(["gpu.memory_mb", "gpu.power_w", "gpu.util_percent", "loss"]));
    }
    // The baseline ran once on each GPU at the same time: its σ is measured without costing time.
    const [b0, b1] = (JSON.parse(listExperiments(db, session.id)[0]!.runIdsJson) as number[]).map((id) => getRun(db, id)!);
    expect(new Set([b0, b1].map((r) => (JSON.parse(r!.gpuJson!) as RunGpu).index))).toEqual(new Set([0, 1]));
    expect(overlap(b0!, b1!)).toBe(true);
    expect(final.noiseSigma).toBe(0);
    // Candidates overlapped, and never two at once on the same GPU.
    const candidates = runs.filter((r) => !(JSON.parse(listExperiments(db, session.id)[0]!.runIdsJson) as number[]).includes(r.id));
    const pairs = candidates.flatMap((a, i) => candidates.slice(i + 1).map((b) => [a, b] as const)).filter(([a, b]) => overlap(a, b));
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs) expect(JSON.parse(a.gpuJson!).index).not.toBe(JSON.parse(b.gpuJson!).index);
    expectLinearBranch(repo, db, session.id);
    expect(git(repo, "rev-parse", "overseer/t1")).toBe(final.bestCommit);
  });

  it("judges a later result against the best at its start, and runs a gain made on an old best again on the new one", async () => {
    // #1 (LR 0.4 → 0.1) and #2 (WIDTH 3 → 5, slower) both start on the baseline; #1 ends first and is kept.
    const ideas = [
      { title: "lower LR", edits: [{ file: "train.mjs", old: "const LR = 0.4;", new: "const LR = 0.1;" }] },
      { title: "wider", edits: [{ file: "train.mjs", old: "const WIDTH = 3;", new: "const WIDTH = 5;" }] },
    ];
    const proposer = scriptedProposer(ideas);
    const { repo, db, settings, session, deps } = await loopSetup({}, { trainerSource: slowTrainer, proposer });
    settings.gpu = { ...settings.gpu, nvidiaSmi: fakeNvidiaSmi(tempDir()).bin, sampleMs: 200 };
    const final = await runSession(session.id, deps);
    expect(final.status).toBe("finished");

    const [, lower, wider] = listExperiments(db, session.id);
    expect(lower).toMatchObject({ title: "lower LR", status: "kept" });
    // "wider" beat the baseline (its start) while "lower LR" was kept: it ran again on "lower LR", and was kept there.
    expect(countExperimentEvents(db, wider!.id, "rebased")).toBe(1);
    expect(wider).toMatchObject({ status: "kept", parentCommit: lower!.commitSha });
    const [first, second] = (JSON.parse(wider!.runIdsJson) as number[]).map((id) => getRun(db, id)!);
    expect(first!.metricValue).toBeCloseTo(1 + 0.1 * Math.log2(0.4 / 0.05) ** 2 + 0.01 * 9, 6); // on the baseline
    expect(second!.metricValue).toBeCloseTo(1 + 0.1 * Math.log2(0.1 / 0.05) ** 2 + 0.01 * 9, 6); // on the new best
    expect(overlap(getRun(db, (JSON.parse(lower!.runIdsJson) as number[])[0]!)!, first!)).toBe(true);
    expect(final.bestValue).toBeCloseTo(second!.metricValue!, 9);
    expectLinearBranch(repo, db, session.id);
  });
});
