/**
 * What a statement names and binds: dotted name chains (`os.environ.get`), the names an assignment or a
 * definition binds, and the imports of a file. Both languages; the gate resolves chains through the imports to
 * know that `sp.run` is `subprocess.run`. Pure.
 */
import type { Statement } from "./statements";
import type { Language, Token } from "./tokenize";

const KEYWORDS = new Set([
  // Python
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
  // JavaScript
  "const",
  "let",
  "var",
  "function",
  "new",
  "typeof",
  "instanceof",
  "of",
  "this",
  "null",
  "undefined",
  "true",
  "false",
  "do",
  "switch",
  "case",
  "default",
  "throw",
  "catch",
  "void",
  "delete",
  "export",
  "extends",
  "static",
  "get",
  "set",
]);

export interface Chain {
  path: string[];
  line: number;
  /** Followed by `(`: a call. */
  called: boolean;
  /** Index of the chain's first token in the statement. */
  index: number;
}

/** Every dotted chain of names in the tokens that does not itself follow a `.` (`a.b(c.d)` → a.b, c.d). */
export function chainsIn(tokens: readonly Token[]): Chain[] {
  const out: Chain[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    if (t.kind !== "name" || KEYWORDS.has(t.text) || (prev?.kind === "op" && (prev.text === "." || prev.text === "?."))) continue;
    const path = [t.text];
    let j = i + 1;
    while (tokens[j]?.kind === "op" && (tokens[j]!.text === "." || tokens[j]!.text === "?.") && tokens[j + 1]?.kind === "name") {
      path.push(tokens[j + 1]!.text);
      j += 2;
    }
    out.push({ path, line: t.line, called: tokens[j]?.text === "(", index: i });
  }
  return out;
}

const ASSIGN_OPS = new Set(["=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", ">>>=", "&=", "|=", "^=", "@=", "??=", "||=", "&&=", ":="]);

export interface Binding {
  /** The chains that receive a value (`a.b[i] = …` → a.b). */
  targets: Chain[];
  /** The tokens of the value, or of the whole definition. */
  value: Token[];
  kind: "assign" | "augmented" | "definition" | "delete";
}

/** Depth-0 positions of tokens satisfying `is`, brackets and braces nesting. */
function topLevel(tokens: readonly Token[], is: (t: Token) => boolean): number[] {
  const out: number[] = [];
  let depth = 0;
  tokens.forEach((t, i) => {
    if (t.kind === "op" && "([{".includes(t.text)) depth++;
    else if (t.kind === "op" && ")]}".includes(t.text)) depth--;
    else if (depth === 0 && is(t)) out.push(i);
  });
  return out;
}

/** Chains in a target: those at depth 0, and every name of a destructuring pattern that starts the target. */
function targetChains(tokens: Token[]): Chain[] {
  let region = tokens;
  while (region[0] && /^(const|let|var|export)$/.test(region[0].text)) region = region.slice(1);
  const pattern = region[0]?.kind === "op" && "[{(".includes(region[0].text);
  if (pattern) return chainsIn(region).filter((c) => region[c.index + c.path.length * 2 - 1]?.text !== ":");
  const atDepth0 = new Set(topLevel(region, (t) => t.kind === "name"));
  // Python's annotation `x: int = 5` names only x.
  const colon = topLevel(region, (t) => t.text === ":")[0];
  return chainsIn(region).filter((c) => atDepth0.has(c.index) && (colon === undefined || c.index < colon));
}

