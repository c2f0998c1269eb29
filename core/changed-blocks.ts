/**
 * The top-level blocks a change touches, whole, as they are after the change: a function, a class, a loop at
 * module level, a constant's statement. A reviewer reading three lines of diff context cannot tell what an
 * edited line is inside of; the block can. Pure.
 */
import { structuredPatch } from "diff";
import { statementsOf } from "./code/statements";
import { languageOf } from "./code/tokenize";

export interface ChangedBlock {
  file: string;
  /** 1-based, inclusive, in the file after the change. */
  startLine: number;
  endLine: number;
  text: string;
  /** The block was longer than the limit: only the lines around the change are shown. */
  clipped: boolean;
}

/** Lines of the new file that the change added or next to which it removed lines (1-based). */
export function changedLines(before: string, after: string): number[] {
  const lines = new Set<number>();
  const lineCount = after.split("\n").length;
  for (const h of structuredPatch("a", "b", before, after, undefined, undefined, { context: 0 }).hunks) {
    const added = h.lines.filter((l) => l.startsWith("+")).length;
    if (added === 0) lines.add(Math.min(Math.max(h.newStart, 1), lineCount));
    for (let i = 0; i < added; i++) lines.add(h.newStart + i);
  }
  return [...lines].sort((a, b) => a - b);
}

/** The lines a change removed, each with the line of the new text it was next to. */
export function removedLines(before: string, after: string): { text: string; near: number }[] {
  const out: { text: string; near: number }[] = [];
  for (const h of structuredPatch("a", "b", before, after, undefined, undefined, { context: 0 }).hunks) {
    for (const l of h.lines) if (l.startsWith("-")) out.push({ text: l.slice(1), near: Math.max(1, h.newStart) });
  }
  return out;
}

/** [start, end] line spans of the file's top-level statements with what they enclose. */
export function topLevelSpans(source: string, file: string): [number, number][] | null {
  const lang = languageOf(file);
  if (!lang) return null;
  let statements: ReturnType<typeof statementsOf>;
  try {
    statements = statementsOf(source, lang);
  } catch {
    return null; // a file the tokenizer cannot read: fall back to lines around the change
  }
  const lines = source.split("\n");
  const tops = statements.filter((s) => s.depth === 0);
  const spans: [number, number][] = [];
  let decorated: number | null = null; // a Python decorator's line: it belongs to the definition below it
  tops.forEach((s, i) => {
    let end = i + 1 < tops.length ? tops[i + 1]!.line - 1 : lines.length;
    while (end > s.endLine && !lines[end - 1]!.trim()) end--;
    if (s.tokens[0]?.text === "@") {
      decorated ??= s.line;
      return;
    }
    // Comments directly above belong to the block.
    let start = decorated ?? s.line;
    const above = spans.at(-1)?.[1] ?? 0;
    while (start - 1 > above && /^\s*(#|\/\/)/.test(lines[start - 2]!)) start--;
    spans.push([start, Math.max(end, s.endLine)]);
    decorated = null;
  });
  return spans;
}

export function changedBlocks(file: string, before: string, after: string, maxLines = 200): ChangedBlock[] {
  const touched = changedLines(before, after);
  if (touched.length === 0) return [];
  const lines = after.split("\n");
  const spans = topLevelSpans(after, file) ?? [];
  const picked: [number, number][] = [];
  for (const line of touched) {
    const span = spans.find(([s, e]) => line >= s && line <= e) ?? [Math.max(1, line - 20), Math.min(lines.length, line + 20)];
    const last = picked.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else picked.push([span[0], span[1]]);
  }
  return picked.map(([start, end]) => {
    if (end - start + 1 <= maxLines) return { file, startLine: start, endLine: end, text: lines.slice(start - 1, end).join("\n"), clipped: false };
    // Too long to show whole: the lines around each change inside it, up to the limit.
    const inside = touched.filter((l) => l >= start && l <= end);
    const from = Math.max(start, inside[0]! - 40);
    const to = Math.min(end, Math.max(inside.at(-1)! + 40, from + maxLines - 1), from + maxLines - 1);
    return { file, startLine: from, endLine: to, text: lines.slice(from - 1, to).join("\n"), clipped: true };
  });
}
