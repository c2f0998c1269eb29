/**
 * Glossary and domain types. Pure: nothing here does I/O.
 *
 * - workspace: a git repository (or a folder inside one) holding a training setup, described by overseer.json.
 * - run: one execution of the workspace's command at one commit, in its own worktree; it ends in an outcome.
 * - step: the x value of a progress record (the optimizer step printed by the trainer).
 * - series: one named number that a trainer prints per step (loss, lrm, dt, tok/sec, mfu, …).
 * - summary: the `key: value` lines after `---` at the end of a run (val_bpb, training_seconds, …).
 * - metric: the one summary key that scores a run (val_bpb by default), with a goal (minimize or maximize).
 * - budget: the training time the trainer is meant to use (shown as progress); the timeout is the hard kill.
 * - outcome: how a run ended — finished, diverged, crashed, oom, timed_out, cancelled or tampered — as a value, never a throw.
 * Later issues add: experiment, proposal, gate, verdict, best, session.
 */

/** Times are integer milliseconds since the epoch everywhere. */
export type EpochMs = number;

/**
 * tampered: a protected file (or protected data) changed during the run; its metric is never used.
 * oom: it failed with CUDA out of memory (recognised from its log).
 */
export const RUN_OUTCOMES = ["finished", "diverged", "crashed", "oom", "timed_out", "cancelled", "tampered"] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** A run's status: waiting, in flight, or one of the outcomes; `interrupted` when the runner died under it. */
export const RUN_STATUSES = ["queued", "running", ...RUN_OUTCOMES, "interrupted"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type MetricGoal = "minimize" | "maximize";

export interface SummaryEntry {
  key: string;
  /** The text as printed, so nothing is lost to number formatting. */
  raw: string;
  value: number | null;
}

export interface SeriesPoint {
  step: number;
  value: number;
  /** Milliseconds since the run started, when the record was read (x = time on the charts). */
  tMs: number;
}

/**
 * - session: one research loop on one workspace, on its own branch `overseer/<tag>`.
 * - experiment: one step of the loop — the baseline, or a proposal (title, hypothesis, edits) turned into a
 *   commit, gated, maybe approved, run, and decided.
 * - best: the kept experiment with the best metric so far; the session branch points at its commit.
 * - verdict: the gate's judgement of a proposal's risk.
 */
/** queued: asked for from the web; the runner creates its branch and starts it. */
export const SESSION_STATUSES = ["queued", "running", "paused", "stopped", "finished", "failed"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const EXPERIMENT_STATUSES = [
  "proposed",
  "awaiting_approval",
  "approved",
  "running",
  "awaiting_decision",
  "kept",
  "discarded",
  "crashed",
  "diverged",
  "oom",
  "timed_out",
  "tampered",
  "rejected",
  "proposal_failed",
  "interrupted",
] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** The experiments that failed to produce a result: the proposer is offered a fix for these. */
export const CRASH_STATUSES: readonly ExperimentStatus[] = ["crashed", "diverged", "oom", "timed_out", "tampered"];

/** One change a proposer asks for: replace `old` (which must occur exactly once) with `new` in `file`. */
export interface FileEdit {
  file: string;
  old: string;
  new: string;
}
