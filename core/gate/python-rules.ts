/**
 * Rules over the facts CPython itself reads from a Python file (runner/gate/python_facts.py): what a change adds
 * that the parent did not have — source tricks, bindings of protected or output names, writes to modules,
 * introspection, imports outside the allowlist, file and descriptor writes — and whether its constants are
 * literals. Judged by difference: what the parent already did is the researcher's own code. Pure.
 */
import type { RuleId } from "./rules";

export interface PyFacts {
  ok: true;
  tricks: { line: number; kind: string; what: string }[];
  imports: { module: string; name: string | null; alias: string; line: number }[];
  bindings: { name: string; kind: string; line: number; scope: string }[];
  attrWrites: { target: string; line: number; via: string }[];
  calls: { name: string; line: number; strings: string[]; mode: string | null; args: number }[];
  dynamic: { line: number; what: string }[];
  dunders: { line: number; attr: string }[];
  constants: { name: string; line: number; endLine: number; literal: boolean; value: string | null }[];
  functions: { name: string; kind: string; line: number; endLine: number; hash: string }[];
}
export type PyParse = PyFacts | { ok: false; error: string; line: number };

export interface PyFinding {
  rule: RuleId;
  message: string;
  line: number;
}

/** Builtins whose rebinding changes what the script prints, reads, writes or runs. */
const OUTPUT_BUILTINS = new Set(["print", "open", "input", "exec", "eval", "compile", "__import__", "getattr", "setattr", "delattr", "globals", "vars", "locals", "__builtins__", "builtins", "exit", "quit"]);
/** Modules whose attributes, written, change the interpreter for everything else. */
const SYSTEM_MODULES = new Set(["sys", "builtins", "os", "io", "math", "time", "random", "torch", "numpy"]);
const INTROSPECTION_ATTRS = new Set(["__dict__", "__globals__", "__builtins__", "__subclasses__", "__code__", "__closure__", "__defaults__", "__kwdefaults__", "__mro__", "__bases__", "__getattribute__", "__setattr__", "__import__", "__loader__", "__spec__", "f_globals", "f_locals", "f_back", "gi_frame", "tb_frame"]);
const INTROSPECTION_CALLS = [/^(globals|vars|locals)$/, /^gc\.(get_objects|get_referrers|get_referents)$/, /^sys\._getframe$/, /^sys\.(settrace|setprofile|addaudithook|set_asyncgen_hooks)$/, /^(inspect|traceback)\./, /^builtins\./, /^importlib\./];
/** Calls that start, replace or signal processes, or load native code: whatever the name's spelling of the family. */
const PROCESS_CALLS = /^(os\.(system|popen|spawn\w*|exec\w*|fork\w*|posix_spawn\w*|kill\w*|startfile)|subprocess\.\w+|multiprocessing\.\w+|pty\.\w+|ctypes\.\w+|signal\.(kill|pthread_kill)|concurrent\.futures\.ProcessPoolExecutor)$/;
const DESCRIPTOR_CALLS = /^(os\.(write|open|fdopen|dup2?|pipe|writev|sendfile|truncate|ftruncate)|sys\.(stdout|stderr|__stdout__|__stderr__)\.(write|buffer)|io\.(open|FileIO)|atexit\.register|signal\.signal)$/;

/**
 * Modules a candidate may newly import without a human's look: the numerics and the standard library's modules
 * that neither reach the outside nor inspect the interpreter. A workspace adds to it with gate.allowedImports.
 */
export const DEFAULT_ALLOWED_IMPORTS = ["torch", "numpy", "math", "cmath", "random", "statistics", "functools", "itertools", "operator", "collections", "dataclasses", "typing", "enum", "abc", "copy", "heapq", "bisect", "fractions", "decimal", "numbers", "string", "re", "textwrap", "contextlib", "warnings", "time", "einops", "triton", "kernels"];

const keyed = <T>(items: T[], key: (t: T) => string) => {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return counts;
};
/** The items of `after` beyond what `before` had of each key (a multiset difference: lines move, counts matter). */
function added<T>(before: T[], after: T[], key: (t: T) => string): T[] {
  const left = keyed(before, key);
  const out: T[] = [];
  for (const a of after) {
    const k = key(a);
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    else out.push(a);
  }
  return out;
}

const moduleOf = (name: string) => name.replace(/^\.+/, "").split(".")[0]!;

export interface PyRuleContext {
  /** Protected files' module names (prepare.py → prepare). */
  protectedModules: string[];
  allowedImports: string[];
}

