/**
 * What an experiment tried, read from its own change: the top-level constants whose values it changed and the
 * definitions (functions, classes) whose bodies it touched. Experiments group by it ("LR", "attention()")
 * without anyone labelling them. Pure.
 */
import { changedLines, topLevelSpans } from "./changed-blocks";
import { topLevelConstants } from "./constants";

export interface ChangeAxis {
  /** Constants whose value differs, by name (file-qualified as `file:NAME` when the change spans files). */
  constants: string[];
  /** Definitions whose lines changed, as `name()` for functions and `Name` for classes; `module` for other top-level code. */
  blocks: string[];
}

const DEFINITION = /^\s*(?:export\s+)?(?:async\s+)?(?:def|function\*?|class)\s+([A-Za-z_$][\w$]*)/;
const ARROW = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/;

function blockName(lines: string[], start: number, end: number): string | null {
  for (let i = start; i <= end; i++) {
    const text = lines[i - 1] ?? "";
    if (!text.trim() || /^\s*(#|\/\/|@)/.test(text)) continue;
    const def = DEFINITION.exec(text);
    if (def) return /^\s*(?:export\s+)?class\b/.test(text) ? def[1]! : `${def[1]}()`;
    const arrow = ARROW.exec(text);
    if (arrow) return `${arrow[1]}()`;
    return null; // a constant's statement or other module-level code
  }
  return null;
}

/** The axis of one file's change. */
export function fileChangeAxis(file: string, before: string | null, after: string | null): ChangeAxis {
  const was = new Map(topLevelConstants(before ?? "").map((c) => [c.name, c.value]));
  const now = new Map(topLevelConstants(after ?? "").map((c) => [c.name, c.value]));
  const constants = [...new Set([...was.keys(), ...now.keys()])].filter((n) => was.get(n) !== now.get(n));
  if (before === null || after === null) return { constants: constants.sort(), blocks: [before === null ? "new file" : "deleted file"] };
  const lines = after.split("\n");
  const spans = topLevelSpans(after, file) ?? [];
  const blocks = new Set<string>();
  for (const line of changedLines(before, after)) {
    const span = spans.find(([s, e]) => line >= s && line <= e);
    const name = span ? blockName(lines, span[0], span[1]) : null;
    if (name) blocks.add(name);
    else if (!constants.some((c) => lineAssigns(lines[line - 1] ?? "", c)) && (lines[line - 1] ?? "").trim()) blocks.add("module");
  }
  return { constants: constants.sort(), blocks: [...blocks].sort() };
}

function lineAssigns(text: string, name: string): boolean {
  return new RegExp(`^(?:(?:export\\s+)?(?:const|let|var)\\s+)?${name}\\b`).test(text);
}

/** The axis of a change to several files; names are file-qualified when more than one file changed. */
export function changeAxis(changes: Readonly<Record<string, { before: string | null; after: string | null }>>): ChangeAxis {
  const files = Object.keys(changes).sort();
  const qualify = files.length > 1;
  const constants: string[] = [];
  const blocks: string[] = [];
  for (const f of files) {
    const a = fileChangeAxis(f, changes[f]!.before, changes[f]!.after);
    constants.push(...a.constants.map((c) => (qualify ? `${f}:${c}` : c)));
    blocks.push(...a.blocks.map((b) => (qualify ? `${f}:${b}` : b)));
  }
  return { constants, blocks };
}

/** One line for a table cell: "LR, WARMUP · attention()". */
export function axisText(axis: ChangeAxis): string {
  return [axis.constants.join(", "), axis.blocks.join(", ")].filter(Boolean).join(" · ");
}
