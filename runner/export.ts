/**
 * Exports of a session: the winning chain as a `git format-patch` mbox (each kept experiment one commit, on
 * the baseline), one squashed diff from baseline to best, results.tsv, or everything as JSON.
 */
import fs from "node:fs";
import path from "node:path";
import { EXPORT_FORMATS, exportPath, type ExportFormat } from "../core/export-files";
import { formatResultsTsv } from "../core/results-tsv";
import type { Settings } from "../core/settings";
import type { Db } from "../db/open";
import { experimentJson, experimentResultRow } from "../db/queries/experiment-exports";
import { listExperiments } from "../db/queries/experiments";
import { getSession } from "../db/queries/sessions";
import { getWorkspace } from "../db/queries/workspaces";
import { git } from "./git";

export { EXPORT_FORMATS, type ExportFormat };

/**
 * Rewrites every export of the session under the data folder, each atomically, for the dashboard to serve.
 * Returns what could not be written (a repository gone missing must not stop the loop).
 */
export async function writeExports(db: Db, settings: Settings, sessionId: number): Promise<string[]> {
  const errors: string[] = [];
  for (const format of EXPORT_FORMATS) {
    const file = exportPath(settings.dataDir, sessionId, format);
    try {
      const text = await exportSession(db, sessionId, format);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.tmp`, text);
      fs.renameSync(`${file}.tmp`, file); // the web never reads half a file
    } catch (e) {
      errors.push(`could not write the ${format} export of session ${sessionId}: ${(e as Error).message}`);
    }
  }
  return errors;
}

export interface ExportScheduler {
  /** Asks for the exports to be rewritten, without waiting: the next run must not wait on git and JSON. */
  schedule(): void;
  /** Waits for a write in flight, then writes once more: the exports match the database when it returns. */
  flush(): Promise<void>;
}

/**
 * Rewrites a session's exports off the loop's critical path: delayMs after a first request (a decision is
 * followed at once by the next run's start, which must not compete with git and JSON for the CPU), one write
 * at a time, requests in between merged.
 */
export function exportScheduler(db: Db, settings: Settings, sessionId: number, log: (line: string) => void, delayMs = 2000): ExportScheduler {
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  const write = async () => {
    for (const error of await writeExports(db, settings, sessionId)) log(error);
  };
  const drain = async () => {
    do {
      again = false;
      await write();
    } while (again);
    running = null;
  };
  return {
    schedule() {
      if (running) again = true;
      else if (!timer) {
        timer = setTimeout(() => {
          timer = null;
          running = drain();
        }, delayMs);
        timer.unref(); // flush() writes what is due when the loop ends
      }
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
      await write();
    },
  };
}

/** results.tsv rows from the database: autoresearch's five columns, one row per experiment that ran. */
function sessionResultsTsv(db: Db, sessionId: number): string {
  return formatResultsTsv(listExperiments(db, sessionId).map(experimentResultRow));
}

export async function exportSession(db: Db, sessionId: number, format: ExportFormat): Promise<string> {
  const s = getSession(db, sessionId);
  if (!s) throw new Error(`session ${sessionId} does not exist`);
  if (!s.baselineCommit) throw new Error(`session ${sessionId} has not started yet`);
  const ws = getWorkspace(db, s.workspaceId)!;
  const experiments = listExperiments(db, s.id);
  switch (format) {
    case "patch":
      return git(ws.repoRoot, ["format-patch", "--stdout", "--no-signature", `${s.baselineCommit}..${s.bestCommit}`]);
    case "diff":
      return git(ws.repoRoot, ["diff", "--no-color", "--no-ext-diff", s.baselineCommit, s.bestCommit]);
    case "tsv":
      return sessionResultsTsv(db, s.id);
    case "json":
      return `${JSON.stringify(
        {
          session: { ...s, options: JSON.parse(s.optionsJson) },
          workspace: { name: ws.name, path: ws.path },
          experiments: experiments.map((e) => experimentJson(db, e)),
        },
        null,
        2,
      )}\n`;
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
