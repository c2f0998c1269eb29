/** An experiment's editable files whole, from the snapshots: its own changes, then its parents' down to the baseline. */
import type { Db } from "../open";
import { findExperimentByCommit, type ExperimentRow } from "./experiments";
import { readSnapshot, type FileSnapshots } from "./snapshots";

/**
 * A candidate stores only the files it changed; the rest are as in its parent, the experiment whose commit it
 * was built on (the baseline stores every editable file). Files no stored experiment holds are left out.
 */
export function filesAtExperiment(db: Db, e: ExperimentRow): Record<string, string> {
  const out: Record<string, string> = {};
  const gone = new Set<string>();
  const seen = new Set<string>();
  let cur: ExperimentRow | undefined = e;
  while (cur && !seen.has(cur.commitSha ?? `#${cur.id}`)) {
    seen.add(cur.commitSha ?? `#${cur.id}`);
    const files = cur.filesJson ? (JSON.parse(cur.filesJson) as FileSnapshots) : {};
    for (const [file, { after }] of Object.entries(files)) {
      if (file in out || gone.has(file)) continue;
      if (after === null) {
        gone.add(file);
        continue;
      }
      const content = readSnapshot(db, after);
      if (content !== null) out[file] = content;
    }
    if (cur.kind === "baseline" || !cur.parentCommit) break;
    cur = findExperimentByCommit(db, cur.sessionId, cur.parentCommit);
  }
  return out;
}
