/**
 * What each experiment of a session is as hyperparameters: the top-level constants of its files (its own
 * changes over its parent's) and the axis of its change (core/change-axis). Derived from the snapshots once and
 * kept in experiments.analysis_json, keyed by the files it was derived from, so that 10,000 experiments are
 * read without inflating 10,000 files. Whoever asks first fills what is missing (the runner after each
 * decision, the dashboard for an imported session).
 */
import { createHash } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { type ChangeAxis, changeAxis } from "../../core/change-axis";
import { topLevelConstants } from "../../core/constants";
import type { Db } from "../open";
import { experiments } from "../schema";
import { type FileSnapshots, readFileChanges } from "./snapshots";

export interface ExperimentAnalysis {
  /** Which files_json it was derived from: a stale analysis is redone. */
  key: string;
  /** Per file, its top-level constants as written. */
  files: Record<string, Record<string, string>>;
  axis: ChangeAxis;
}

export interface AnalysedExperiment {
  id: number;
  idx: number;
  title: string;
  status: (typeof experiments.$inferSelect)["status"];
  kind: (typeof experiments.$inferSelect)["kind"];
  metricValue: number | null;
  /** The experiment it was built on (its parent commit's), when the session holds it. */
  parentId: number | null;
  tags: string[];
  analysis: ExperimentAnalysis | null;
}

const keyOf = (filesJson: string) => createHash("sha1").update(filesJson).digest("hex").slice(0, 16);

function parse(json: string | null): ExperimentAnalysis | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as ExperimentAnalysis;
  } catch {
    return null;
  }
}

/** Every experiment of a session with its analysis, in order; those that have no code yet have none. */
export function analysedExperiments(db: Db, sessionId: number): AnalysedExperiment[] {
  const rows = db
    .select({
      id: experiments.id,
      idx: experiments.idx,
      title: experiments.title,
      status: experiments.status,
      kind: experiments.kind,
      metricValue: experiments.metricValue,
      commitSha: experiments.commitSha,
      parentCommit: experiments.parentCommit,
      filesJson: experiments.filesJson,
      analysisJson: experiments.analysisJson,
      tagsJson: experiments.tagsJson,
    })
    .from(experiments)
    .where(eq(experiments.sessionId, sessionId))
    .orderBy(asc(experiments.idx))
    .all();
  const byCommit = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (r.commitSha && !byCommit.has(r.commitSha)) byCommit.set(r.commitSha, r);
  const done = new Map<number, ExperimentAnalysis | null>();
  const fresh: { id: number; json: string }[] = [];

  const analyse = (r: (typeof rows)[number], depth = 0): ExperimentAnalysis | null => {
    if (done.has(r.id)) return done.get(r.id)!;
    if (!r.filesJson) {
      done.set(r.id, null);
      return null;
    }
    const key = keyOf(r.filesJson);
    const stored = parse(r.analysisJson);
    if (stored?.key === key) {
      done.set(r.id, stored);
      return stored;
    }
    const parent = r.kind !== "baseline" && r.parentCommit ? byCommit.get(r.parentCommit) : undefined;
    // Parents come first in idx order, so this recursion is shallow; the depth bound guards a commit cycle.
    const inherited = parent && parent.id !== r.id && depth < 64 ? analyse(parent, depth + 1) : null;
    const changes = readFileChanges(db, JSON.parse(r.filesJson) as FileSnapshots);
    const files: Record<string, Record<string, string>> = { ...(inherited?.files ?? {}) };
    for (const [file, { after }] of Object.entries(changes)) {
      if (after === null) delete files[file];
      else files[file] = Object.fromEntries(topLevelConstants(after).map((c) => [c.name, c.value]));
    }
    const analysis: ExperimentAnalysis = { key, files, axis: changeAxis(changes) };
    done.set(r.id, analysis);
    fresh.push({ id: r.id, json: JSON.stringify(analysis) });
    return analysis;
  };

  const out = rows.map((r) => {
    const parent = r.parentCommit ? byCommit.get(r.parentCommit) : undefined;
    return {
      id: r.id,
      idx: r.idx,
      title: r.title,
      status: r.status,
      kind: r.kind,
      metricValue: r.metricValue,
      parentId: r.kind !== "baseline" && parent && parent.id !== r.id ? parent.id : null,
      tags: JSON.parse(r.tagsJson) as string[],
      analysis: analyse(r),
    };
  });
  if (fresh.length > 0) {
    const update = db.$client.prepare("UPDATE experiments SET analysis_json = ? WHERE id = ?");
    try {
      db.$client.transaction(() => {
        for (const f of fresh) update.run(f.json, f.id);
      })();
    } catch {
      // Only a cache: a busy database must not fail the view; the next reader derives them again.
    }
  }
  return out;
}

/**
 * Derives the analyses a session lacks, when it lacks any: one count when none is missing (the experiment
 * table's filter asks on every load, and 10,000 analyses are not re-read for it).
 */
export function fillMissingAnalyses(db: Db, sessionId: number): void {
  const missing = db.$client.prepare("SELECT 1 FROM experiments WHERE session_id = ? AND files_json IS NOT NULL AND analysis_json IS NULL LIMIT 1").get(sessionId);
  if (missing) analysedExperiments(db, sessionId);
}
