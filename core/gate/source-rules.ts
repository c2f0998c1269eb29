/**
 * Rules over the facts CPython itself reads from a Python file (runner/gate/python_facts.py): what a change adds
 * that the parent did not have — source tricks, bindings of protected or output names, writes to modules,
 * introspection, imports outside the allowlist, file and descriptor writes — and whether its constants are
 * literals. Judged by difference: what the parent already did is the researcher's own code. Pure.
 */
import { evaluatorFindings } from "./evaluator-rules";
import { added, moduleOf } from "./multiset";
import type { RuleId } from "./rules";

export interface SourceFacts {
  ok: true;
  tricks: { line: number; kind: string; what: string }[];
  imports: { module: string; name: string | null; alias: string; line: number }[];
  bindings: { name: string; kind: string; line: number; scope: string }[];
  attrWrites: { target: string; line: number; via: string }[];
  calls: { name: string; line: number; strings: string[]; mode: string | null; args: number; scope: string; argNames: string[]; argCalls?: string[]; inOutput: boolean; text: string }[];
  dynamic: { line: number; what: string }[];
  dunders: { line: number; attr: string }[];
  constants: { name: string; line: number; endLine: number; literal: boolean; value: string | null }[];
  functions: { name: string; kind: string; line: number; endLine: number; hash: string; decorators?: string[] }[];
  /** `var = Cls(…)…` for the file's own classes: what the evaluator is handed, traced back to its class. */
  instances: { var: string; cls: string; line: number }[];
  /** Attribute reads of imported modules and shared objects, resolved through aliases (os.environ, process.env). */
  uses?: { name: string; line: number }[];
  /** The file's top-level statements, by lines: a "constant" line holds exactly one. */
  statements?: { line: number; endLine: number }[];
  /**
   * Every statement with the headers around it (`while True` > `if step > 10`), the names it assigns and reads
   * and what it calls; a compound statement by its header. Judged by core/gate/statement-rules.
   */
  stmts?: Stmt[];
  /** Imported modules used as values, not through an attribute (f(math), [torch], with nullcontext(prepare)). */
  moduleValues?: { name: string; line: number }[];
  /** Every string expression as it prints, constant parts joined ("val" "_bpb: {}"). */
  strings?: { line: number; value: string }[];
}
export interface Stmt {
  line: number;
  endLine: number;
  kind: string;
  key: string;
  path: string[];
  targets: string[];
  reads: string[];
  calls: string[];
  /** Names a call changes in place (val.fill(0), x.copy_(y)), by the chain's root. */
  mutates?: string[];
  /** Names a function is picked out of at run time (HOOKS[0](x)), by the chain's root. */
  indirect?: string[];
}
export type SourceParse = SourceFacts | { ok: false; error: string; line: number };

export interface SourceFinding {
  rule: RuleId;
  message: string;
  line: number;
}

/** Builtins whose rebinding changes what the script prints, reads, writes or runs. */
const JS_OUTPUT_BUILTINS = new Set([
  "console",
  "process",
  "globalThis",
  "global",
  "eval",
  "Function",
  "require",
  "module",
  "exports",
  "Reflect",
  "Proxy",
  "Object",
  "Math",
  "Date",
  "performance",
  "JSON",
]);
const JS_SYSTEM = new Set([
  "Math",
  "JSON",
  "console",
  "process",
  "globalThis",
  "global",
  "Object",
  "Array",
  "Date",
  "performance",
  "Reflect",
  "Number",
  "String",
  "Function",
  "Promise",
  "Buffer",
  "Float32Array",
  "Float64Array",
]);
const JS_INTROSPECTION_ATTRS = new Set(["__proto__", "prototype", "constructor", "__defineGetter__", "__defineSetter__", "__lookupGetter__"]);
const JS_PROCESS_CALLS = /^(child_process\.\w+|worker_threads\.\w+|cluster\.\w+|process\.(kill|dlopen|binding))$/;
const JS_DESCRIPTOR_CALLS = /^(fs\.(write|writeSync|writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|openSync|open)|process\.on|process\.once)$/;
const OUTPUT_BUILTINS = new Set([
  "print",
  "open",
  "input",
  "exec",
  "eval",
  "compile",
  "__import__",
  "getattr",
  "setattr",
  "delattr",
  "globals",
  "vars",
  "locals",
  "__builtins__",
  "builtins",
  "exit",
  "quit",
]);
/** Modules whose attributes, written, change the interpreter for everything else. */
const SYSTEM_MODULES = new Set(["sys", "builtins", "os", "io", "math", "time", "random", "torch", "numpy", "__main__"]);
const INTROSPECTION_ATTRS = new Set([
  "__dict__",
  "__globals__",
  "__builtins__",
  "__subclasses__",
  "__code__",
  "__closure__",
  "__defaults__",
  "__kwdefaults__",
  "__mro__",
  "__bases__",
  "__getattribute__",
  "__setattr__",
  "__import__",
  "__loader__",
  "__spec__",
  "f_globals",
  "f_locals",
  "f_back",
  "gi_frame",
  "tb_frame",
]);
const INTROSPECTION_CALLS = [
  /^(globals|vars|locals)$/,
  /^gc\.(get_objects|get_referrers|get_referents)$/,
  /^sys\._getframe$/,
  /^sys\.(settrace|setprofile|addaudithook|set_asyncgen_hooks)$/,
  /^(inspect|traceback)\./,
  /^builtins\./,
  /^importlib\./,
];
/** Calls that start, replace or signal processes, or load native code: whatever the name's spelling of the family. */
const PROCESS_CALLS =
  /^(os\.(system|popen|spawn\w*|exec\w*|fork\w*|posix_spawn\w*|kill\w*|startfile)|subprocess\.\w+|multiprocessing\.\w+|pty\.\w+|ctypes\.\w+|signal\.(kill|pthread_kill)|concurrent\.futures\.ProcessPoolExecutor)$/;
