import { describe, expect, it } from "vitest";
import { isOutOfMemoryLine, oomReason, parseOomMessage } from "./oom";

const TORCH_OOM =
  "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is free. Including non-PyTorch memory, this process has 78.12 GiB memory in use.";

describe("CUDA out of memory", () => {
  it("recognises PyTorch's and CUDA's messages, and nothing else", () => {
    expect(isOutOfMemoryLine(TORCH_OOM)).toBe(true);
    expect(isOutOfMemoryLine("RuntimeError: CUDA error: out of memory")).toBe(true);
    expect(isOutOfMemoryLine("RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`")).toBe(true);
    expect(isOutOfMemoryLine("step 00010 (1.2%) | loss: 3.2 | memory: 42 GiB")).toBe(false);
    expect(isOutOfMemoryLine("RuntimeError: shapes cannot be multiplied")).toBe(false);
  });

  it("reads what was tried and the GPU's total from the message", () => {
    expect(parseOomMessage(TORCH_OOM)).toEqual({ triedMb: 2048, totalMb: 79.19 * 1024 });
    expect(parseOomMessage("Tried to allocate 512.00 MiB")).toEqual({ triedMb: 512, totalMb: null });
  });

  it("says the peak against the GPU's total, and what to do", () => {
    expect(oomReason({ line: TORCH_OOM, peakMb: 80_100, totalMb: 81_559, gpuName: "NVIDIA H100 80GB HBM3" })).toBe(
      "CUDA out of memory (peak 80,100 MiB of 81,559 MiB on NVIDIA H100 80GB HBM3; it tried to allocate 2,048 MiB more): lower the batch size or the model's size, or use gradient accumulation",
    );
    expect(oomReason({ line: "CUDA error: out of memory", peakMb: null, totalMb: null, gpuName: null })).toBe(
      "CUDA out of memory: lower the batch size or the model's size, or use gradient accumulation",
    );
  });
});
