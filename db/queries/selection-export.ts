/**
 * Exports of a selection of experiments (any sessions of one workspace), built from the database alone: the web
 * serves them without git, and `overseer export --experiments` prints the same text.
 */
import type { ExportFormat } from "../../core/export-files";
import { MAX_SELECTED } from "../../core/limits";
import { formatResultsTsv } from "../../core/results-tsv";
import { replaySelection, selectionMbox, type SelectedExperiment } from "../../core/selection-export";
import { treeDiff } from "../../core/unified-diff";
import type { Db } from "../open";
import { experimentJson, experimentResultRow } from "./experiment-exports";
import { filesAtExperiment } from "./experiment-files";
import { findExperimentByCommit, getBaselineExperiment, getExperiment, type ExperimentRow } from "./experiments";
import { getSession, type SessionRow } from "./sessions";
import { readFileChanges, type FileSnapshots } from "./snapshots";
import { getWorkspace } from "./workspaces";

export type SelectionExport = { ok: true; text: string; name: string } | { ok: false; error: string };

export function exportSelection(db: Db, ids: readonly number[], format: ExportFormat): SelectionExport {
  const loaded = loadSelection(db, ids);
  if (!loaded.ok) return loaded;
  const { rows, sessions, baselineCommit, prefix } = loaded;
  const name = `${[...new Set(rows.map((e) => sessions.get(e.sessionId)!.tag))].join("+")}-${rows.map((e) => e.idx).join("-")}`.slice(0, 80);
  if (format === "tsv") return { ok: true, name, text: formatResultsTsv(rows.map(experimentResultRow)) };
  if (format === "json") {
    const experiments = rows.map((e) => ({ session: sessions.get(e.sessionId)!.tag, ...experimentJson(db, e) }));
    return { ok: true, name, text: `${JSON.stringify({ workspace: loaded.workspace, baselineCommit, experiments }, null, 2)}\n` };
  }
  const replay = replaySelection(loaded.baseline, loaded.selected);
  if (!replay.ok) return replay;
  const text = format === "patch" ? selectionMbox(replay.steps, prefix) : treeDiff(loaded.baseline, replay.final, prefix);
  if (text === "") return { ok: false, error: "the selected experiments change nothing: select experiments that changed the code" };
  return { ok: true, name, text };
}

type Loaded =
  | {
      ok: true;
      rows: ExperimentRow[];
      sessions: Map<number, SessionRow>;
      workspace: { name: string; path: string };
      baselineCommit: string;
      prefix: string;
      baseline: Record<string, string>;
      selected: SelectedExperiment[];
    }
  | { ok: false; error: string };

/** The experiments in the order they were proposed, checked to share a workspace and a baseline, with their own changes. */
function loadSelection(db: Db, ids: readonly number[]): Loaded {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  if (unique.length === 0) return { ok: false, error: "select at least one experiment to export" };
  if (unique.length > MAX_SELECTED) return { ok: false, error: `select at most ${MAX_SELECTED} experiments; export a whole session from its page` };
  const rows: ExperimentRow[] = [];
  for (const id of unique) {
    const e = getExperiment(db, id);
    if (!e) return { ok: false, error: `experiment ${id} does not exist: remove it from the selection` };
    rows.push(e);
  }
  const sessions = new Map(rows.map((e) => [e.sessionId, getSession(db, e.sessionId)!]));
  const first = sessions.get(rows[0]!.sessionId)!;
  if (new Set([...sessions.values()].map((s) => s.workspaceId)).size > 1) return { ok: false, error: "these experiments belong to different workspaces: export experiments of one workspace" };
  const baselineCommit = first.baselineCommit;
  if (!baselineCommit || [...sessions.values()].some((s) => s.baselineCommit !== baselineCommit))
    return { ok: false, error: "these experiments' sessions start from different baseline commits, so no one patch applies to both: export each session's experiments separately" };
  const baselineRow = getBaselineExperiment(db, first.id);
  if (!baselineRow?.filesJson) return { ok: false, error: `session ${first.tag} has no stored baseline files to replay the changes on` };
  const label = (e: ExperimentRow) => `${sessions.get(e.sessionId)!.tag} #${e.idx}`;
  const selected: SelectedExperiment[] = [];
  for (const e of rows) {
    if (e.kind === "baseline") continue; // it changes nothing
    if (!e.filesJson) return { ok: false, error: `${label(e)} has no code yet (it is ${e.status.replace(/_/g, " ")}): leave it out, or wait until it is built` };
    selected.push({
      label: label(e),
      title: e.title,
      hypothesis: e.hypothesis,
      status: e.status,
      metricValue: e.metricValue,
      commitSha: e.commitSha,
      createdAt: e.createdAt,
      changes: readFileChanges(db, JSON.parse(e.filesJson) as FileSnapshots),
      builtOn: builtOn(db, e, label),
    });
  }
  const ws = getWorkspace(db, first.workspaceId)!;
  return { ok: true, rows, sessions, workspace: { name: ws.name, path: ws.path }, baselineCommit, prefix: ws.subdir, baseline: filesAtExperiment(db, baselineRow), selected };
}

/** The kept experiment whose commit this one was built on (null on the baseline, whose change always applies). */
function builtOn(db: Db, e: ExperimentRow, label: (e: ExperimentRow) => string): string | null {
  if (!e.parentCommit) return null;
  const parent = findExperimentByCommit(db, e.sessionId, e.parentCommit);
  return parent && parent.kind !== "baseline" ? label(parent) : null;
}