const DESCRIPTOR_CALLS =
  /^(os\.(write|open|fdopen|dup2?|pipe|writev|sendfile|truncate|ftruncate)|sys\.(stdout|stderr|__stdout__|__stderr__)\.(write|buffer)|io\.(open|FileIO)|atexit\.register|signal\.signal)$/;

/**
 * Modules a candidate may newly import without a human's look: the numerics and the standard library's modules
 * that neither reach the outside nor inspect the interpreter. A workspace adds to it with gate.allowedImports.
 */
export const DEFAULT_ALLOWED_IMPORTS = [
  "torch",
  "numpy",
  "math",
  "cmath",
  "random",
  "statistics",
  "functools",
  "itertools",
  "operator",
  "collections",
  "dataclasses",
  "typing",
  "enum",
  "abc",
  "copy",
  "heapq",
  "bisect",
  "fractions",
  "decimal",
  "numbers",
  "string",
  "re",
  "textwrap",
  "contextlib",
  "warnings",
  "time",
  "einops",
  "triton",
  "kernels",
];

export interface SourceRuleContext {
  /** The sets of builtins and modules differ; the facts and the rules are the same. */
  language?: "python" | "javascript";
  /** Protected files' module names (prepare.py → prepare), and the files themselves. */
  protectedModules: string[];
  protectedFiles?: readonly string[];
  allowedImports: string[];
  /** The file's text before and after, for what a change does inside the code the evaluator runs. */
  texts?: { before: string; after: string };
  /** Names that hold training time and the reported metric (core/gate/file-facts): rebinding them in any form counts. */
  timingVars?: ReadonlySet<string>;
  metricVars?: ReadonlySet<string>;
}

/** Calls that reach outside through the numerics' own APIs, by family, with the rule each belongs to. */
const REACH: { re: RegExp; rule: RuleId; what: string }[] = [
  { re: /^torch\.hub\./, rule: "network", what: "downloads code or weights from the network" },
  { re: /^(torch\.utils\.cpp_extension\.|torch\.ops\.load_library|torch\.classes\.load_library|numpy\.ctypeslib\.|cffi\.)/, rule: "dynamic-code", what: "compiles or loads native code" },
  { re: /^(torch\.multiprocessing\.|torch\.distributed\.|torch\.cuda\.nccl)/, rule: "process", what: "starts processes or opens a rendezvous outside the run" },
  { re: /^(operator\.(attrgetter|methodcaller|itemgetter)|functools\.partial)$/, rule: "introspection", what: "reaches attributes or calls by a name held in data" },
];
/** Builtins that, handed around as values, run code or reach attributes by name. */
const DANGEROUS_VALUES = new Set(["exec", "eval", "compile", "__import__", "getattr", "setattr", "delattr", "open", "globals", "vars"]);
const JS_DANGEROUS_VALUES = new Set(["eval", "Function", "require", "process", "globalThis", "global"]);
/** Calls that read or write the engine's own tables: property descriptors, own keys, reflective calls. */
const JS_INTROSPECTION_CALLS = /^(Object\.(getOwnPropertyDescriptors?|getOwnPropertyNames|getOwnPropertySymbols|getPrototypeOf)|Reflect\.\w+|Proxy)$/;
const JS_NETWORK_CALLS = /^(fetch|XMLHttpRequest|WebSocket|EventSource|navigator\.sendBeacon)$/;
/** A path that leaves the run's folder: absolute, home, or up (".." alone counts: os.path.join("..", …)). */
const OUTSIDE_PATH = /^(\/|~\/|\.\.\/)[\w.~-]|\/\.\.\/|^(\.\.|~)$/;

