/**
 * The Slurm runs a stopped loop left in flight (engine's reconcile keeps them by experiment): taken over when their
 * experiment runs again, on the same commit; cancelled when it no longer can (rebuilt on a newer best) or the
 * session ends first.
 */
import type { ExperimentRow } from "../../db/queries/experiments";
import { applyRunEvent, type RunRow } from "../../db/queries/runs";
import { cleanUpAbandonedRun } from "../execute-run";
import type { StepDeps } from "./step-deps";

type LeftoverDeps = Pick<StepDeps, "db" | "settings" | "leftovers" | "ws">;

/** The experiment's next leftover run on its current commit; those on another commit are given up. */
export async function takeLeftover(d: LeftoverDeps, exp: ExperimentRow): Promise<RunRow | null> {
  const runs = d.leftovers.get(exp.id) ?? [];
  while (runs.length) {
    const run = runs.shift()!;
    if (run.commitSha === exp.commitSha) return run;
    await abandon(d, run, "its experiment was rebuilt on a newer best while no loop followed this run: it runs again from the new commit");
  }
  d.leftovers.delete(exp.id);
  return null;
}

/** Every leftover nobody took over: its job cancelled, the run recorded as interrupted. */
export async function abandonLeftovers(d: LeftoverDeps, reason: string): Promise<void> {
  for (const runs of d.leftovers.values()) for (const run of runs) await abandon(d, run, reason);
  d.leftovers.clear();
}

async function abandon(d: LeftoverDeps, run: RunRow, reason: string): Promise<void> {
  await cleanUpAbandonedRun(d.db, d.settings, d.ws.repoRoot, run);
  applyRunEvent(d.db, run.id, { type: "run_interrupted" }, Date.now(), { endedAt: Date.now(), reason });
}
