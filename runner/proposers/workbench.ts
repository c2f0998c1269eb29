/**
 * What an investigating proposer may look at, read-only: the workspace's files at the best commit and the
 * session's records. The loop implements it (runner/loop/workbench.ts); a proposer never writes through it.
 * Every answer is text bounded in size, ready to hand to a model; a bad request is an answer that says why.
 */
export interface ExperimentListing {
  idx: number;
  status: string;
  title: string;
  hypothesis: string | null;
  metric: number | null;
  delta: number | null;
  peakMemoryMb: number | null;
  steps: number | null;
  tokensPerSecond: number | null;
  mfuPercent: number | null;
}

export interface Workbench {
  /** The workspace's tracked files at the best commit (paths relative to the workspace). */
  listFiles(): Promise<string[]>;
  /** A workspace file at the best commit; `error` when it is not there, too large or not to be read. */
  readFile(path: string): Promise<{ text: string } | { error: string }>;
  listExperiments(filter: { status?: string; offset?: number; limit?: number }): ExperimentListing[];
  /** An experiment's change, as a unified diff. */
  experimentDiff(idx: number): { diff: string } | { error: string };
  /** The log of an experiment's last run: its last `tail` lines, or the lines containing `grep` (plain text, alternatives separated by |). */
  runLog(idx: number, opts: { tail?: number; grep?: string }): { text: string } | { error: string };
  /** A series of an experiment's last run, sampled down to about `points` points. */
  runCurve(idx: number, series: string, points?: number): { series: string[]; points: { step: number; value: number }[] } | { error: string };
}
