/**
 * Exports of a selection of experiments (from one or more sessions of a workspace): each selected experiment's own
 * change, replayed in order on the baseline, as a `git format-patch` mbox or one squashed diff. Pure: the files
 * come from the stored snapshots, so the web can build it without git. What it writes applies to the baseline.
 */
import { applyEdits } from "./edits";
import { editsFromContents } from "./edits-from-contents";
import { treeDiff, type FileChange } from "./unified-diff";

export interface SelectedExperiment {
  /** How messages name it: "<session tag> #<idx>". */
  label: string;
  title: string;
  hypothesis: string | null;
  status: string;
  metricValue: number | null;
  commitSha: string | null;
  /** When it was proposed (ms): the patch's date. */
  createdAt: number;
  /** Its own change, file by file: its parent's version and its own. */
  changes: Record<string, FileChange>;
  /** What it was built on, by label, when that is known: named in the error when its change does not apply. */
  builtOn: string | null;
}

export interface ReplayedStep {
  experiment: SelectedExperiment;
  before: Record<string, string>;
  after: Record<string, string>;
}

export type Replay = { ok: true; steps: ReplayedStep[]; final: Record<string, string> } | { ok: false; error: string };

/**
 * Applies each experiment's own change to the files as the previous ones left them. At the first that does not
 * apply it stops, and the error names a selection that does: the kept experiments, and as many others as fit.
 */
export function replaySelection(baseline: Readonly<Record<string, string>>, selection: readonly SelectedExperiment[]): Replay {
  let files: Record<string, string> = { ...baseline };
  const steps: ReplayedStep[] = [];
  for (const e of selection) {
    const next = applyExperiment(files, e);
    if (!next.ok) return { ok: false, error: doesNotApply(e, steps.length > 0, next.error, workingSelection(baseline, selection)) };
    steps.push({ experiment: e, before: files, after: next.files });
    files = next.files;
  }
  return { ok: true, steps, final: files };
}

type Step = { ok: true; files: Record<string, string> } | { ok: false; error: string };

function applyExperiment(files: Readonly<Record<string, string>>, e: SelectedExperiment): Step {
  const next = { ...files };
  for (const [file, change] of Object.entries(e.changes).sort(([a], [b]) => a.localeCompare(b))) {
    const applied = applyChange(next[file] ?? null, file, change);
    if (!applied.ok) return applied;
    if (applied.content === null) delete next[file];
    else next[file] = applied.content;
  }
  return { ok: true, files: next };
}

/**
 * The largest selection, in order, found greedily, that replays: every kept experiment that applies stays (the
 * winners are what a user exports for), and one that is not kept joins only if the kept ones after it still apply.
 */
export function workingSelection(baseline: Readonly<Record<string, string>>, selection: readonly SelectedExperiment[]): SelectedExperiment[] {
  const isKept = (e: SelectedExperiment) => e.status === "kept";
  // How many of the kept ones after `from` apply on these files (one that cannot apply either way is skipped).
  const keptApplying = (files: Record<string, string>, from: number): number => {
    let at = files;
    let n = 0;
    for (const k of selection.slice(from).filter(isKept)) {
      const next = applyExperiment(at, k);
      if (!next.ok) continue;
      at = next.files;
      n++;
    }
    return n;
  };
  let files: Record<string, string> = { ...baseline };
  const chosen: SelectedExperiment[] = [];
  selection.forEach((e, i) => {
    const next = applyExperiment(files, e);
    if (!next.ok || (!isKept(e) && keptApplying(next.files, i + 1) < keptApplying(files, i + 1))) return;
    chosen.push(e);
    files = next.files;
  });
  return chosen;
}

type Applied = { ok: true; content: string | null } | { ok: false; error: string };

function applyChange(current: string | null, file: string, { before, after }: FileChange): Applied {
  if (current === before) return { ok: true, content: after }; // the usual case: it was built on these very files
  if (current === after) return { ok: true, content: after }; // already there
  if (before === null) return { ok: false, error: `it adds ${file}, which already exists with other content` };
  if (current === null) return { ok: false, error: `it changes ${file}, which is not there` };
  if (after === null) return { ok: false, error: `it deletes ${file}, which has changed since` };
  const edits = editsFromContents({ [file]: before }, { [file]: after });
  if (!edits.ok) return edits;
  const applied = applyEdits({ [file]: current }, edits.edits);
  return applied.ok ? { ok: true, content: applied.files[file]! } : { ok: false, error: applied.error.replace(/^edit \d+: /, "") };
}

function doesNotApply(e: SelectedExperiment, afterOthers: boolean, why: string, working: readonly SelectedExperiment[]): string {
  const onto = afterOthers ? "the baseline and the experiments before it in the selection" : "the baseline";
  const add = e.builtOn ? `add ${e.builtOn}, which it was built on, or ` : "";
  const labels = working.map((w) => w.label).join(", ");
  const fits = working.length === 0 ? `leave ${e.label} out` : working.length === 1 ? `select only ${labels}, which applies` : `select ${labels}, which apply together`;
  return `${e.label} (${e.title}) does not apply to ${onto}: ${why}; ${add}${fits}`;
}

/** The replayed selection as an mbox for `git am`: one message per experiment that changed something. */
export function selectionMbox(steps: readonly ReplayedStep[], prefix: string): string {
  const changed = steps.filter((s) => treeDiff(s.before, s.after) !== "");
  return changed
    .map((s, i) => {
      const e = s.experiment;
      const subject = e.title.replace(/\s+/g, " ").trim() || e.label;
      const numbered = changed.length > 1 ? `[PATCH ${i + 1}/${changed.length}]` : "[PATCH]";
      const result = e.metricValue === null ? e.status : `${e.status}, metric ${e.metricValue}`;
      const body = [e.hypothesis?.trim(), `Overseer-Experiment: ${e.label} (${result})`].filter(Boolean).join("\n\n");
      return [
        `From ${e.commitSha ?? "0".repeat(40)} Mon Sep 17 00:00:00 2001`,
        "From: Overseer <overseer@localhost>",
        `Date: ${new Date(e.createdAt).toUTCString()}`,
        `Subject: ${numbered} ${subject}`,
        "",
        body,
        "---",
        "",
        treeDiff(s.before, s.after, prefix),
      ].join("\n");
    })
    .join("\n");
}
