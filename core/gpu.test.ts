import { describe, expect, it } from "vitest";
import { describeGpus, hardwareMismatch, lingeringMemory, parseComputeApps, parseGpuQuery, pickGpus } from "./gpu";

const H100_ROWS = `0, GPU-7d0c, NVIDIA H100 80GB HBM3, 550.54.15, 81559, 74213, 98, 612.35
1, GPU-81aa, NVIDIA H100 80GB HBM3, 550.54.15, 81559, 4, [N/A], [Not Supported]
`;

describe("nvidia-smi answers", () => {
  it("parses the GPU query, unknown fields as null rather than zero", () => {
    const gpus = parseGpuQuery(H100_ROWS);
    expect(gpus).toEqual([
      { index: 0, uuid: "GPU-7d0c", name: "NVIDIA H100 80GB HBM3", driver: "550.54.15", memoryTotalMb: 81559, memoryUsedMb: 74213, utilPercent: 98, powerW: 612.35 },
      { index: 1, uuid: "GPU-81aa", name: "NVIDIA H100 80GB HBM3", driver: "550.54.15", memoryTotalMb: 81559, memoryUsedMb: 4, utilPercent: null, powerW: null },
    ]);
  });

  it("skips lines that are not GPU rows (a warning, a blank line)", () => {
    expect(parseGpuQuery("No devices were found\n\n")).toEqual([]);
    expect(parseComputeApps("12345, GPU-7d0c, 70000\nNo running processes found\n")).toEqual([{ pid: 12345, gpuUuid: "GPU-7d0c", usedMb: 70000 }]);
  });

  it("describes the hardware, and a machine without GPUs plainly", () => {
    const gpus = parseGpuQuery(H100_ROWS);
    expect(describeGpus(gpus)).toBe("2 × NVIDIA H100 80GB HBM3, driver 550.54.15");
    expect(
      describeGpus([
        { name: "NVIDIA A100-SXM4-40GB", driver: "535.1" },
        { name: "NVIDIA H100 80GB HBM3", driver: "535.1" },
      ]),
    ).toBe("NVIDIA A100-SXM4-40GB + NVIDIA H100 80GB HBM3, driver 535.1");
    expect(describeGpus([])).toMatch(/^CPU only/);
  });

  it("picks the GPUs a session asks for, and says which exist when one does not", () => {
    const gpus = parseGpuQuery(H100_ROWS);
    expect(pickGpus(gpus, null)).toMatchObject({ ok: true, gpus: [{ index: 0 }, { index: 1 }] });
    expect(pickGpus(gpus, [1])).toMatchObject({ ok: true, gpus: [{ index: 1 }] });
    expect(pickGpus(gpus, [1, 3])).toEqual({ ok: false, error: "GPU 3 not found (this machine has 0, 1): change the session's GPUs." });
  });

  it("finds memory an earlier process still holds, with its processes", () => {
    const [busy, idle] = parseGpuQuery(H100_ROWS);
    const apps = parseComputeApps("12345, GPU-7d0c, 74000\n");
    expect(lingeringMemory(busy!, apps, 1024)).toEqual({ usedMb: 74213, pids: [12345] });
    expect(lingeringMemory(idle!, apps, 1024)).toBeNull();
  });
});

describe("hardwareMismatch", () => {
  const h100 = { name: "NVIDIA H100 80GB HBM3", driver: "550.54.15" };
  it("says nothing when every run had the same GPU and driver", () => {
    expect(
      hardwareMismatch([
        { label: "#1", gpu: h100 },
        { label: "#2", gpu: { ...h100 } },
      ]),
    ).toBeNull();
  });
  it("names which experiment ran on what when they differ, a CPU-only run included", () => {
    expect(
      hardwareMismatch([
        { label: "#1", gpu: h100 },
        { label: "#2", gpu: { name: "NVIDIA A100-SXM4-80GB", driver: "550.54.15" } },
        { label: "#3", gpu: h100 },
        { label: "#4", gpu: null },
      ]),
    ).toBe(
      "Different hardware: #1, #3 on NVIDIA H100 80GB HBM3, driver 550.54.15; #2 on NVIDIA A100-SXM4-80GB, driver 550.54.15; #4 on no GPU. Times and a fixed time budget's results are not comparable across GPUs.",
    );
    expect(
      hardwareMismatch([
        { label: "#1", gpu: h100 },
        { label: "#2", gpu: { ...h100, driver: "535.104" } },
      ]),
    ).toMatch(/^Different hardware: #1 on .*550\.54\.15; #2 on .*535\.104\./);
  });
});
