/** Applying a proposal's edits to file contents. Pure: an edit that does not apply is a value with the reason. */
import type { FileEdit } from "./types";

export type EditResult = { ok: true; files: Record<string, string> } | { ok: false; error: string };

export function applyEdits(files: Readonly<Record<string, string>>, edits: readonly FileEdit[]): EditResult {
  if (edits.length === 0) return { ok: false, error: "the proposal has no edits" };
  const out = { ...files };
  for (const [i, e] of edits.entries()) {
    const content = out[e.file];
    if (content === undefined) return { ok: false, error: `edit ${i + 1}: ${e.file} is not one of the editable files (${Object.keys(files).join(", ")})` };
    if (e.old === "") return { ok: false, error: `edit ${i + 1}: "old" is empty; quote the exact text to replace` };
    const at = content.indexOf(e.old);
    if (at < 0) return { ok: false, error: `edit ${i + 1}: the text to replace was not found in ${e.file}: ${JSON.stringify(e.old.slice(0, 120))}` };
    if (content.indexOf(e.old, at + 1) >= 0) return { ok: false, error: `edit ${i + 1}: the text to replace occurs more than once in ${e.file}; quote more context` };
    out[e.file] = content.slice(0, at) + e.new + content.slice(at + e.old.length);
  }
  if (Object.keys(out).every((f) => out[f] === files[f])) return { ok: false, error: "the edits change nothing" };
  return { ok: true, files: out };
}
