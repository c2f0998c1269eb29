/**
 * Caches reused across runs, when a workspace allows it (sandbox.cacheReuse): a run starts from a copy of the
 * shared cache (compiled kernels: Triton, Inductor), and what it leaves is held until its experiment is decided.
 * Only the cache of a run that was kept and not suspicious becomes the shared one; any other is dropped. So code
 * a run plants in a cache reaches the next runs only if its own result was accepted, and a copy, not the shared
 * folder, is what any run can write.
 */
import fs from "node:fs";
import path from "node:path";

const base = (dataDir: string, workspaceId: number) => path.join(dataDir, "cache", `workspace-${workspaceId}`);
const held = (dataDir: string, workspaceId: number, runId: number) => path.join(base(dataDir, workspaceId), "held", `run-${runId}`);

/** Fills a run's fresh cache folder from the shared cache, if there is one. */
export function seedRunCache(dataDir: string, workspaceId: number, into: string): void {
  const shared = path.join(base(dataDir, workspaceId), "shared");
  if (fs.existsSync(shared)) fs.cpSync(shared, into, { recursive: true });
}

/** Keeps a finished run's cache aside (it would be removed with the run's scratch) until its experiment is decided. */
export function holdRunCache(dataDir: string, workspaceId: number, runId: number, from: string): void {
  const to = held(dataDir, workspaceId, runId);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.rmSync(to, { recursive: true, force: true });
  fs.renameSync(from, to);
}

/** An experiment decided: its last held cache becomes the shared one when it was kept by runs nobody suspects; the rest go. */
export function settleRunCaches(dataDir: string, workspaceId: number, runIds: readonly number[], promote: boolean): void {
  const caches = runIds.map((id) => held(dataDir, workspaceId, id)).filter((p) => fs.existsSync(p));
  const chosen = promote ? caches.at(-1) : undefined;
  if (chosen) {
    const shared = path.join(base(dataDir, workspaceId), "shared");
    const next = `${shared}.next`;
    fs.rmSync(next, { recursive: true, force: true });
    fs.renameSync(chosen, next);
    fs.rmSync(shared, { recursive: true, force: true });
    fs.renameSync(next, shared);
  }
  for (const c of caches) if (c !== chosen) fs.rmSync(c, { recursive: true, force: true });
  // A run whose experiment ended another way (stopped, or rerun within the noise) leaves its cache held: after a
  // day nothing will decide it any more.
  const heldDir = path.join(base(dataDir, workspaceId), "held");
  for (const name of fs.existsSync(heldDir) ? fs.readdirSync(heldDir) : []) {
    const p = path.join(heldDir, name);
    if (Date.now() - fs.statSync(p).mtimeMs > 24 * 3600 * 1000) fs.rmSync(p, { recursive: true, force: true });
  }
}
