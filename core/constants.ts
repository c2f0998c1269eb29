/**
 * Top-level constants of a training script, one assignment per line: Python's `LR = 0.04` (annotated or not),
 * JavaScript's `const LR = 0.04;`. Their values are the script's hyperparameters, by autoresearch's convention.
 */
// What the regex `^(?:(?:export\s+)?(?:const|let|var)\s+)?([A-Z][A-Z0-9_]*)\s*(?::\s*[\w.[\], ]+)?=(?!=)\s*(.*?)\s*;?\s*(?:(?:#|\/\/).*)?$`
// accepts, read in one pass: that regex backtracked cubically over a run of spaces in a value and quadratically
// in an annotation, so a proposer's line could hang whatever parses the script (the gate, the runner, the report).
// core/constants.test.ts checks that both give the same on generated lines.
const NAME = /^(?:(?:export\s+)?(?:const|let|var)\s+)?([A-Z][A-Z0-9_]*)/;
const TERMINATOR = /[\n\r\u2028\u2029]/;
const SPACE = /\s/;
/** A type annotation's characters: `int`, `list[float]`, `tuple[int, int]`. */
const ANNOTATION = /[\w.[\], ]/;

/** `:\s*[\w.[\], ]+`'s body: whitespace, then one or more annotation characters. */
function isAnnotation(x: string): boolean {
  let last = -1; // the last character that is not an annotation character: it and all before it must be whitespace
  for (let i = x.length - 1; i >= 0; i--) {
    if (!ANNOTATION.test(x[i]!)) {
      last = i;
      break;
    }
  }
  if (last === x.length - 1) return false;
  for (let i = 0; i <= last; i++) if (!SPACE.test(x[i]!)) return false;
  return true;
}

/** `\s*(.*?)\s*;?\s*(?:(?:#|\/\/).*)?$` over what follows `=`: the value, or null when it does not match. */
function assignedValue(rest: string): string | null {
  const n = rest.length;
  const nextSolid = new Int32Array(n + 1); // the first index at or after i that is not whitespace
  nextSolid[n] = n;
  for (let i = n - 1; i >= 0; i--) nextSolid[i] = SPACE.test(rest[i]!) ? nextSolid[i + 1]! : i;
  let lastTerminator = -1;
  for (let i = 0; i < n; i++) if (TERMINATOR.test(rest[i]!)) lastTerminator = i;
  const start = nextSolid[0]!;
  // The value (`.`) holds no line terminator; the shortest one whose remainder is the tail wins.
  for (let end = start; end <= n; end++) {
    let k = nextSolid[end]!;
    if (rest[k] === ";") k = nextSolid[k + 1]!;
    if (k === n || ((rest[k] === "#" || rest.startsWith("//", k)) && k > lastTerminator)) return rest.slice(start, end);
    if (end < n && TERMINATOR.test(rest[end]!)) return null;
  }
  return null;
}

/** The name and the value an assignment line gives, or null. */
function parseConstant(line: string): { name: string; value: string } | null {
  const m = NAME.exec(line);
  if (!m) return null;
  let i = m[0].length;
  while (i < line.length && SPACE.test(line[i]!)) i++;
  if (line[i] === ":") {
    const eq = line.indexOf("=", i + 1);
    if (eq < 0 || !isAnnotation(line.slice(i + 1, eq))) return null;
    i = eq;
  }
  if (line[i] !== "=" || line[i + 1] === "=") return null;
  const value = assignedValue(line.slice(i + 1));
  return value === null ? null : { name: m[1]!, value };
}

export interface TopLevelConstant {
  name: string;
  /** The value as written. */
  value: string;
  /** 1-based. */
  line: number;
}

/** The constant a line assigns, or null when the line is anything else (indented lines are not top level). */
export function constantOnLine(line: string): { name: string; value: string } | null {
  return parseConstant(line);
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
