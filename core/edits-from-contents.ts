/**
 * The edits that turn one version of the files into another: how a human's edit in the diff editor becomes a
 * proposal's edits again, so it can be rebuilt on a newer best like any other. Pure.
 */
import type { FileEdit } from "./types";

export type EditsFromContents = { ok: true; edits: FileEdit[] } | { ok: false; error: string };

const lines = (s: string) => (s === "" ? [] : s.split(/(?<=\n)/));

/**
 * One edit per changed file: the span from its first to its last changed line, widened a line at a time
 * (before, then after) until the text it replaces occurs exactly once in the file, as applyEdits requires.
 */
export function editsFromContents(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): EditsFromContents {
  const edits: FileEdit[] = [];
  for (const file of Object.keys(after).sort()) {
    const b = before[file];
    const a = after[file]!;
    if (b === undefined) return { ok: false, error: `${file} is not one of the experiment's files; only its changed files can be edited` };
    if (a === b) continue;
    if (b === "") return { ok: false, error: `${file} was empty before the change, so no edit can be anchored in it` };
    const bl = lines(b);
    const al = lines(a);
    let head = 0;
    while (head < bl.length && head < al.length && bl[head] === al[head]) head++;
    let tail = 0;
    while (tail < bl.length - head && tail < al.length - head && bl[bl.length - 1 - tail] === al[al.length - 1 - tail]) tail++;
    const span = () => ({ old: bl.slice(head, bl.length - tail).join(""), new: al.slice(head, al.length - tail).join("") });
    const unique = (old: string) => old !== "" && b.indexOf(old) === b.lastIndexOf(old);
    for (let widenBefore = true; !unique(span().old); widenBefore = !widenBefore) {
      if (widenBefore && head > 0) head--;
      else if (tail > 0) tail--;
      else if (head > 0) head--;
    }
    edits.push({ file, ...span() });
  }
  if (edits.length === 0) return { ok: false, error: "the edited files are the same as before the change: reject the experiment instead" };
  return { ok: true, edits };
}
