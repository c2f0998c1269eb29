/**
 * NVIDIA GPUs as nvidia-smi reports them: the query the runner asks, the parsing of its CSV answers, and the
 * words the dashboard uses for them. Pure: runner/gpu.ts runs nvidia-smi.
 */

/** The fields asked of `nvidia-smi --query-gpu`, in this order. */
export const GPU_QUERY_FIELDS = ["index", "uuid", "name", "driver_version", "memory.total", "memory.used", "utilization.gpu", "power.draw"] as const;
/** The fields asked of `nvidia-smi --query-compute-apps`: the processes that hold GPU memory. */
export const COMPUTE_APPS_FIELDS = ["pid", "gpu_uuid", "used_memory"] as const;

export interface GpuSample {
  index: number;
  uuid: string;
  name: string;
  driver: string;
  memoryTotalMb: number;
  memoryUsedMb: number;
  utilPercent: number | null;
  powerW: number | null;
}

export interface ComputeApp {
  pid: number;
  gpuUuid: string;
  usedMb: number | null;
}

/** The GPU a run used, as the experiment records it: results from different hardware are not comparable. */
export interface GpuIdentity {
  index: number;
  uuid: string;
  name: string;
  driver: string;
  memoryTotalMb: number;
}

/** What a run records of its GPU: which one, and the most memory the sampler saw in use. */
export interface RunGpu extends GpuIdentity {
  peakMemoryMb: number | null;
}

/** The series a run's GPU telemetry is stored as, next to its parsed metrics. */
export const GPU_SERIES = { util: "gpu.util_percent", memory: "gpu.memory_mb", power: "gpu.power_w" } as const;
export const isGpuSeries = (name: string): boolean => name.startsWith("gpu.");

/** "[N/A]", "[Not Supported]" and empty fields are unknown, not zero. */
function numberOrNull(field: string | undefined): number | null {
  if (field === undefined) return null;
  const n = Number.parseFloat(field.trim());
  return Number.isFinite(n) ? n : null;
}

function csvRows(text: string, width: number): string[][] {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(",").map((f) => f.trim()))
    .filter((fields) => fields.length >= width && fields[0] !== "");
}

/** Parses `nvidia-smi --query-gpu=<GPU_QUERY_FIELDS> --format=csv,noheader,nounits`. */
export function parseGpuQuery(text: string): GpuSample[] {
  const out: GpuSample[] = [];
  for (const f of csvRows(text, GPU_QUERY_FIELDS.length)) {
    const index = numberOrNull(f[0]);
    const total = numberOrNull(f[4]);
    if (index === null || total === null) continue;
    out.push({
      index,
      uuid: f[1]!,
      name: f[2]!,
      driver: f[3]!,
      memoryTotalMb: total,
      memoryUsedMb: numberOrNull(f[5]) ?? 0,
      utilPercent: numberOrNull(f[6]),
      powerW: numberOrNull(f[7]),
    });
  }
  return out;
}

/** Parses `nvidia-smi --query-compute-apps=<COMPUTE_APPS_FIELDS> --format=csv,noheader,nounits`. */
export function parseComputeApps(text: string): ComputeApp[] {
  const out: ComputeApp[] = [];
  for (const f of csvRows(text, COMPUTE_APPS_FIELDS.length)) {
    const pid = numberOrNull(f[0]);
    if (pid === null) continue;
    out.push({ pid, gpuUuid: f[1]!, usedMb: numberOrNull(f[2]) });
  }
  return out;
}

export function identityOf(g: GpuSample): GpuIdentity {
  return { index: g.index, uuid: g.uuid, name: g.name, driver: g.driver, memoryTotalMb: g.memoryTotalMb };
}

/** "2 × NVIDIA H100 80GB HBM3, driver 550.54.15", "NVIDIA A100 + NVIDIA H100 …", or CPU only. */
export function describeGpus(gpus: readonly Pick<GpuIdentity, "name" | "driver">[]): string {
  if (gpus.length === 0) return "CPU only: no NVIDIA GPU found (nvidia-smi is missing or sees none)";
  const counts = new Map<string, number>();
  for (const g of gpus) counts.set(g.name, (counts.get(g.name) ?? 0) + 1);
  const names = [...counts].map(([name, n]) => (n > 1 ? `${n} × ${name}` : name)).join(" + ");
  const drivers = [...new Set(gpus.map((g) => g.driver))].join(", ");
  return `${names}, driver ${drivers}`;
}

/** What makes two runs' hardware the same for comparing their results: the GPU model (or none). */
export function hardwareLabel(gpu: Pick<GpuIdentity, "name"> | null): string {
  return gpu ? gpu.name : "CPU";
}

/** The GPUs a session uses: all it found, or the subset asked for (unknown indexes are an error). */
export function pickGpus<T extends { index: number }>(found: readonly T[], wanted: readonly number[] | null): { ok: true; gpus: T[] } | { ok: false; error: string } {
  if (wanted === null) return { ok: true, gpus: [...found] };
  const missing = wanted.filter((i) => !found.some((g) => g.index === i));
  if (missing.length) {
    const have = found.length ? `this machine has ${found.map((g) => g.index).join(", ")}` : "this machine has none";
    return { ok: false, error: `GPU ${missing.join(", ")} not found (${have}): change the session's GPUs.` };
  }
  return { ok: true, gpus: found.filter((g) => wanted.includes(g.index)) };
}

/** Memory on a GPU held by processes other than the runs we know of: the next run there waits for it. */
export function lingeringMemory(gpu: GpuSample, apps: readonly ComputeApp[], thresholdMb: number): { usedMb: number; pids: number[] } | null {
  if (gpu.memoryUsedMb < thresholdMb) return null;
  return { usedMb: gpu.memoryUsedMb, pids: apps.filter((a) => a.gpuUuid === gpu.uuid).map((a) => a.pid) };
}

/**
 * Why results are not comparable, when the runs compared ran on different hardware (another GPU model, or
 * driver, or no GPU); null when they all ran on the same. Items without a run are left out.
 */
export function hardwareMismatch(items: readonly { label: string; gpu: Pick<GpuIdentity, "name" | "driver"> | null }[]): string | null {
  const groups = new Map<string, string[]>();
  for (const { label, gpu } of items) {
    const key = gpu ? `${gpu.name}, driver ${gpu.driver}` : "no GPU";
    groups.set(key, [...(groups.get(key) ?? []), label]);
  }
  if (groups.size < 2) return null;
  const parts = [...groups].map(([hw, labels]) => `${labels.join(", ")} on ${hw}`);
  return `Different hardware: ${parts.join("; ")}. Times and a fixed time budget's results are not comparable across GPUs.`;
}

/** The hardware line of a run: which GPU, or plainly none. */
export function hardwareText(gpu: RunGpu | null): string {
  return gpu ? `${gpu.name} (GPU ${gpu.index}), driver ${gpu.driver}` : "CPU only (no GPU)";
}
