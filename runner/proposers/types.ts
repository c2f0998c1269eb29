/** What every proposer gets and returns. Expected failures are values (refused, failed), never throws. */
import type { FileEdit, MetricGoal } from "../../core/types";

export interface HistoryEntry {
  idx: number;
  title: string;
  status: string;
  metricValue: number | null;
  delta: number | null;
  reason: string | null;
  diff: string | null;
}

export interface ProposalContext {
  /** The research brief (program.md), or null when the workspace has none. */
  instructions: string | null;
  /** The editable files at the current best commit. */
  files: Record<string, string>;
  protectedFiles: string[];
  metric: { name: string; goal: MetricGoal };
  best: number | null;
  budgetSeconds: number;
  /** Every experiment so far, oldest first (a results.tsv-like table is built from it). */
  history: HistoryEntry[];
  /** The last crash, when the proposer may try a fix of the same idea. */
  lastCrash: { idx: number; title: string; logTail: string } | null;
  steering: string[];
  /** Configurations already tried (core/mutate configSignature), including proposals not yet run. */
  tried: Set<string>;
  seed: number;
  /** When the previous answer's edits did not apply: the error, for one more try. */
  retryError?: string;
}

export type ProposalOutcome =
  | {
      kind: "proposal";
      title: string;
      hypothesis: string;
      edits: FileEdit[];
      /** The idx of the crashed experiment this fixes, if it is a fix. */
      fixOf?: number;
      costUsd: number;
      tokens?: Record<string, number>;
    }
  | { kind: "no_change"; reason: string; costUsd: number }
  | { kind: "failed"; reason: string; costUsd: number; tokens?: Record<string, number> };

export interface Proposer {
  readonly name: string;
  propose(ctx: ProposalContext, signal?: AbortSignal): Promise<ProposalOutcome>;
}