export function sourceFindings(before: SourceParse | null, after: SourceParse, ctx: SourceRuleContext): SourceFinding[] {
  if (!after.ok) return [{ rule: "unparsable", message: `Python cannot read the changed file (${after.error}, line ${after.line}): it cannot be judged, so a human must`, line: after.line }];
  const b: SourceFacts = before?.ok
    ? before
    : { ok: true, tricks: [], imports: [], bindings: [], attrWrites: [], calls: [], dynamic: [], dunders: [], constants: [], functions: [], instances: [], uses: [], statements: [] };
  const out: SourceFinding[] = [];
  const js = ctx.language === "javascript";
  const OUTPUT = js ? JS_OUTPUT_BUILTINS : OUTPUT_BUILTINS;
  const SYSTEM = js ? JS_SYSTEM : SYSTEM_MODULES;
  const INTRO = js ? JS_INTROSPECTION_ATTRS : INTROSPECTION_ATTRS;
  for (const t of added(b.tricks, after.tricks, (t) => t.kind)) out.push({ rule: "source-trick", message: `${t.what}: refused, whatever the code does`, line: t.line });
  const protectedNames = new Map(b.imports.filter((i) => ctx.protectedModules.includes(moduleOf(i.module))).map((i) => [i.alias, `${i.module}${i.name ? `.${i.name}` : ""}`]));
  for (const i of after.imports) if (ctx.protectedModules.includes(moduleOf(i.module))) protectedNames.set(i.alias, `${i.module}${i.name ? `.${i.name}` : ""}`);
  const importedModules = new Set([...b.imports, ...after.imports].map((i) => i.alias));
  for (const x of added(b.bindings, after.bindings, (x) => `${x.name}|${x.kind}|${x.scope}`)) {
    if (x.kind === "import" && protectedNames.has(x.name)) continue; // importing it is how it is used
    if (x.kind === "argument" && x.scope !== "<module>") {
      // a parameter named like a builtin shadows it inside its function only: still worth a look when it is print or open
      if (OUTPUT.has(x.name)) out.push({ rule: "builtin-rebind", message: `a parameter of ${x.scope} is named ${x.name}: inside it, ${x.name} is whatever the caller passes`, line: x.line });
      continue;
    }
    const from = protectedNames.get(x.name);
    if (from)
      out.push({ rule: "protected-patch", message: `${x.kind === "def" || x.kind === "class" ? "redefines" : `binds (${x.kind})`} ${x.name}, which is ${from} from a protected file`, line: x.line });
    else if (OUTPUT.has(x.name))
      out.push({
        rule: "builtin-rebind",
        message: `binds the builtin ${x.name} (${x.kind}${x.scope === "<module>" ? "" : ` in ${x.scope}`}): what the script prints, reads or runs would not be Python's`,
        line: x.line,
      });
  }
  for (const w of added(b.attrWrites, after.attrWrites, (w) => `${w.target}|${w.via}`)) {
    const head = w.target.split(".")[0]!.replace(/\[\]$/, "");
    // The protected module itself, however it was reached (sys.modules["prepare"], an alias of it).
    const protectedFrom = protectedNames.get(head) ?? (ctx.protectedModules.includes(head) ? head : undefined);
    if (protectedFrom) out.push({ rule: "protected-patch", message: `${w.via === "assign" ? "assigns" : w.via} ${w.target}, an attribute of ${protectedFrom} from a protected file`, line: w.line });
    else if (SYSTEM.has(head) || (importedModules.has(head) && after.imports.some((i) => i.alias === head && i.name === null))) {
      out.push({ rule: "module-patch", message: `${w.via === "assign" ? "assigns" : w.via} ${w.target}: changes the module ${head} for all code, the harness's included`, line: w.line });
    }
  }
  for (const d of added(b.dynamic, after.dynamic, (d) => d.what)) out.push({ rule: "introspection", message: `${d.what}: it can reach any attribute, protected ones included`, line: d.line });
  for (const d of added(b.dunders, after.dunders, (d) => d.attr)) {
    if (INTRO.has(d.attr)) out.push({ rule: "introspection", message: `reads ${d.attr}: a way around names, to the interpreter's own tables`, line: d.line });
  }
  const newCalls = added(b.calls, after.calls, (c) => `${c.name}|${c.mode ?? ""}`);
  for (const c of newCalls) {
    if (INTROSPECTION_CALLS.some((re) => re.test(c.name))) out.push({ rule: "introspection", message: `calls ${c.name}: inspects or changes the running interpreter`, line: c.line });
    if ((js ? JS_PROCESS_CALLS : PROCESS_CALLS).test(c.name))
      out.push({ rule: "process", message: `calls ${c.name}: starts, replaces or signals a process, outside the run's supervision`, line: c.line });
    if ((js ? JS_DESCRIPTOR_CALLS : DESCRIPTOR_CALLS).test(c.name))
      out.push({ rule: "filesystem", message: `calls ${c.name}: writes past print, to a file descriptor or at exit, where a forged summary would not be seen`, line: c.line });
    if (/^(open|builtins\.open|io\.open|pathlib\.Path\.open)$/.test(c.name) && c.mode && /[wax+]/.test(c.mode))
      out.push({ rule: "filesystem", message: `opens a file for writing (mode ${JSON.stringify(c.mode)})`, line: c.line });
  }
  // What a name reaches, however it is spelled (an alias, getattr with a literal, destructuring): by use, not only by call.
  for (const u of added(b.uses ?? [], after.uses ?? [], (u) => u.name)) {
    if (/^sys\.modules(\.|\[|$)/.test(u.name))
      out.push({ rule: "introspection", message: `reaches ${u.name}: every loaded module by name, the harness's and the interpreter's included`, line: u.line });
    else if (/^(os\.(environ\w*|getenv\w*|putenv|unsetenv)|process\.env)(\.|$)/.test(u.name))
      out.push({ rule: "environment", message: `reads ${u.name}: the environment holds keys and tokens`, line: u.line });
    else if ((js ? JS_PROCESS_CALLS : PROCESS_CALLS).test(u.name)) out.push({ rule: "process", message: `takes ${u.name}: a way to start or signal processes`, line: u.line });
  }
  for (const c of newCalls) {
    const reach = REACH.find((r) => r.re.test(c.name));
    if (reach) out.push({ rule: reach.rule, message: `calls ${c.name}: ${reach.what}`, line: c.line });
    // Only the literal itself is safe: `weights_only=True if 0 else False` is code.
    if (/^torch\.load$/.test(c.name) && !/weights_only=True[,)]/.test(c.text.replace(/\s+/g, "")))
      out.push({ rule: "deserialization", message: `calls ${c.name} without weights_only=True: unpickling runs code`, line: c.line });
    if (/^numpy\.load$/.test(c.name) && /allow_pickle=/.test(c.text.replace(/\s+/g, "")) && !/allow_pickle=False[,)]/.test(c.text.replace(/\s+/g, "")))
      out.push({ rule: "deserialization", message: `calls ${c.name} with allow_pickle other than False: unpickling runs code`, line: c.line });
    if (/^(open|builtins\.open|io\.open)$/.test(c.name) && c.args > 1 && c.mode === null && !js)
      out.push({ rule: "filesystem", message: `opens a file with a mode computed at run time (${c.text.slice(0, 60)}): it may write`, line: c.line });
    if (js && JS_INTROSPECTION_CALLS.test(c.name))
      out.push({ rule: "introspection", message: `calls ${c.name}: reaches properties past their names, the environment's and the harness's included`, line: c.line });
    if (js && JS_NETWORK_CALLS.test(c.name)) out.push({ rule: "network", message: `calls ${c.name}: reaches the network`, line: c.line });
    const handed = c.argNames.find((n) => (js ? JS_DANGEROUS_VALUES : DANGEROUS_VALUES).has(n));
    if (handed) out.push({ rule: "introspection", message: `hands ${handed} to ${c.name} as a value: it runs code or reaches attributes by name later`, line: c.line });
  }
  // The training-time and metric variables, rebound in any form (walrus, for, with, match, …), not only assigned.
  for (const x of added(b.bindings, after.bindings, (x) => `${x.name}|${x.kind}|${x.scope}`)) {
    if (x.kind === "assign" || x.kind === "augassign" || x.kind === "annassign" || x.kind === "argument") continue; // the token rules judge assignments
    if (ctx.metricVars?.has(x.name)) out.push({ rule: "metric-computation", message: `rebinds ${x.name} (${x.kind}), the value the summary reports`, line: x.line });
    else if (ctx.timingVars?.has(x.name)) out.push({ rule: "timing", message: `rebinds ${x.name} (${x.kind}), which measures training time against the budget`, line: x.line });
  }
  // A module handed on as a value (an argument, a list element, a with subject): under another name it can be patched.
  for (const m of added(b.moduleValues ?? [], after.moduleValues ?? [], (m) => m.name)) {
    if (ctx.protectedModules.includes(moduleOf(m.name)))
      out.push({ rule: "protected-patch", message: `hands the protected module ${m.name} on as a value: under another name it can be changed where no rule reads it`, line: m.line });
    else
      out.push({ rule: "introspection", message: `hands the module ${m.name} on as a value (an argument, a list, a with): under another name it can be patched where no rule reads it`, line: m.line });
  }
  // Strings as they print: a protected file's name, or a path out of the run's folder, however it is assembled.
  for (const s of added(b.strings ?? [], after.strings ?? [], (s) => s.value)) {
    const named = (ctx.protectedFiles ?? []).find((f) => s.value === f || s.value.endsWith(`/${f}`));
    if (named) out.push({ rule: "filesystem", message: `names ${named}, a protected file (${JSON.stringify(s.value.slice(0, 40))}): reading or writing it reaches the harness`, line: s.line });
    else if (OUTSIDE_PATH.test(s.value)) out.push({ rule: "filesystem", message: `names a path outside the run's folder (${JSON.stringify(s.value.slice(0, 40))}, as assembled)`, line: s.line });
    else if (/^(val|valid|validation|test|heldout|held_out|eval)$/i.test(s.value))
      out.push({ rule: "evaluator-loss", message: `names the data split ${JSON.stringify(s.value)}: the data that scores the run is not the candidate's to load`, line: s.line });
  }
  // A name from a protected module that the parent did not import: the harness's data and settings are not the candidate's to reach.
  for (const i of added(b.imports, after.imports, (i) => `${i.module}|${i.name ?? ""}`)) {
    if (i.name && ctx.protectedModules.includes(moduleOf(i.module)) && !b.imports.some((x) => x.alias === i.alias))
      out.push({ rule: "new-import", message: `imports ${i.name} from ${i.module} (protected), which the parent did not: new reach into the harness's data or settings`, line: i.line });
  }
  const parentModules = new Set(b.imports.map((i) => moduleOf(i.module)));
  const allowed = new Set([...(js ? [] : DEFAULT_ALLOWED_IMPORTS), ...ctx.allowedImports, ...ctx.protectedModules]);
  for (const i of added(b.imports, after.imports, (i) => `${i.module}|${i.name ?? ""}`)) {
    const top = moduleOf(i.module);
    if (i.module.startsWith(".") || parentModules.has(top) || allowed.has(top)) continue;
    out.push({
      rule: "new-import",
      message: `imports ${i.module}${i.name ? ` (${i.name})` : ""}, which the parent did not and gate.allowedImports does not list: new reach for the candidate`,
      line: i.line,
    });
  }
  out.push(...evaluatorFindings(b, after, ctx));
  return out;
}

/** The constants a line-for-line change sets, when every new value is a literal to Python; else the first that is not. */
export function nonLiteralConstant(after: SourceParse, lines: number[]): { name: string; line: number } | null {
  if (!after.ok) return null;
  for (const line of lines) {
    // Every name a statement on this line declares must be a literal (`const A = 5, f = (…patch…)` declares two).
    const all = after.constants.filter((k) => k.line <= line && line <= k.endLine);
    const c = all.find((k) => !k.literal) ?? all[0];
    if (!c?.literal) return { name: c?.name ?? "(a statement)", line };
    // `DEPTH = 8; os.system(…)`: the constant's line holds another statement too.
    const here = (after.statements ?? []).filter((s) => s.line <= line && line <= s.endLine);
    if (here.length > 1) return { name: `${c.name} (the line holds ${here.length} statements)`, line };
  }
  return null;
}
