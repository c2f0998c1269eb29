/** Free space on the disk that holds a folder (the data folder: logs and the database), for the runner and the web. */
import fs from "node:fs";
import path from "node:path";

export function freeDiskMb(dir: string): number {
  // A data folder not made yet will be made on the disk of its nearest existing parent.
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const s = fs.statfsSync(existing);
  return Math.floor((s.bavail * s.bsize) / (1024 * 1024));
}
