import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { GPU_SERIES, identityOf } from "../core/gpu";
import { listEventsAfter } from "../db/queries/events";
import { seriesNames, seriesPoints } from "../db/queries/metrics";
import { applyRunEvent, createRun, getRun } from "../db/queries/runs";
import { fakeNvidiaSmi, H100, type FakeNvidiaSmi } from "../test/helpers/fake-nvidia-smi";
import { registeredTrainer } from "../test/helpers/registered";
import { tempDir, testSettings, waitFor } from "../test/helpers/temp";
import { queryGpus } from "./gpu";
import { executeRun } from "./execute-run";

async function setUp(trainer: string, smi: FakeNvidiaSmi, config: Record<string, unknown> = {}) {
  const { dataDir, db, ws } = await registeredTrainer(trainer, config);
  const run = createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() });
  const settings = testSettings(dataDir, { gpu: { nvidiaSmi: smi.bin, sampleMs: 100, memoryWaitMs: 10_000, memoryHeldMb: 1024 } });
  const gpu = identityOf((await queryGpus(smi.bin))![1]!);
  return { db, ws, run, settings, gpu };
}

describe("a run on a GPU (fake nvidia-smi reporting two H100s)", () => {
  it("is pinned to its GPU, and the GPU's utilisation, memory and power are series of the run", async () => {
    const smi = fakeNvidiaSmi(tempDir(), [H100, { ...H100, memoryUsedMb: 512 }]);
    const { db, ws, run, settings, gpu } = await setUp("gpu.mjs", smi, { command: ["node", "train.mjs", "1.5"] });
    const final = await executeRun(run, ws, { db, settings, gpu, parentEnv: { PATH: process.env.PATH!, CUDA_VISIBLE_DEVICES: "0,1" } });

    expect(final.status).toBe("finished");
    expect(fs.readFileSync(final.logPath!, "utf8")).toContain("CUDA_VISIBLE_DEVICES=1 CUDA_DEVICE_ORDER=PCI_BUS_ID");
    expect(seriesNames(db, final.id)).toEqual(expect.arrayContaining([GPU_SERIES.memory, GPU_SERIES.power, GPU_SERIES.util, "loss"]));
    const util = seriesPoints(db, final.id, GPU_SERIES.util);
    expect(util.length).toBeGreaterThanOrEqual(5); // ~10 a second asked, nvidia-smi itself is a process start each
    expect(new Set(util.map((p) => p.value)).size).toBeGreaterThan(1);
    expect(util.every((p, i) => p.step === p.tMs / 1000 && (i === 0 || p.tMs >= util[i - 1]!.tMs))).toBe(true);
    expect(seriesPoints(db, final.id, GPU_SERIES.memory).every((p) => p.value === 512)).toBe(true);
    expect(final.lastStep).toBe(14); // the trainer's step, not the sampler's clock
    expect(JSON.parse(final.gpuJson!)).toEqual({ index: 1, uuid: gpu.uuid, name: "NVIDIA H100 80GB HBM3", driver: "550.54.15", memoryTotalMb: 81559, peakMemoryMb: 512 });
  });

  // The dashboard cancels a queued run at once; the runner may already have taken it and be waiting for its GPU.
  it("ends cancelled, without an error, when cancelled while it waits for its GPU", async () => {
    const smi = fakeNvidiaSmi(tempDir(), [H100, { ...H100, memoryUsedMb: 5000 }]);
    const { db, ws, run, settings, gpu } = await setUp("ok.mjs", smi);
    const running = executeRun(run, ws, { db, settings, gpu });
    await waitFor(() => Boolean(getRun(db, run.id)?.waitingFor), 10_000, "the run to wait for its GPU");
    applyRunEvent(db, run.id, { type: "run_cancelled" }, Date.now(), { endedAt: Date.now(), reason: "cancelled before it started" });
    smi.setGpus([H100, H100]);
    await expect(running).resolves.toMatchObject({ status: "cancelled", reason: "cancelled before it started" });
  });

  it("recognises CUDA out of memory, with the peak against the GPU's total", async () => {
    const smi = fakeNvidiaSmi(tempDir(), [H100, { ...H100, memoryUsedMb: 79_000 }]);
    const { db, ws, run, settings, gpu } = await setUp("oom.mjs", smi);
    // The memory is the trainer's own: it appears only after the run started, so the run does not wait for it.
    smi.setGpus([H100, H100]);
    setTimeout(() => smi.setGpus([H100, { ...H100, memoryUsedMb: 79_000 }]), 150);
    const final = await executeRun(run, ws, { db, settings, gpu, parentEnv: { PATH: process.env.PATH! } });
    expect(final.status).toBe("oom");
    expect(final.reason).toBe(
      "CUDA out of memory (peak 79,000 MiB of 81,559 MiB on NVIDIA H100 80GB HBM3; it tried to allocate 4,096 MiB more): lower the batch size or the model's size, or use gradient accumulation",
    );
    expect(final.logTail).toContain("torch.OutOfMemoryError");
  });

  it("waits while its GPU still holds an earlier process's memory, says why, then runs", async () => {
    const smi = fakeNvidiaSmi(tempDir(), [H100, { ...H100, memoryUsedMb: 70_000, apps: [{ pid: 31337, usedMb: 70_000 }] }]);
    const { db, ws, run, settings, gpu } = await setUp("ok.mjs", smi);
    const done = executeRun(run, ws, { db, settings, gpu, parentEnv: { PATH: process.env.PATH! } });
    const waiting = await waitFor(() => getRun(db, run.id)?.waitingFor, 5000, "the run to say it waits");
    expect(waiting).toBe("GPU 1 still holds 70000 MiB by process 31337 from an earlier process: waiting up to 10 s for it to be released");
    expect(getRun(db, run.id)!.status).toBe("queued");
    smi.setGpus([H100, H100]);
    const final = await done;
    expect(final.status).toBe("finished");
    expect(final.waitingFor).toBeNull();
    expect(final.startedAt! - run.requestedAt).toBeGreaterThan(100);
    expect(listEventsAfter(db, 0).map((e) => e.type)).toEqual(["workspace_registered", "run_queued", "run_waiting", "run_started", "run_ended"]);
  });

  it("runs on a CPU-only machine with the parent's CUDA_VISIBLE_DEVICES and no GPU series", async () => {
    const smi = fakeNvidiaSmi(tempDir());
    const { db, ws, run, settings } = await setUp("gpu.mjs", smi);
    const final = await executeRun(run, ws, { db, settings, gpu: null, parentEnv: { PATH: process.env.PATH! } });
    expect(fs.readFileSync(final.logPath!, "utf8")).toContain("CUDA_VISIBLE_DEVICES=(unset)");
    expect(seriesNames(db, final.id).filter((n) => n.startsWith("gpu."))).toEqual([]);
    expect(final.gpuJson).toBeNull();
    expect(smi.calls()).toEqual(["--query-gpu=index,uuid,name,driver_version,memory.total,memory.used,utilization.gpu,power.draw --format=csv,noheader,nounits"]); // setUp's own query only
  });
});