/** What the statement binds, or null when it binds nothing. Imports are read by importsOf. */
export function bindingOf(st: Statement): Binding | null {
  const t = st.tokens;
  const first = t[0]?.text;
  const defName = (i: number) => (t[i]?.kind === "name" ? [{ path: [t[i]!.text], line: t[i]!.line, called: false, index: i }] : []);
  if (first === "def" || first === "class" || first === "function") return { targets: defName(1), value: t, kind: "definition" };
  if (first === "async" && (t[1]?.text === "def" || t[1]?.text === "function")) return { targets: defName(2), value: t, kind: "definition" };
  if (first === "del" || first === "delete") return { targets: chainsIn(t.slice(1)).map((c) => ({ ...c, index: c.index + 1 })), value: [], kind: "delete" };
  if (first === "global" || first === "nonlocal") return { targets: chainsIn(t.slice(1)), value: [], kind: "definition" };
  if (first === "import" || first === "from") return null;
  // JavaScript declarations may bind several names: `let a = 1, b = 2`.
  if (first === "const" || first === "let" || first === "var") {
    const commas = topLevel(t, (x) => x.text === ",");
    const parts: Token[][] = [];
    let from = 1;
    for (const c of [...commas, t.length]) {
      parts.push(t.slice(from, c));
      from = c + 1;
    }
    const targets: Chain[] = [];
    const value: Token[] = [];
    for (const part of parts) {
      const eq = topLevel(part, (x) => x.text === "=")[0];
      targets.push(...targetChains(eq === undefined ? part : part.slice(0, eq)));
      if (eq !== undefined) value.push(...part.slice(eq + 1));
    }
    return { targets, value, kind: "assign" };
  }
  const ops = topLevel(t, (x) => x.kind === "op" && ASSIGN_OPS.has(x.text));
  if (!ops.length) return null;
  const last = ops.at(-1)!;
  const targets: Chain[] = [];
  let from = 0;
  for (const op of ops) {
    targets.push(...targetChains(t.slice(from, op)).map((c) => ({ ...c, index: c.index + from })));
    from = op + 1;
  }
  return { targets, value: t.slice(last + 1), kind: t[last]!.text === "=" ? "assign" : "augmented" };
}

export interface ImportBinding {
  /** The local name it binds ("*" for a star import). */
  local: string;
  module: string;
  /** The imported member, or null when the local is the module itself. */
  name: string | null;
  line: number;
}

/** The imports a statement makes (Python `import`/`from`, JavaScript `import` and `require`). */
export function importsOf(st: Statement, lang: Language): ImportBinding[] {
  const t = st.tokens;
  const line = st.line;
  const out: ImportBinding[] = [];
  if (lang === "python") {
    if (t[0]?.text === "import") {
      for (const part of splitTop(t.slice(1))) {
        const as = part.findIndex((x) => x.text === "as");
        const dotted = (as < 0 ? part : part.slice(0, as)).map((x) => x.text).join("");
        out.push({ local: as < 0 ? dotted.split(".")[0]! : part[as + 1]!.text, module: as < 0 ? dotted.split(".")[0]! : dotted, name: null, line });
      }
    } else if (t[0]?.text === "from") {
      const imp = t.findIndex((x) => x.text === "import");
      const module = t
        .slice(1, imp)
        .map((x) => x.text)
        .join("");
      for (const part of splitTop(t.slice(imp + 1).filter((x) => x.text !== "(" && x.text !== ")"))) {
        const as = part.findIndex((x) => x.text === "as");
        const name = part[0]?.text ?? "";
        out.push({ local: as < 0 ? name : part[as + 1]!.text, module, name: name === "*" ? null : name, line });
      }
    }
    return out;
  }
  const fromIdx = t.findIndex((x, i) => x.text === "from" && t[i + 1]?.kind === "string");
  if (t[0]?.text === "import" && t[1]?.kind === "string") return [{ local: "", module: t[1].value ?? "", name: null, line }];
  if ((t[0]?.text === "import" || t[0]?.text === "export") && fromIdx > 0) {
    const module = t[fromIdx + 1]!.value ?? "";
    const clause = t.slice(1, fromIdx);
    for (let i = 0; i < clause.length; i++) {
      const x = clause[i]!;
      if (x.text === "*" && clause[i + 1]?.text === "as") out.push({ local: clause[i + 2]!.text, module, name: null, line });
      else if (x.kind === "name" && x.text !== "as" && clause[i - 1]?.text !== "as" && !KEYWORDS.has(x.text)) {
        const inBraces = clause.slice(0, i).some((c) => c.text === "{") && !clause.slice(0, i).some((c) => c.text === "}");
        const local = clause[i + 1]?.text === "as" ? clause[i + 2]!.text : x.text;
        out.push({ local, module, name: inBraces ? x.text : "default", line });
      }
    }
    return out;
  }
  // require("m") and import("m") anywhere in the statement bind what the statement assigns.
  for (let i = 0; i < t.length; i++) {
    if ((t[i]!.text === "require" || t[i]!.text === "import") && t[i + 1]?.text === "(" && t[i + 2]?.kind === "string") {
      const module = t[i + 2]!.value ?? "";
      const binding = bindingOf(st);
      const targets = binding?.targets ?? [];
      if (!targets.length) out.push({ local: "", module, name: null, line });
      for (const target of targets) out.push({ local: target.path[0]!, module, name: null, line });
    }
  }
  return out;
}

function splitTop(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  for (const x of tokens) {
    if (x.text === ",") parts.push([]);
    else parts.at(-1)!.push(x);
  }
  return parts.filter((p) => p.length);
}
