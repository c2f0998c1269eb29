/**
 * The kernel's page cache is shared by every sandbox on the machine: which pages of a file it holds can be read by
 * anyone who can read the file (mincore, or the time a read takes), and set by anyone who reads it. A scoring
 * server could so leave its answers for the fresh checking server, or the held-out text for a later run's
 * training (docs/decisions/0021). The runner clears it between the two servers and after them, where it can.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

const DROP_CACHES = "/proc/sys/vm/drop_caches";

/**
 * Writes back the dirty pages of the filesystems of `paths`, then drops the clean, unmapped pages of every file.
 * Null once done; otherwise why it could not be (not root, or /proc/sys read-only in a container).
 */
export async function dropPageCache(paths: readonly string[]): Promise<string | null> {
  try {
    // Asynchronously: writing back dirty pages can take seconds, and the runner follows other runs meanwhile.
    for (const p of paths) await run("sync", ["-f", p], { timeout: 60_000 });
    await fs.writeFile(DROP_CACHES, "1");
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM" ? "Overseer is not root" : code === "EROFS" ? `${DROP_CACHES} is read-only here` : code === "ENOENT" ? `this kernel has no ${DROP_CACHES}` : String(e);
    return `the page cache could not be cleared between the model's servers (${why}): a served model could pass state from the scoring server to the checking one through which file pages are cached`;
  }
}
