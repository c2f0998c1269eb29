import path from "node:path";
import { describe, expect, it } from "vitest";
import { fakeNvidiaSmi, H100 } from "../test/helpers/fake-nvidia-smi";
import { tempDir } from "../test/helpers/temp";
import { queryGpus, sampleGpu, waitForGpuMemory } from "./gpu";

describe("nvidia-smi through a real child process", () => {
  it("finds two GPUs, and none when the program is missing", async () => {
    const smi = fakeNvidiaSmi(tempDir());
    const gpus = await queryGpus(smi.bin);
    expect(gpus?.map((g) => [g.index, g.name, g.memoryTotalMb])).toEqual([
      [0, "NVIDIA H100 80GB HBM3", 81559],
      [1, "NVIDIA H100 80GB HBM3", 81559],
    ]);
    expect(await queryGpus(path.join(tempDir(), "nvidia-smi"))).toBeNull();
  });

  it("samples one GPU about every interval, and its utilisation changes", async () => {
    const smi = fakeNvidiaSmi(tempDir());
    const seen: number[] = [];
    const sampler = sampleGpu(smi.bin, 1, 60, (s) => seen.push(s.utilPercent!));
    await new Promise((r) => setTimeout(r, 1000));
    await sampler.stop();
    const after = seen.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.length).toBe(after); // nothing after stop
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBeGreaterThan(1);
  });

  it("waits while a GPU holds another process's memory, and says why", async () => {
    const smi = fakeNvidiaSmi(tempDir(), [H100, { ...H100, memoryUsedMb: 30000, apps: [{ pid: 4242, usedMb: 30000 }] }]);
    const said: (string | null)[] = [];
    setTimeout(() => smi.setGpus([H100, H100]), 600);
    const waited = await waitForGpuMemory(smi.bin, 1, { thresholdMb: 1024, maxWaitMs: 10_000, pollMs: 100, onWaiting: (w) => said.push(w) });
    expect(waited.freed).toBe(true);
    expect(waited.waitedMs).toBeGreaterThanOrEqual(500);
    expect(said).toEqual(["GPU 1 still holds 30000 MiB by process 4242 from an earlier process: waiting up to 10 s for it to be released", null]);
    // A GPU that stays held: the run goes on after the longest wait, and knows the memory was not freed.
    smi.setGpus([{ ...H100, memoryUsedMb: 5000 }]);
    expect(await waitForGpuMemory(smi.bin, 0, { thresholdMb: 1024, maxWaitMs: 300, pollMs: 50, onWaiting: () => undefined })).toMatchObject({ freed: false });
  });
});