export function pythonFindings(before: PyParse | null, after: PyParse, ctx: PyRuleContext): PyFinding[] {
  if (!after.ok) return [{ rule: "unparsable", message: `Python cannot read the changed file (${after.error}, line ${after.line}): it cannot be judged, so a human must`, line: after.line }];
  const b: PyFacts = before && before.ok ? before : { ok: true, tricks: [], imports: [], bindings: [], attrWrites: [], calls: [], dynamic: [], dunders: [], constants: [], functions: [] };
  const out: PyFinding[] = [];
  for (const t of added(b.tricks, after.tricks, (t) => t.kind)) out.push({ rule: "source-trick", message: `${t.what}: refused, whatever the code does`, line: t.line });
  const protectedNames = new Map(b.imports.filter((i) => ctx.protectedModules.includes(moduleOf(i.module))).map((i) => [i.alias, `${i.module}${i.name ? `.${i.name}` : ""}`]));
  for (const i of after.imports) if (ctx.protectedModules.includes(moduleOf(i.module))) protectedNames.set(i.alias, `${i.module}${i.name ? `.${i.name}` : ""}`);
  const importedModules = new Set([...b.imports, ...after.imports].map((i) => i.alias));
  for (const x of added(b.bindings, after.bindings, (x) => `${x.name}|${x.kind}|${x.scope}`)) {
    if (x.kind === "import" && protectedNames.has(x.name)) continue; // importing it is how it is used
    if (x.kind === "argument" && x.scope !== "<module>") {
      // a parameter named like a builtin shadows it inside its function only: still worth a look when it is print or open
      if (OUTPUT_BUILTINS.has(x.name)) out.push({ rule: "builtin-rebind", message: `a parameter of ${x.scope} is named ${x.name}: inside it, ${x.name} is whatever the caller passes`, line: x.line });
      continue;
    }
    const from = protectedNames.get(x.name);
    if (from) out.push({ rule: "protected-patch", message: `${x.kind === "def" || x.kind === "class" ? "redefines" : `binds (${x.kind})`} ${x.name}, which is ${from} from a protected file`, line: x.line });
    else if (OUTPUT_BUILTINS.has(x.name)) out.push({ rule: "builtin-rebind", message: `binds the builtin ${x.name} (${x.kind}${x.scope === "<module>" ? "" : ` in ${x.scope}`}): what the script prints, reads or runs would not be Python's`, line: x.line });
  }
  for (const w of added(b.attrWrites, after.attrWrites, (w) => `${w.target}|${w.via}`)) {
    const head = w.target.split(".")[0]!;
    const protectedFrom = protectedNames.get(head);
    if (protectedFrom) out.push({ rule: "protected-patch", message: `${w.via === "assign" ? "assigns" : w.via} ${w.target}, an attribute of ${protectedFrom} from a protected file`, line: w.line });
    else if (SYSTEM_MODULES.has(head) || (importedModules.has(head) && after.imports.some((i) => i.alias === head && i.name === null))) {
      out.push({ rule: "module-patch", message: `${w.via === "assign" ? "assigns" : w.via} ${w.target}: changes the module ${head} for all code, the harness's included`, line: w.line });
    }
  }
  for (const d of added(b.dynamic, after.dynamic, (d) => d.what)) out.push({ rule: "introspection", message: `${d.what}: it can reach any attribute, protected ones included`, line: d.line });
  for (const d of added(b.dunders, after.dunders, (d) => d.attr)) {
    if (INTROSPECTION_ATTRS.has(d.attr)) out.push({ rule: "introspection", message: `reads ${d.attr}: a way around names, to the interpreter's own tables`, line: d.line });
  }
  const newCalls = added(b.calls, after.calls, (c) => `${c.name}|${c.mode ?? ""}`);
  for (const c of newCalls) {
    if (INTROSPECTION_CALLS.some((re) => re.test(c.name))) out.push({ rule: "introspection", message: `calls ${c.name}: inspects or changes the running interpreter`, line: c.line });
    if (PROCESS_CALLS.test(c.name)) out.push({ rule: "process", message: `calls ${c.name}: starts, replaces or signals a process, outside the run's supervision`, line: c.line });
    if (DESCRIPTOR_CALLS.test(c.name)) out.push({ rule: "filesystem", message: `calls ${c.name}: writes past print, to a file descriptor or at exit, where a forged summary would not be seen`, line: c.line });
    if (/^(open|builtins\.open|io\.open|pathlib\.Path\.open)$/.test(c.name) && c.mode && /[wax+]/.test(c.mode)) out.push({ rule: "filesystem", message: `opens a file for writing (mode ${JSON.stringify(c.mode)})`, line: c.line });
  }
  const parentModules = new Set(b.imports.map((i) => moduleOf(i.module)));
  const allowed = new Set([...DEFAULT_ALLOWED_IMPORTS, ...ctx.allowedImports, ...ctx.protectedModules]);
  for (const i of added(b.imports, after.imports, (i) => `${i.module}|${i.name ?? ""}`)) {
    const top = moduleOf(i.module);
    if (i.module.startsWith(".") || parentModules.has(top) || allowed.has(top)) continue;
    out.push({ rule: "new-import", message: `imports ${i.module}${i.name ? ` (${i.name})` : ""}, which the parent did not and gate.allowedImports does not list: new reach for the candidate`, line: i.line });
  }
  return out;
}

/** The constants a line-for-line change sets, when every new value is a literal to Python; else the first that is not. */
export function nonLiteralConstant(after: PyParse, lines: number[]): { name: string; line: number } | null {
  if (!after.ok) return null;
  for (const line of lines) {
    const c = after.constants.find((k) => k.line <= line && line <= k.endLine);
    if (!c || !c.literal) return { name: c?.name ?? "(a statement)", line };
  }
  return null;
}
