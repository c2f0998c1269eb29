/**
 * What a run's processes (training, and its evaluation) are given besides the command: their own home, TMPDIR
 * and caches, the GPU they are pinned to, and the paths they may read.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import fs from "node:fs";
import type { GpuIdentity } from "../core/gpu";
import { resolveDataPath } from "./protected-hash";

export type Scratch = { root: string; home: string; tmp: string; cache: string };

/** A process's own home, tmp and cache, in `parent` (beside the run's log), removed when the run ends. */
/** A run's home, TMPDIR and cache under `parent`/`name`; made unless `create` is false (they exist already). */
export function scratchDirs(parent: string, name: string, create = true): Scratch {
  const root = path.join(parent, name);
  const dirs = { root, home: path.join(root, "home"), tmp: path.join(root, "tmp"), cache: path.join(root, "cache") };
  if (create) for (const d of [dirs.home, dirs.tmp, dirs.cache]) fs.mkdirSync(d, { recursive: true });
  return dirs;
}

export function cacheEnv({ cache, tmp }: { cache: string; tmp: string }): Record<string, string> {
  return { XDG_CACHE_HOME: cache, TRITON_CACHE_DIR: path.join(cache, "triton"), TORCHINDUCTOR_CACHE_DIR: path.join(cache, "inductor"), TMPDIR: tmp };
}

/** Pins the run to its GPU; PCI bus order makes CUDA's device numbers the same as nvidia-smi's. */
export function gpuEnv(gpu: GpuIdentity | null | undefined): Record<string, string> {
  return gpu ? { CUDA_VISIBLE_DEVICES: String(gpu.index), CUDA_DEVICE_ORDER: "PCI_BUS_ID" } : {};
}

/**
 * A path the run may read: `$NAME/…` is the value of a variable the workspace passes to runs (its "env"), so
 * data found through one (TINY_LM_CORPUS_DIR) can be declared; unset, it names nothing.
 */
export function readablePath(p: string, env: Readonly<Record<string, string | undefined>>, base: string): string[] {
  const ref = /^\$\{?([A-Za-z_]\w*)\}?(\/.*)?$/.exec(p);
  if (!ref) return expandLastPart(resolveDataPath(p, base));
  const value = env[ref[1]!];
  return value ? expandLastPart(resolveDataPath(value + (ref[2] ?? ""), base)) : [];
}

/** Every path a list of declared ones names (readablePath of each). */
export const readablePaths = (paths: readonly string[], env: Readonly<Record<string, string | undefined>>, base: string): string[] => paths.flatMap((p) => readablePath(p, env, base));

/** `*`, `?` and `[…]` in a path's last part, matched against its folder's entries (the path itself without them). */
function expandLastPart(p: string): string[] {
  const name = path.basename(p);
  if (!/[*?[]/.test(name)) return [p];
  const source = name
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".")
    .replace(/\[!/g, "[^");
  let re: RegExp;
  try {
    re = new RegExp(`^${source}$`);
  } catch {
    return [p];
  }
  const dir = path.dirname(p);
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .filter((e) => re.test(e))
    .sort()
    .map((e) => path.join(dir, e));
}

/**
 * A run's cgroup name: unique to its data folder too, since run ids start at 1 in every database and two Overseers
 * (or two test workers) on one machine must never stop each other's runs.
 */
export function cgroupName(dataDir: string, runId: number, part = ""): string {
  return `${createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 12)}-run-${runId}${part ? `-${part}` : ""}`;
}
