/**
 * CUDA out-of-memory, as PyTorch and CUDA print it, and the reason a run that hit it is given: how much it
 * had taken at its peak against what the GPU has, which is what the researcher needs to shrink the batch.
 */

const OOM_RE = /CUDA out of memory|OutOfMemoryError|CUDA error: out of memory|CUBLAS_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation/;

export function isOutOfMemoryLine(line: string): boolean {
  return OOM_RE.test(line);
}

const GIB = 1024;

function gibToMb(raw: string | undefined, unit: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number.parseFloat(raw);
  if (!Number.isFinite(n)) return null;
  return unit === "MiB" ? n : n * GIB;
}

/** PyTorch's message names what it tried to allocate and the GPU's total: "Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB". */
export function parseOomMessage(line: string): { triedMb: number | null; totalMb: number | null } {
  const tried = /Tried to allocate ([\d.]+) (GiB|MiB)/.exec(line);
  const total = /total capacity of ([\d.]+) (GiB|MiB)/.exec(line);
  return { triedMb: gibToMb(tried?.[1], tried?.[2]), totalMb: gibToMb(total?.[1], total?.[2]) };
}

const mib = (mb: number) => `${Math.round(mb).toLocaleString("en-US")} MiB`;

export function oomReason(o: { line: string; peakMb: number | null; totalMb: number | null; gpuName: string | null }): string {
  const msg = parseOomMessage(o.line);
  const total = o.totalMb ?? msg.totalMb;
  const on = o.gpuName ? ` on ${o.gpuName}` : "";
  const peak = o.peakMb !== null && total !== null ? `peak ${mib(o.peakMb)} of ${mib(total)}${on}` : total !== null ? `the GPU has ${mib(total)}${on}` : null;
  const tried = msg.triedMb !== null ? `it tried to allocate ${mib(msg.triedMb)} more` : null;
  const facts = [peak, tried].filter(Boolean).join("; ");
  return `CUDA out of memory${facts ? ` (${facts})` : ""}: lower the batch size or the model's size, or use gradient accumulation`;
}
