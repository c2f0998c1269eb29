/**
 * How a run ended, decided from what was observed: a pure function of the exit, the parsed log and the
 * runner's own actions (timeout, cancel). Expected failures are values with a reason, never exceptions.
 */
import { oomReason } from "./oom";
import type { RunOutcome, SummaryEntry } from "./types";

export interface RunObservation {
  /** Set when the command could not be started at all (e.g. ENOENT). */
  spawnError: string | null;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Stopped by the runner for writing more output than sandbox.maxLogMb allows. */
  logLimitReached?: boolean;
  maxLogMb?: number;
  timeoutSeconds: number;
  sawFail: boolean;
  /** Every summary entry in the order printed; a key may repeat. */
  summaryEntries: SummaryEntry[];
  metricName: string;
  commandLabel: string;
  /** The CUDA out-of-memory line the log printed, with the peak memory seen and the GPU's total. */
  oom?: { line: string; peakMb: number | null; totalMb: number | null; gpuName: string | null } | null;
}

export interface OutcomeDecision {
  outcome: RunOutcome;
  reason: string;
  metricValue: number | null;
}

export function decideOutcome(o: RunObservation): OutcomeDecision {
  if (o.cancelled) return { outcome: "cancelled", reason: "cancelled by request", metricValue: null };
  if (o.logLimitReached) {
    return {
      outcome: "crashed",
      reason: `stopped after writing ${o.maxLogMb} MB of output, so that it could not fill the disk (a print inside the training loop?); its log and every point before that are kept. If this much output is expected, raise sandbox.maxLogMb in overseer.json`,
      metricValue: null,
    };
  }
  if (o.timedOut) {
    return { outcome: "timed_out", reason: `killed after the ${o.timeoutSeconds}s timeout (timeoutSeconds in overseer.json)`, metricValue: null };
  }
  if (o.spawnError) return { outcome: "crashed", reason: o.spawnError, metricValue: null };
  if (o.sawFail) return { outcome: "diverged", reason: "the trainer printed FAIL (loss was NaN or exploding)", metricValue: null };
  if (o.oom && o.exitCode !== 0) return { outcome: "oom", reason: oomReason(o.oom), metricValue: null };
  if (o.exitCode !== 0) {
    const how = o.signal ? `was killed by ${o.signal}` : `exited with code ${o.exitCode}`;
    return { outcome: "crashed", reason: `${o.commandLabel} ${how}`, metricValue: null };
  }
  const metric = o.summaryEntries.filter((e) => e.key === o.metricName);
  if (metric.length === 0) {
    return {
      outcome: "crashed",
      reason: `exited 0 but printed no "${o.metricName}:" line after "---"; print the summary, or set metric.name in overseer.json`,
      metricValue: null,
    };
  }
  const values = [...new Set(metric.map((e) => e.value))];
  if (values.length > 1 || values[0] === null || values[0] === undefined) {
    const printed = metric.map((e) => e.raw).join(", ");
    return {
      outcome: "crashed",
      reason:
        values.length > 1
          ? `"${o.metricName}" was printed ${metric.length} times with different values (${printed}): the score is ambiguous, so it is not recorded`
          : `"${o.metricName}" is not a number (${printed})`,
      metricValue: null,
    };
  }
  return { outcome: "finished", reason: `${o.metricName} = ${metric[0]?.raw}`, metricValue: values[0] };
}

/** The summary as stored: the last value of each key, so a repeated key is still visible in the reason. */
export function summaryRecord(entries: SummaryEntry[]): Record<string, SummaryEntry> {
  const out: Record<string, SummaryEntry> = {};
  for (const e of entries) out[e.key] = e;
  return out;
}

/** The last n lines of a log as a terminal would show them: each `\r` record overwrites its line. */
export function logTailLines(text: string, n: number): string[] {
  const lines = text.split("\n").map((line) => {
    const parts = line.split("\r").filter((p) => p.trim() !== "");
    return parts.length ? parts[parts.length - 1]! : "";
  });
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines.slice(-n);
}
