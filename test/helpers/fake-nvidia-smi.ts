/**
 * A fake nvidia-smi for tests on machines without a GPU (test/fixtures/fake-nvidia-smi.mjs), with GPUs from a
 * JSON state file the test may change (to make a GPU hold memory, say).
 */
import fs from "node:fs";
import path from "node:path";

export interface FakeGpu {
  name: string;
  memoryTotalMb: number;
  memoryUsedMb: number;
  /** Processes holding memory on this GPU, as --query-compute-apps lists them. */
  apps?: { pid: number; usedMb: number }[];
}

export interface FakeNvidiaSmi {
  /** The program, for settings.gpu.nvidiaSmi. */
  bin: string;
  setGpus(gpus: FakeGpu[]): void;
  /** Every command line it was called with, one per line. */
  calls(): string[];
  /** The pid of each call (a looping one, --loop-ms, goes on until it is killed). */
  pids(): number[];
}

const FAKE = path.resolve(__dirname, "../fixtures/fake-nvidia-smi.mjs");

export const H100 = { name: "NVIDIA H100 80GB HBM3", memoryTotalMb: 81559, memoryUsedMb: 0 };

export function fakeNvidiaSmi(dir: string, gpus: FakeGpu[] = [H100, H100]): FakeNvidiaSmi {
  fs.mkdirSync(dir, { recursive: true });
  const state = path.join(dir, "gpus.json");
  const callLog = path.join(dir, "calls.log");
  const pidLog = path.join(dir, "pids");
  const bin = path.join(dir, "nvidia-smi");
  // A wrapper per test, so that each test has its own GPUs (the runner calls the program with its own environment).
  fs.writeFileSync(bin, `#!/bin/sh\necho $$ >> '${pidLog}'\nFAKE_NVIDIA_SMI_STATE='${state}' FAKE_NVIDIA_SMI_CALLS='${callLog}' exec node '${FAKE}' "$@"\n`, { mode: 0o755 });
  const setGpus = (g: FakeGpu[]) => fs.writeFileSync(state, JSON.stringify(g));
  setGpus(gpus);
  const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : []);
  return { bin, setGpus, calls: () => lines(callLog), pids: () => lines(pidLog).map(Number) };
}
