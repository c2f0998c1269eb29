/** Waits for a run to reach a terminal status and returns its row: the wait most runner tests end with. */
import { isTerminal } from "../../core/run-lifecycle";
import type { Db } from "../../db/open";
import { getRun, type RunRow } from "../../db/queries/runs";
import { waitFor } from "./temp";

export function runEnded(db: Db, runId: number, timeoutMs = 15_000, what = "the run to end"): Promise<RunRow> {
  return waitFor(
    () => {
      const r = getRun(db, runId);
      return r && isTerminal(r.status) ? r : null;
    },
    timeoutMs,
    what,
  );
}
