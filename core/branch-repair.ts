/**
 * What a resumed session does with its branch when the branch and the database disagree. The loop moves the
 * branch to a kept commit and then records the keep (runner/loop/run-and-decide's settle); killed in between,
 * the branch is at a commit the database never recorded as kept. The database's decision is the truth: the
 * branch goes back to the recorded best. A tip that is no experiment of this session (a human moved the branch)
 * is left alone and said.
 */

export interface BranchExperiment {
  idx: number;
  commitSha: string | null;
  status: string;
}

export type BranchRepair = { kind: "agrees" } | { kind: "move_back"; from: string; to: string; idx: number } | { kind: "foreign"; tip: string | null };

export function branchRepair(tip: string | null, best: string, experiments: readonly BranchExperiment[]): BranchRepair {
  if (tip === best) return { kind: "agrees" };
  const unrecorded = tip === null ? undefined : experiments.find((e) => e.commitSha === tip && e.status !== "kept");
  if (unrecorded) return { kind: "move_back", from: tip!, to: best, idx: unrecorded.idx };
  return { kind: "foreign", tip };
}
