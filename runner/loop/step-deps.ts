/** What the steps that take an experiment forward work with: the database, the workspace, git, and the session's helpers. */
import type { WorkspaceConfig } from "../../core/workspace-config";
import type { Settings } from "../../core/settings";
import type { Db } from "../../db/open";
import { persistently } from "../../db/faults";
import type { ExperimentRow } from "../../db/queries/experiments";
import type { RunRow } from "../../db/queries/runs";
import type { WorkspaceRow } from "../../db/queries/workspaces";
import type { Reviewer } from "../reviewer";
import type { ExportScheduler } from "../export";
import type { ProposalOutcome } from "../proposers/types";
import type { SessionGit } from "../session-git";

export type RetriedProposal = Extract<ProposalOutcome, { kind: "proposal" }>;

export interface StepDeps {
  db: Db;
  settings: Settings;
  ws: WorkspaceRow;
  config: WorkspaceConfig;
  g: SessionGit;
  parentEnv?: Record<string, string | undefined>;
  log: (line: string) => void;
  /** Rewrites the session's exports after a decision, in the background. */
  exports: ExportScheduler;
  /** The reviewer model, when the session asks for one. */
  reviewer: Reviewer | null;
  /** Runs decisions one at a time: each reads the best and may move it (runs on several GPUs end at any time). */
  decisions: <T>(decide: () => Promise<T>) => Promise<T>;
  /** Asks the proposer once more when edits do not apply (a new answer: its own title and edits); null when there is no one to ask. */
  retryProposal: ((exp: ExperimentRow, error: string) => Promise<RetriedProposal | null>) | null;
  /**
   * Runs a loop that stopped left in flight on Slurm, by experiment: the loop takes them over (runner/execute-run
   * resumeRun) when their experiment runs again, rather than cancelling their jobs and training them anew.
   */
  leftovers: Map<number, RunRow[]>;
}

/** A write that carries a result: a locked or full database is waited out (asynchronously), said once in the log. */
export function durably<T>(d: Pick<StepDeps, "log">, write: () => T): Promise<T> {
  return persistently(write, 1000, (message) => d.log(`  ${message}`));
}
