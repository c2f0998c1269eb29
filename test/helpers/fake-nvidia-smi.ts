/**
 * A fake nvidia-smi for tests on machines without a GPU: a real executable that answers the two queries the
 * runner asks from a JSON state file the test may change (to make a GPU hold memory, say). Utilisation and
 * power change on every call, as on a GPU that trains.
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
}

export const H100 = { name: "NVIDIA H100 80GB HBM3", memoryTotalMb: 81559, memoryUsedMb: 0 };

export function fakeNvidiaSmi(dir: string, gpus: FakeGpu[] = [H100, H100]): FakeNvidiaSmi {
  fs.mkdirSync(dir, { recursive: true });
  const state = path.join(dir, "gpus.json");
  const callLog = path.join(dir, "calls.log");
  const bin = path.join(dir, "nvidia-smi");
  fs.writeFileSync(
    bin,
    `#!/usr/bin/env node
const fs = require("fs");
fs.appendFileSync(${JSON.stringify(callLog)}, process.argv.slice(2).join(" ") + "\\n");
const gpus = JSON.parse(fs.readFileSync(${JSON.stringify(state)}, "utf8"));
const uuid = (i) => "GPU-0000000" + i + "-fake-fake-fake-000000000000";
const tick = Math.floor(Date.now() / 50);
const query = process.argv.find((a) => a.startsWith("--query-"));
if (!query) { console.log("NVIDIA-SMI 550.54.15 (fake)"); process.exit(0); }
if (query.startsWith("--query-gpu=")) {
  for (const [i, g] of gpus.entries()) {
    const util = (tick * 37 + i * 13) % 101;
    console.log([i, uuid(i), g.name, "550.54.15", g.memoryTotalMb, g.memoryUsedMb, util, (70 + util * 6).toFixed(2)].join(", "));
  }
} else if (query.startsWith("--query-compute-apps=")) {
  for (const [i, g] of gpus.entries()) for (const a of g.apps ?? []) console.log([a.pid, uuid(i), a.usedMb].join(", "));
} else {
  console.error("fake nvidia-smi: unknown query " + query);
  process.exit(2);
}
`,
    { mode: 0o755 },
  );
  const setGpus = (g: FakeGpu[]) => fs.writeFileSync(state, JSON.stringify(g));
  setGpus(gpus);
  return { bin, setGpus, calls: () => (fs.existsSync(callLog) ? fs.readFileSync(callLog, "utf8").trim().split("\n") : []) };
}
