/** What every proposer gets and returns. Expected failures are values (refused, failed), never throws. */
import type { TokenUsage } from "../../core/claude/prices";
import type { ResultFacts } from "../../core/result-facts";
import type { FileEdit, MetricGoal } from "../../core/types";
import type { Workbench } from "./workbench";

export interface HistoryEntry {
  idx: number;
  title: string;
  status: string;
  metricValue: number | null;
  delta: number | null;
  reason: string | null;
  diff: string | null;
  /** The last run's summary, where it printed one: what a researcher reads beside the metric. */
  result?: ResultFacts | null;
  notebook?: Notebook | null;
  decidedAt?: number | null;
}

/** The proposer's lab notebook entry for one proposal: what the results taught it and what it would try next. */
export interface Notebook {
  learned: string;
  next: string[];
}

export interface ProposalContext {
  /** The research brief (program.md), or null when the workspace has none. */
  instructions: string | null;
  /** The editable files at the current best commit. */
  files: Record<string, string>;
  protectedFiles: string[];
  /** The protected files' contents at the best commit (prepare.py: the data and the evaluation), for reading. */
  readOnlyFiles?: Record<string, string>;
  metric: { name: string; goal: MetricGoal };
  best: number | null;
  /** The commit the files were read at (the session's best). */
  bestCommit?: string;
  budgetSeconds: number;
  /** The metric's noise σ over the baseline's runs, and the smallest gain that is kept. */
  noise?: { sigma: number | null; keepThreshold: number; minImprovement: number; baselineRuns: number; bestRuns?: number };
  /** Every experiment so far, oldest first (a results.tsv-like table is built from it). */
  history: HistoryEntry[];
  /** The last crash, when the proposer may try a fix of the same idea. */
  lastCrash: { idx: number; title: string; logTail: string } | null;
  steering: string[];
  /** What the humans said, with when: steering notes and the notes on their rejections. */
  humanNotes?: HumanNote[];
  /** The gate's reasons for its recent blocks, so the proposer does not try them again. */
  recentBlocks?: { idx: number; title: string; reasons: string[] }[];
  /** Configurations already tried (core/mutate configSignature), including proposals not yet run. */
  tried: Set<string>;
  seed: number;
  /**
   * Candidates waiting for a human (core/loop-scheduler), and whether their queue is full: then only a change
   * that runs unattended (top-level constants) keeps the GPU busy.
   */
  waitingForHuman?: { count: number; full: boolean };
  /** When the previous answer's edits did not apply: the error, for one more try. */
  retryError?: string;
  /** Read-only access to the workspace and the session's records, for a proposer that investigates. */
  workbench?: Workbench;
  /** Records one API call (whatever its outcome) as it happens and returns its id; the session's cost follows it. */
  meter?: ApiMeter;
}

export interface HumanNote {
  kind: "steering" | "rejection";
  at: number;
  text: string;
  /** A rejection's experiment. */
  idx?: number;
  title?: string;
}

export interface MeteredCall {
  role: "proposer" | "reviewer";
  model: string;
  outcome: "ok" | "error" | "aborted";
  stopReason: string | null;
  httpStatus: number | null;
  tokens: TokenUsage;
  /** null: no price is known for the model. */
  costUsd: number | null;
  error: string | null;
  durationMs: number;
}

export type ApiMeter = (call: MeteredCall) => number;

interface Spent {
  /** What this proposal's API calls cost, in US dollars (0 for the offline proposers). */
  costUsd: number;
  tokens?: Record<string, number>;
  /** The ids of the metered API calls behind it, linked to its experiment when it is recorded. */
  callIds?: number[];
}

export type ProposalOutcome =
  | (Spent & {
      kind: "proposal";
      title: string;
      hypothesis: string;
      edits: FileEdit[];
      /** The idx of the crashed experiment this fixes, if it is a fix. */
      fixOf?: number;
      notebook?: Notebook;
    })
  | (Spent & { kind: "no_change"; reason: string })
  /** The model declined (stop_reason "refusal"); its words are the reason. */
  | (Spent & { kind: "refused"; reason: string })
  /** `fatal`: no retry can help (the key was refused, no such model, a request Overseer built wrong): the loop stops. */
  | (Spent & { kind: "failed"; reason: string; fatal?: boolean });

export interface Proposer {
  readonly name: string;
  propose(ctx: ProposalContext, signal?: AbortSignal): Promise<ProposalOutcome>;
}
