/**
 * Turns a unified diff (as `git diff` or `diff -u` writes it) into search-and-replace edits: each hunk's context
 * and removed lines are the text to find, its context and added lines the replacement. Pure.
 */
import type { FileEdit } from "./types";

export type DiffParse = { ok: true; edits: FileEdit[]; files: string[] } | { ok: false; error: string };

/** prefix: the workspace's folder inside the repository ("" at the root), stripped from paths. */
export function diffToEdits(diff: string, prefix = ""): DiffParse {
  const lines = diff.replace(/\r\n/g, "\n").split("\n");
  const edits: FileEdit[] = [];
  const files = new Set<string>();
  let file: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("+++ ")) {
      const target = line.slice(4).split("\t")[0]!.trim();
      if (target === "/dev/null") return { ok: false, error: "the diff deletes a file; only changes to existing editable files are accepted" };
      const p = target.replace(/^[ab]\//, "");
      file = prefix && p.startsWith(`${prefix}/`) ? p.slice(prefix.length + 1) : p;
      files.add(file);
      continue;
    }
    if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) {
      if (line.includes("/dev/null")) return { ok: false, error: "the diff adds a file; only changes to existing editable files are accepted" };
      continue;
    }
    if (!line.startsWith("@@")) continue;
    if (!file) return { ok: false, error: "a hunk comes before any +++ file header" };
    const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (!m) return { ok: false, error: `malformed hunk header: ${line}` };
    let oldLeft = m[1] === undefined ? 1 : Number(m[1]);
    let newLeft = m[2] === undefined ? 1 : Number(m[2]);
    const oldText: string[] = [];
    const newText: string[] = [];
    while ((oldLeft > 0 || newLeft > 0) && i + 1 < lines.length) {
      const l = lines[++i]!;
      if (l.startsWith("\\")) continue; // "\ No newline at end of file"
      const body = l.slice(1);
      if (l.startsWith(" ") || l === "") {
        oldText.push(body);
        newText.push(body);
        oldLeft--;
        newLeft--;
      } else if (l.startsWith("-")) {
        oldText.push(body);
        oldLeft--;
      } else if (l.startsWith("+")) {
        newText.push(body);
        newLeft--;
      } else return { ok: false, error: `unexpected line in a hunk of ${file}: ${l}` };
    }
    if (oldLeft !== 0 || newLeft !== 0) return { ok: false, error: `a hunk of ${file} is shorter than its header says` };
    if (oldText.length === 0) return { ok: false, error: `a hunk of ${file} has no context to anchor it` };
    edits.push({ file, old: `${oldText.join("\n")}\n`, new: `${newText.join("\n")}\n` });
  }
  if (edits.length === 0) return { ok: false, error: "no hunks found: paste a unified diff (git diff)" };
  return { ok: true, edits, files: [...files] };
}
