/**
 * Top-level constants of a training script, one assignment per line: Python's `LR = 0.04` (annotated or not),
 * JavaScript's `const LR = 0.04;`. Their values are the script's hyperparameters, by autoresearch's convention.
 */
const CONSTANT = /^(?:(?:export\s+)?(?:const|let|var)\s+)?([A-Z][A-Z0-9_]*)\s*(?::\s*[\w.[\], ]+)?=(?!=)\s*(.*?)\s*;?\s*(?:(?:#|\/\/).*)?$/;

export interface TopLevelConstant {
  name: string;
  /** The value as written. */
  value: string;
  /** 1-based. */
  line: number;
}

/** The constant a line assigns, or null when the line is anything else (indented lines are not top level). */
export function constantOnLine(line: string): { name: string; value: string } | null {
  const m = CONSTANT.exec(line);
  return m ? { name: m[1]!, value: m[2]! } : null;
}

/** Every top-level constant of a file, in order; a name assigned twice keeps its last value. */
export function topLevelConstants(source: string): TopLevelConstant[] {
  const byName = new Map<string, TopLevelConstant>();
  source.split("\n").forEach((text, i) => {
    const c = constantOnLine(text);
    if (c) byName.set(c.name, { ...c, line: i + 1 });
  });
  return [...byName.values()].sort((a, b) => a.line - b.line);
}
