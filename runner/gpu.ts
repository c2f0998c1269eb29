/**
 * Asks nvidia-smi about the GPUs: discovery (null = none, the machine is CPU only), a sampler that reads
 * one GPU about once a second while a run trains, and the wait for memory a killed process still holds.
 */
import { execFile } from "node:child_process";
import { COMPUTE_APPS_FIELDS, GPU_QUERY_FIELDS, identityOf, lingeringMemory, parseComputeApps, parseGpuQuery, type GpuIdentity, type GpuSample } from "../core/gpu";

const QUERY_TIMEOUT_MS = 5000;

function ask(bin: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: QUERY_TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout) => resolve(err ? null : stdout));
  });
}

/** Every GPU as nvidia-smi sees it now; null when nvidia-smi is missing or fails (no driver). */
export async function queryGpus(bin: string): Promise<GpuSample[] | null> {
  const out = await ask(bin, [`--query-gpu=${GPU_QUERY_FIELDS.join(",")}`, "--format=csv,noheader,nounits"]);
  return out === null ? null : parseGpuQuery(out);
}

/** The GPU a single run (not a session's) goes on: the machine's first, or none on a CPU-only machine. */
export async function firstGpu(bin: string): Promise<GpuIdentity | null> {
  const gpus = await queryGpus(bin);
  return gpus?.[0] ? identityOf(gpus[0]) : null;
}

export async function queryComputeApps(bin: string) {
  const out = await ask(bin, [`--query-compute-apps=${COMPUTE_APPS_FIELDS.join(",")}`, "--format=csv,noheader,nounits"]);
  return out === null ? [] : parseComputeApps(out);
}

/**
 * Samples one GPU every `everyMs` until stopped. A slow nvidia-smi never piles up queries: the next one
 * starts only after the last answered.
 */
export function sampleGpu(bin: string, index: number, everyMs: number, onSample: (s: GpuSample) => void): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  const tick = () => {
    inFlight = queryGpus(bin).then((gpus) => {
      const g = gpus?.find((x) => x.index === index);
      if (g && !stopped) onSample(g);
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}

export interface MemoryWait {
  /** Above this much used memory a GPU is taken to be held by someone else. */
  thresholdMb: number;
  /** How long to wait before running anyway (the run may then fail with out-of-memory). */
  maxWaitMs: number;
  pollMs: number;
  signal?: AbortSignal;
  /** Called once when the wait starts, and with null when it ends. */
  onWaiting: (why: string | null) => void;
}

/**
 * Waits until GPU `index` no longer holds memory from an earlier process (a run killed while its workers
 * lived on, or someone else's job). Returns how long it waited and whether the memory was freed.
 */
export async function waitForGpuMemory(bin: string, index: number, o: MemoryWait): Promise<{ waitedMs: number; freed: boolean }> {
  const start = Date.now();
  let waiting = false;
  for (;;) {
    const gpu = (await queryGpus(bin))?.find((g) => g.index === index);
    const held = gpu ? lingeringMemory(gpu, await queryComputeApps(bin), o.thresholdMb) : null;
    const waitedMs = Date.now() - start;
    if (!held || waitedMs >= o.maxWaitMs || o.signal?.aborted) {
      if (waiting) o.onWaiting(null);
      return { waitedMs, freed: !held };
    }
    if (!waiting) {
      const by = held.pids.length ? ` by process ${held.pids.join(", ")}` : "";
      o.onWaiting(`GPU ${index} still holds ${Math.round(held.usedMb)} MiB${by} from an earlier process: waiting up to ${Math.round(o.maxWaitMs / 1000)} s for it to be released`);
      waiting = true;
    }
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
}
