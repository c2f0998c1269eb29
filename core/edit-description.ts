/**
 * What a human's edit of a candidate does, in words: the title and hypothesis the experiment carries once a human
 * changed its code, so the table, the chart, results.tsv, the commit and the export say what runs, not what the
 * proposer once offered. Pure; the page uses it to prefill the fields, the server when the human left them empty.
 */
import { constantsOnlyChange } from "./gate";

export interface EditDescription {
  title: string;
  hypothesis: string;
}

const MAX_TITLE = 120;

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Lines of `after` that are not in `before` at the same place, and how many lines each side changed. */
function changedLines(before: string, after: string): { added: string[]; removed: number } {
  const b = before.split("\n");
  const a = after.split("\n");
  let head = 0;
  while (head < b.length && head < a.length && b[head] === a[head]) head++;
  let tail = 0;
  while (tail < b.length - head && tail < a.length - head && b[b.length - 1 - tail] === a[a.length - 1 - tail]) tail++;
  return { added: a.slice(head, a.length - tail), removed: b.length - head - tail };
}

/**
 * The description of `after` as a change of `before` (the candidate's parent), file by file. Constants only:
 * "CONTEXT 12 → 10" as the offline proposer writes it. Code: the one new line when one line changed, else
 * the count of lines per file. `proposed` is the proposer's title, named in the hypothesis as what was edited
 * (null for a human's own proposal on the best code).
 */
export function describeHumanEdit(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>, proposed: string | null): EditDescription {
  const files = Object.keys(after)
    .filter((f) => after[f] !== (before[f] ?? ""))
    .sort();
  const constants: string[] = [];
  const settings: string[] = [];
  const code: string[] = [];
  for (const file of files) {
    const b = before[file] ?? "";
    const a = after[file]!;
    const consts = constantsOnlyChange(file, b, a);
    if (consts && consts.length > 0) {
      for (const c of consts) {
        constants.push(`${c.name} ${c.from} → ${c.to}`);
        settings.push(`sets ${c.name} from ${c.from} to ${c.to}`);
      }
      continue;
    }
    const { added, removed } = changedLines(b, a);
    const nonblank = added.filter((l) => l.trim() !== "");
    if (added.length === 1 && removed === 1 && nonblank.length === 1) code.push(`${file}: ${nonblank[0]!.trim()}`);
    else code.push(`${file}: ${added.length} line${added.length === 1 ? "" : "s"} for ${removed}`);
  }
  const parts = [...constants, ...code];
  const title = parts.length ? clip(parts.join(", "), MAX_TITLE) : clip(proposed ?? "", MAX_TITLE);
  const what = [...settings, ...code.map((c) => `changes ${c}`)].join("; ");
  const whose = proposed === null ? "A human's proposal" : `A human's edit of the proposal "${clip(proposed, MAX_TITLE)}"`;
  // A sentence ends once: a JavaScript line's own ";" (or a "." or ":") is not followed by another stop.
  const hypothesis = `${whose}${what ? `: it ${what}` : ""}`.replace(/[.;:,]+$/, "") + ".";
  return { title, hypothesis };
}
