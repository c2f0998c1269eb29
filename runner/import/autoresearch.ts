/**
 * `overseer import DIR`: adopts a session that karpathy/autoresearch's agent ran — its branch, results.tsv and
 * run.log — so it can be browsed, compared and exported like Overseer's own. Every commit results.tsv names that
 * git still has is pinned under refs/overseer/<session>/<n>, which rescues discarded commits from `git gc`.
 * Importing again after the agent went on adds the new rows; the rows already imported must not have changed.
 */
import fs from "node:fs";
import path from "node:path";
import { analysedExperiments } from "../../db/queries/experiment-analysis";
import { improvement } from "../../core/decide";
import { parseResultsTsv, type ParsedResultRow } from "../../core/results-tsv";
import { sessionOptionsSchema } from "../../core/session-options";
import type { ExperimentStatus } from "../../core/types";
import type { Settings } from "../../core/settings";
import type { Db } from "../../db/open";
import { createExperiment, listExperiments, updateExperiment, type ExperimentRow } from "../../db/queries/experiments";
import { storeFileChanges } from "../../db/queries/snapshots";
import { createImportedSession, getSession, listSessions, updateSession, type SessionRow } from "../../db/queries/sessions";
import { writeExports } from "../export";
import { fileAtCommit, git } from "../git";
import { refFor } from "../session-git";
import { loadWorkspace, registerWorkspace } from "../workspace";
import { importRunLog, logMatchesRow, parseRunLog } from "./run-log";

export interface ImportOptions {
  dir: string;
  /** Default: the checked-out branch if it is autoresearch/*, else the only autoresearch/* branch. */
  branch?: string;
  /** Default: DIR/results.tsv (autoresearch keeps it untracked in the working tree). */
  results?: string;
  /** Default: DIR/run.log, the log of the last run. */
  log?: string;
}

export type ImportResult = { ok: true; session: SessionRow; added: number; notes: string[] } | { ok: false; error: string };

const STATUS: Record<ParsedResultRow["status"], ExperimentStatus> = { keep: "kept", discard: "discarded", crash: "crashed" };
/** A run.log larger than this is not read into memory; autoresearch's are a few hundred KB. */
const MAX_LOG_BYTES = 256 * 1024 * 1024;

interface ResolvedRow extends ParsedResultRow {
  sha: string | null;
  parent: string | null;
  committedAt: number | null;
}

