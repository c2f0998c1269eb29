/**
 * A run's log read back from byte 0 by a runner that did not read it as it was written: only the points the
 * database lacks are stored (each (series, step) once), and what the log says of the run's end is gathered.
 */
import fs from "node:fs";
import { LogParser, type LogEvent } from "../core/log-parser";
import type { SummaryEntry } from "../core/types";
import type { Db } from "../db/open";
import { lastStepBySeries } from "../db/queries/metrics";
import type { RunRow } from "../db/queries/runs";
import { readLogInChunks } from "./log-tail";
import { MetricWriter } from "./metric-writer";

/** A progress record's values that are not stored yet: those past the last stored step of their series. */
export function unstoredValues(stored: ReadonlyMap<string, number>, step: number, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([series]) => step > (stored.get(series) ?? -Infinity)));
}

interface LogState {
  summary: SummaryEntry[];
  sawFail: boolean;
  oomLine: string | null;
}

/** Feeds the run's log (from byte 0) to a writer that skips every (series, step) already stored. */
export function logReplay(db: Db, run: RunRow) {
  const writer = MetricWriter.resume(db, run);
  const stored = lastStepBySeries(db, run.id);
  const parser = new LogParser();
  const state: LogState = { summary: [], sawFail: false, oomLine: null };
  const handle = (events: LogEvent[]) => {
    for (const e of events) {
      if (e.kind === "progress") {
        const fresh = unstoredValues(stored, e.step, e.values);
        if (Object.keys(fresh).length) writer.add(e.step, fresh, Date.now() - (run.startedAt ?? Date.now()));
      } else if (e.kind === "summary") state.summary.push({ key: e.key, raw: e.raw, value: e.value });
      else if (e.kind === "fail") state.sawFail = true;
      else if (e.kind === "oom") state.oomLine ??= e.text;
    }
  };
  return { writer, state, feed: (bytes: Buffer) => handle(parser.feed(bytes)), end: () => handle(parser.end()) };
}

/** The run is over (its processes are gone): store what its log holds that the database does not. */
export function recoverPoints(db: Db, run: RunRow): void {
  if (!run.logPath || !fs.existsSync(run.logPath)) return;
  const replay = logReplay(db, run);
  readLogInChunks(run.logPath, replay.feed);
  replay.end();
  replay.writer.finish();
}
