/**
 * What the gate knows about one version of a source file: its statements, imports (and which come from
 * protected modules), the variables the summary prints the metric from, and the variables that hold training
 * time. The rules compare these facts between the parent's version and the candidate's. Pure.
 */
import path from "node:path";
import { bindingOf, chainsIn, importsOf, type Chain, type ImportBinding } from "../code/names";
import { statementsOf, type Statement } from "../code/statements";
import type { Language, Token } from "../code/tokenize";
import { SUMMARY_KEYS, TIME_CALLS, matchesName } from "./capabilities";

export interface FactsOptions {
  file: string;
  protectedFiles: readonly string[];
  metricName: string;
  budgetNames: readonly string[];
}

export interface FileFacts {
  lang: Language;
  statements: Statement[];
  imports: ImportBinding[];
  /** Local names bound to protected modules or their members, with the file they come from. */
  protectedLocals: Map<string, string>;
  metricVars: Set<string>;
  timingVars: Set<string>;
  budgetNames: Set<string>;
}

/** Names that are globals of the language, matched even when nothing imports them. */
const BARE_GLOBALS = [
  "eval",
  "exec",
  "compile",
  "__import__",
  "globals",
  "locals",
  "vars",
  "Function",
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "process",
  "print",
  "builtins",
  "__builtins__",
  "console",
  "Date",
  "performance",
  "setattr",
  "delattr",
  "Object",
  "Reflect",
];

/** The module file an import names, relative to the workspace, if it is one of `files`. */
export function moduleFile(module: string, fromFile: string, lang: Language, files: readonly string[]): string | null {
  const dir = path.posix.dirname(fromFile);
  const candidates: string[] = [];
  if (lang === "python") {
    const dots = /^\.*/.exec(module)![0].length;
    const rel = module.slice(dots).split(".").join("/");
    const base = dots ? path.posix.join(dir, ...Array<string>(dots - 1).fill("..")) : "";
    for (const root of dots ? [base] : ["", dir]) candidates.push(path.posix.join(root, `${rel}.py`), path.posix.join(root, rel, "__init__.py"));
  } else if (module.startsWith("./") || module.startsWith("../")) {
    const p = path.posix.join(dir, module);
    candidates.push(p, ...[".js", ".mjs", ".cjs", ".ts"].map((ext) => p + ext));
  }
  return candidates.map((c) => path.posix.normalize(c)).find((c) => files.includes(c)) ?? null;
}

/** A chain's qualified name through the imports (`sp.run` → subprocess.run), or null for a local name. */
export function qualify(chain: Chain, facts: Pick<FileFacts, "imports">): string | null {
  const root = chain.path[0]!;
  const imp = facts.imports.find((i) => i.local === root);
  if (imp) {
    const module = imp.module.replace(/^node:/, "");
    return [module, ...(imp.name && imp.name !== "default" ? [imp.name] : []), ...chain.path.slice(1)].join(".");
  }
  const name = chain.path.join(".");
  return BARE_GLOBALS.some((g) => matchesName(name, g)) ? name : null;
}

export function isSummaryString(value: string, metricName: string): boolean {
  const keys = new Set([...SUMMARY_KEYS, metricName]);
  if (value.trim() === metricName) return true;
  return value.split(/\n|\\n/).some((l) => l.trim() === "---" || keys.has(/^\s*([A-Za-z_][\w./-]*)\s*:/.exec(l)?.[1] ?? ""));
}

function mentionsMetric(value: string, metricName: string): boolean {
  return value.trim() === metricName || value.split(/\n|\\n/).some((l) => new RegExp(`^\\s*${metricName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*:`).test(l));
}

export function timeCallsIn(tokens: readonly Token[], facts: Pick<FileFacts, "imports">): Chain[] {
  return chainsIn(tokens).filter((c) => c.called && TIME_CALLS.some((t) => qualify(c, facts) === t));
}

/** The roots a statement reads as variables (not the functions it calls by a bare name). */
export function variablesIn(tokens: readonly Token[]): string[] {
  return chainsIn(tokens)
    .filter((c) => !(c.called && c.path.length === 1))
    .map((c) => c.path[0]!);
}

const NOT_ARITHMETIC = new Set(["*", "/", "//", "%", "**", "@"]);

export function fileFacts(source: string, lang: Language, o: FactsOptions): FileFacts {
  const statements = statementsOf(source, lang);
  const imports = statements.flatMap((s) => importsOf(s, lang));
  const protectedLocals = new Map<string, string>();
  for (const imp of imports) {
    const file = moduleFile(imp.module, o.file, lang, o.protectedFiles);
    if (file && imp.local) protectedLocals.set(imp.local, file);
  }
  const base = { imports };
  const metricVars = new Set<string>();
  for (const st of statements) {
    if (!st.tokens.some((t) => t.kind === "string" && mentionsMetric(t.value ?? "", o.metricName))) continue;
    // Local variables only: an import or a global (print, console) is not where the value comes from.
    for (const v of variablesIn(st.tokens)) if (qualify({ path: [v], line: 0, called: false, index: 0 }, base) === null) metricVars.add(v);
  }
  const budgetNames = new Set(o.budgetNames.filter((n) => imports.some((i) => i.local === n) || statements.some((s) => bindingOf(s)?.targets.some((t) => t.path.join(".") === n))));
  for (const imp of imports) if (imp.name && o.budgetNames.includes(imp.name)) budgetNames.add(imp.local);
  // Training time flows from clock reads through sums and differences (t1 - t0, total += dt); a value that
  // multiplies, divides or calls something else (progress, the LR schedule) is derived from time, not time.
  const timingVars = new Set<string>();
  for (let pass = 0; pass < 5; pass++) {
    const size = timingVars.size;
    for (const st of statements) {
      const b = bindingOf(st);
      if (!b || (b.kind !== "assign" && b.kind !== "augmented")) continue;
      const clock = timeCallsIn(b.value, base).length > 0;
      const otherCalls = chainsIn(b.value).some((c) => c.called && !TIME_CALLS.includes(qualify(c, base) ?? ""));
      const fromTime = variablesIn(b.value).some((v) => timingVars.has(v)) && !otherCalls && !b.value.some((t) => t.kind === "op" && NOT_ARITHMETIC.has(t.text));
      if (clock || fromTime) for (const t of b.targets) if (t.path.length === 1) timingVars.add(t.path[0]!);
    }
    if (timingVars.size === size) break;
  }
  return { lang, statements, imports, protectedLocals, metricVars, timingVars, budgetNames };
}