export async function importAutoresearch(db: Db, settings: Settings, o: ImportOptions): Promise<ImportResult> {
  const loaded = await loadWorkspace(o.dir);
  if (!loaded.ok) return loaded;
  const { repoRoot, config } = loaded.workspace;
  const branch = await pickBranch(repoRoot, o.branch);
  if (!branch.ok) return branch;
  const resultsFile = path.resolve(o.results ?? path.join(loaded.workspace.path, "results.tsv"));
  if (!fs.existsSync(resultsFile)) {
    return { ok: false, error: `no results.tsv at ${resultsFile}: autoresearch's agent writes it there (untracked); give another with --results FILE` };
  }
  const parsed = parseResultsTsv(fs.readFileSync(resultsFile, "utf8"), config.metric.name);
  if (!parsed.ok) return { ok: false, error: `${resultsFile}: ${parsed.error}` };
  const rows = await Promise.all(parsed.rows.map((r) => resolveRow(repoRoot, r)));
  const baseline = rows[0]!;
  if (!baseline.sha) return { ok: false, error: `the first row of results.tsv (the baseline, commit ${baseline.commit}) is not a commit of ${repoRoot}: is this the right repository?` };

  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  const endedAt = Math.round(fs.statSync(resultsFile).mtimeMs);
  const stopReason = `imported from ${branch.name}: ${rows.length} experiments in results.tsv`;
  const existing = listSessions(db, ws.id).find((s) => s.origin === "import" && s.branch === branch.name);
  let session: SessionRow;
  let before: ExperimentRow[] = [];
  if (existing) {
    before = listExperiments(db, existing.id);
    const changed = firstDifference(before, rows);
    if (changed) return { ok: false, error: `results.tsv no longer matches session ${existing.id}, imported from it before: ${changed}` };
    session = existing;
    updateSession(db, session.id, { endedAt, stopReason }, Date.now());
  } else {
    const options = sessionOptionsSchema.parse({});
    const at = baseline.committedAt ?? endedAt;
    session = createImportedSession(db, { workspaceId: ws.id, tag: branch.name.replace(/^autoresearch\//, ""), branch: branch.name, options, baselineCommit: baseline.sha, at, endedAt, stopReason });
  }

  const notes: string[] = [];
  const target = { repoRoot, subdir: loaded.workspace.subdir, editable: config.editable, goal: config.metric.goal, branch: branch.name };
  const added = await addRows(db, target, session, rows, before.length, notes);
  const lastRow = rows[rows.length - 1]!;
  const last = listExperiments(db, session.id).pop()!;
  if (last.runIdsJson === "[]") {
    const note = attachRunLog(db, settings, { file: path.resolve(o.log ?? path.join(loaded.workspace.path, "run.log")), workspaceId: ws.id, config, experiment: last, row: lastRow });
    if (note) notes.push(note);
  }
  const best = bestKept(listExperiments(db, session.id));
  updateSession(db, session.id, { bestCommit: best.commitSha!, bestValue: best.metricValue, bestExperimentId: best.id }, Date.now());
  notes.push(...(await writeExports(db, settings, session.id)));
  return { ok: true, session: getSession(db, session.id)!, added, notes };
}

async function pickBranch(repoRoot: string, wanted: string | undefined): Promise<{ ok: true; name: string } | { ok: false; error: string }> {
  const branches = (await git(repoRoot, ["for-each-ref", "--format=%(refname:short)", "refs/heads/"])).split("\n").filter(Boolean);
  if (wanted) return branches.includes(wanted) ? { ok: true, name: wanted } : { ok: false, error: `there is no branch ${wanted} in ${repoRoot}` };
  const current = (await git(repoRoot, ["rev-parse", "--abbrev-ref", "HEAD"])).trim();
  if (current.startsWith("autoresearch/")) return { ok: true, name: current };
  const candidates = branches.filter((b) => b.startsWith("autoresearch/"));
  if (candidates.length === 1) return { ok: true, name: candidates[0]! };
  if (candidates.length === 0) return { ok: false, error: `${repoRoot} has no autoresearch/<tag> branch: name the session's branch with --branch` };
  return { ok: false, error: `${repoRoot} has several autoresearch branches (${candidates.join(", ")}): choose one with --branch` };
}

async function resolveRow(repoRoot: string, r: ParsedResultRow): Promise<ResolvedRow> {
  try {
    const [sha, parent, time] = (await git(repoRoot, ["log", "-1", "--format=%H%n%P%n%ct", `${r.commit}^{commit}`, "--"])).split("\n");
    return { ...r, sha: sha!, parent: parent?.split(" ")[0] || null, committedAt: Number(time) * 1000 };
  } catch {
    return { ...r, sha: null, parent: null, committedAt: null }; // gone (reset away, then gc'd) or ambiguous
  }
}

/** Why the experiments imported before are not the first rows of the file any more, or null when they are. */
function firstDifference(before: ExperimentRow[], rows: ResolvedRow[]): string | null {
  if (rows.length < before.length) return `it has ${rows.length} rows, and ${before.length} were imported`;
  for (let i = 0; i < before.length; i++) {
    const e = before[i]!;
    const r = rows[i]!;
    if (!(e.commitSha ?? "").startsWith(r.commit) || e.status !== STATUS[r.status]) {
      return `line ${r.line} is ${r.commit} ${r.status}, but experiment #${e.idx} was ${(e.commitSha ?? "").slice(0, 7)} ${e.status}`;
    }
  }
  return null;
}

/** The editable files at a commit (those that exist there), read through git. */
async function editableAt(ws: { repoRoot: string; subdir: string; editable: readonly string[] }, commit: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of ws.editable) {
    const text = await fileAtCommit(ws.repoRoot, commit, path.posix.join(ws.subdir.split(path.sep).join("/"), f));
    if (text !== null) out[f] = text;
  }
  return out;
}

interface RowsTarget {
  repoRoot: string;
  subdir: string;
  editable: readonly string[];
  goal: "minimize" | "maximize";
  branch: string;
}

async function addRows(db: Db, t: RowsTarget, s: SessionRow, rows: ResolvedRow[], from: number, notes: string[]): Promise<number> {
  const { repoRoot, goal, branch } = t;
  let best: number | null = null;
  let gone = 0;
  let rescued = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const delta = r.metricValue === null ? null : best === null ? 0 : improvement(r.metricValue, best, goal);
    if (r.status === "keep" && r.metricValue !== null) best = r.metricValue;
    if (i < from) continue;
    const reasons = [`imported from results.tsv line ${r.line}`];
    if (!r.sha) {
      gone++;
      reasons.push(`its commit ${r.commit} is no longer in the repository (reset away, then garbage-collected): its code is lost`);
    } else {
      await git(repoRoot, ["update-ref", refFor(s.id, i), r.sha]);
      const onBranch = await isAncestor(repoRoot, r.sha, branch);
      if (!onBranch && r.status !== "keep") rescued++;
      if (!onBranch && r.status === "keep") notes.push(`line ${r.line}: ${r.commit} is a keep, but ${branch} does not contain it`);
    }
    const at = r.committedAt ?? Date.now();
    const after = r.sha ? await editableAt(t, r.sha) : null;
    const before = i === 0 ? after : r.parent ? await editableAt(t, r.parent) : null;
    const filesJson = after && before ? JSON.stringify(storeFileChanges(db, before, after, i === 0)) : null;
    createExperiment(db, {
      sessionId: s.id,
      kind: i === 0 ? "baseline" : "proposal",
      status: STATUS[r.status],
      title: r.description || (i === 0 ? "baseline" : `experiment ${i}`),
      proposer: i === 0 ? "none" : "autoresearch",
      parentCommit: i === 0 ? r.sha : r.parent,
      commitSha: r.sha ?? r.commit,
      diff: i > 0 && r.sha && r.parent ? await git(repoRoot, ["diff", "--no-color", "--no-ext-diff", r.parent, r.sha]) : null,
      reason: reasons.join("; "),
      metricValue: r.metricValue,
      delta,
      peakVramMb: r.peakVramMb,
      filesJson,
      at,
      decidedAt: at,
    });
  }
  if (rescued) notes.push(`pinned ${rescued} discarded commit${rescued > 1 ? "s" : ""} that only git's reflog still held, under refs/overseer/${s.id}/`);
  if (gone) notes.push(`${gone} commit${gone > 1 ? "s are" : " is"} no longer in the repository: ${gone > 1 ? "their" : "its"} row is kept without code`);
  analysedExperiments(db, s.id); // derived now, so the session's hyperparameter views open at once
  return rows.length - from;
}

async function isAncestor(repoRoot: string, sha: string, branch: string): Promise<boolean> {
  return git(repoRoot, ["merge-base", "--is-ancestor", sha, `refs/heads/${branch}`]).then(
    () => true,
    () => false,
  );
}

/** run.log is the log of whichever run came last: attached only when it is the last row's run. */
function attachRunLog(
  db: Db,
  settings: Settings,
  o: { file: string; workspaceId: number; config: Parameters<typeof importRunLog>[2]["config"]; experiment: ExperimentRow; row: ResolvedRow },
): string | null {
  if (!fs.existsSync(o.file)) return null;
  if (fs.statSync(o.file).size > MAX_LOG_BYTES) return `${o.file} is larger than ${MAX_LOG_BYTES >> 20} MB: left out`;
  const log = parseRunLog(fs.readFileSync(o.file, "utf8"), o.config.metric.name);
  if (!logMatchesRow(log, o.row)) {
    const printed = log.metricRaw === null ? `no ${o.config.metric.name}` : `${o.config.metric.name} ${log.metricRaw}`;
    return `run.log (${printed}) is not the run of the last row (line ${o.row.line}) — perhaps a run still in progress: left out`;
  }
  const run = importRunLog(db, settings, { workspaceId: o.workspaceId, commit: o.row.sha, config: o.config, logFile: o.file, log });
  updateExperiment(db, o.experiment.id, { runIdsJson: JSON.stringify([run.id]) });
  return `run.log: ${log.points.length} metric points of the last run (experiment #${o.experiment.idx})`;
}

/** The best is the last keep, as on autoresearch's branch (each keep beat the one before). */
function bestKept(experiments: ExperimentRow[]): ExperimentRow {
  return experiments.filter((e) => e.status === "kept").pop() ?? experiments[0]!;
}
