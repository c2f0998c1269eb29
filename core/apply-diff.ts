/**
 * Applying a unified diff (git's or `diff -u`'s) to files given as text: the files it names, then each one's
 * content before and after, with added and deleted files. For the gate, which judges a diff against the current
 * code. Pure: the caller reads the files.
 */
import path from "node:path";
import { applyPatch, parsePatch, type StructuredPatch } from "diff";

export interface DiffFiles {
  /** Workspace-relative paths, in the diff's order. */
  files: string[];
  patches: { file: string; patch: StructuredPatch; added: boolean; deleted: boolean }[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function cleanPath(name: string | undefined, prefix: string): string | null {
  if (!name || name === "/dev/null") return null;
  const p = name.split("\t")[0]!.replace(/^[ab]\//, "");
  return prefix && p.startsWith(`${prefix}/`) ? p.slice(prefix.length + 1) : p;
}

/** The files a diff changes. prefix: the workspace's folder inside the repository, stripped from paths. */
export function parseDiffFiles(diff: string, prefix = ""): Parsed<DiffFiles> {
  let patches: StructuredPatch[];
  try {
    patches = parsePatch(diff.replace(/\r\n/g, "\n"));
  } catch (e) {
    return { ok: false, error: `not a unified diff: ${e instanceof Error ? e.message : String(e)}` };
  }
  const out: DiffFiles = { files: [], patches: [] };
  for (const patch of patches) {
    const oldName = cleanPath(patch.oldFileName, prefix);
    const newName = cleanPath(patch.newFileName, prefix);
    const file = newName ?? oldName;
    if (!file) continue;
    if (path.posix.isAbsolute(file) || path.posix.normalize(file).startsWith("..")) return { ok: false, error: `the diff names ${file}, outside the workspace: paths must be relative to it` };
    out.files.push(file);
    out.patches.push({ file, patch, added: oldName === null, deleted: newName === null });
  }
  if (!out.files.length || out.patches.every((p) => p.patch.hunks.length === 0)) {
    return { ok: false, error: "the input holds no file changes: pass a unified diff, as `git diff` writes it" };
  }
  return { ok: true, value: out };
}

/** Applies the parsed diff to `current` (null: the file does not exist); every hunk must apply. */
export function applyDiffFiles(parsed: DiffFiles, current: Readonly<Record<string, string | null>>): Parsed<{ before: Record<string, string>; after: Record<string, string> }> {
  const before: Record<string, string> = {};
  const after: Record<string, string> = {};
  for (const { file, patch, added, deleted } of parsed.patches) {
    const text = current[file] ?? null;
    if (added && text !== null) return { ok: false, error: `the diff adds ${file}, which already exists` };
    if (!added && text === null) return { ok: false, error: `the diff changes ${file}, which does not exist in the workspace` };
    if (text !== null) before[file] = text;
    if (deleted) continue;
    const result = applyPatch(text ?? "", patch);
    if (result === false) return { ok: false, error: `the diff does not apply to ${file}: it was made against other code (update the workspace or regenerate the diff)` };
    after[file] = result;
  }
  return { ok: true, value: { before, after } };
}
