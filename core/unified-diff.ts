/**
 * Git-style unified diffs of whole file contents, for exports built from stored snapshots (the web runs no git).
 * Pure. `git apply` and `git am` accept what this writes; the tests check that with real git.
 */
import { structuredPatch } from "diff";

/** A file's change: null before means it was added, null after that it was deleted. */
export interface FileChange {
  before: string | null;
  after: string | null;
}

/** One file's `diff --git` section (empty when nothing changed). `path` is relative to the repository root. */
export function fileDiff(path: string, change: FileChange): string {
  const { before, after } = change;
  if (before === after) return "";
  const head = [`diff --git a/${path} b/${path}`];
  if (before === null) head.push("new file mode 100644");
  if (after === null) head.push("deleted file mode 100644");
  head.push(before === null ? "--- /dev/null" : `--- a/${path}`, after === null ? "+++ /dev/null" : `+++ b/${path}`);
  const patch = structuredPatch(path, path, before ?? "", after ?? "", undefined, undefined, { context: 3 });
  const hunks = patch.hunks.map((h) => {
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart; // git writes -0,0 for an empty side
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    return [`@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`, ...h.lines].join("\n");
  });
  return `${[...head, ...hunks].join("\n")}\n`;
}

/** Every changed file of a tree, in path order. `prefix` is the workspace's folder in the repository ("" at its root). */
export function treeDiff(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>, prefix = ""): string {
  const files = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const at = (file: string) => (prefix ? `${prefix.replace(/\/+$/, "")}/${file}` : file);
  return files.map((f) => fileDiff(at(f), { before: before[f] ?? null, after: after[f] ?? null })).join("");
}
