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

/** Applies each experiment's own change to the files as the previous ones left them; stops at the first that does not apply. */
export function replaySelection(baseline: Readonly<Record<string, string>>, selection: readonly SelectedExperiment[]): Replay {
  let files: Record<string, string> = { ...baseline };
  const steps: ReplayedStep[] = [];
  for (const e of selection) {
    const next = { ...files };
    for (const [file, change] of Object.entries(e.changes).sort(([a], [b]) => a.localeCompare(b))) {
      const applied = applyChange(next[file] ?? null, file, change);
      if (!applied.ok) return { ok: false, error: doesNotApply(e, steps.length > 0, applied.error) };
      if (applied.content === null) delete next[file];
      else next[file] = applied.content;
    }
    steps.push({ experiment: e, before: files, after: next });
    files = next;
  }
  return { ok: true, steps, final: files };
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

function doesNotApply(e: SelectedExperiment, afterOthers: boolean, why: string): string {
  const onto = afterOthers ? "the baseline and the experiments before it in the selection" : "the baseline";
  const hint = e.builtOn ? `; add ${e.builtOn}, which it was built on, or leave ${e.label} out` : `; leave ${e.label} out`;
  return `${e.label} (${e.title}) does not apply to ${onto}: ${why}${hint}`;
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
