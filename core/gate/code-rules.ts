/**
 * The rules that read code: for one editable file, the statements a change removed and added are checked for
 * forged or altered metric output, patches of protected names or of the output channel, changes to timing and
 * fast-fail logic, and new reach into processes, network, files, environment or dynamic code. Pure.
 */
import { chainsIn, bindingOf, importsOf } from "../code/names";
import { bodyOf, statementChange, type Statement } from "../code/statements";
import type { Language } from "../code/tokenize";
import { CAPABILITIES, FAST_FAIL_NAMES, FILE_METHODS, OUTPUT_CALLS, OUTPUT_NAMES, PATCHING_CALLS, PICKLE_LOADERS, TIME_CALLS, matchesName } from "./capabilities";
import { fileFacts, isSummaryString, moduleFile, qualify, timeCallsIn, variablesIn, type FactsOptions, type FileFacts } from "./file-facts";
import type { RuleId } from "./rules";

export interface Finding {
  rule: RuleId;
  message: string;
  file: string;
  line: number;
}

export interface CodeChange {
  findings: Finding[];
  /** The change is seed values only (same statements, different numbers, each naming a seed). */
  seedOnly: boolean;
  /** Names holding training time and the reported metric, on either side (the fact rules use them too). */
  timingVars: Set<string>;
  metricVars: Set<string>;
}

type Side = { facts: FileFacts; st: Statement; index: number; line: number };

function metricRules(side: Side, other: FileFacts, metricName: string): Pick<Finding, "rule" | "message">[] {
  const out: Pick<Finding, "rule" | "message">[] = [];
  const str = side.st.tokens.find((t) => t.kind === "string" && isSummaryString(t.value ?? "", metricName));
  if (str) out.push({ rule: "metric-output", message: `output that looks like the summary (${JSON.stringify(str.value)}): only the unchanged harness may print the score` });
  const metricVars = new Set([...side.facts.metricVars, ...other.metricVars]);
  const b = bindingOf(side.st);
  const hit = b?.targets.find((t) => metricVars.has(t.path[0]!));
  if (hit && !str) out.push({ rule: "metric-computation", message: `changes how ${hit.path[0]} is computed, the value the summary reports as ${metricName}` });
  return out;
}

function patchRules(side: Side, before: FileFacts, lang: Language, o: FactsOptions): Pick<Finding, "rule" | "message">[] {
  const out: Pick<Finding, "rule" | "message">[] = [];
  const locals = new Map([...before.protectedLocals, ...side.facts.protectedLocals]);
  const b = bindingOf(side.st);
  for (const t of b?.targets ?? []) {
    const from = locals.get(t.path[0]!);
    if (from) out.push({ rule: "protected-patch", message: `${b!.kind === "definition" ? "redefines" : "assigns"} ${t.path.join(".")}, which comes from ${from} (protected)` });
    const q = qualify(t, side.facts) ?? t.path.join(".");
    if (OUTPUT_NAMES.some((n) => matchesName(q, n))) out.push({ rule: "output-patch", message: `replaces ${q}: the script's output is how the score is read` });
  }
  for (const imp of importsOf(side.st, lang)) {
    const from = before.protectedLocals.get(imp.local);
    if (from && !moduleFile(imp.module, o.file, lang, o.protectedFiles)) out.push({ rule: "protected-patch", message: `imports ${imp.local} from ${imp.module} instead of ${from} (protected)` });
  }
  for (const c of chainsIn(side.st.tokens)) {
    const q = qualify(c, side.facts) ?? "";
    if (c.called && PATCHING_CALLS.includes(q)) {
      const arg = chainsIn(side.st.tokens.slice(c.index + c.path.length * 2)).at(0);
      const target = arg ? (qualify(arg, side.facts) ?? arg.path.join(".")) : "";
      if (arg && locals.has(arg.path[0]!)) out.push({ rule: "protected-patch", message: `${q}() on ${arg.path.join(".")}, which comes from ${locals.get(arg.path[0]!)} (protected)` });
      else if (OUTPUT_NAMES.some((n) => matchesName(target, n))) out.push({ rule: "output-patch", message: `${q}() on ${target}: the script's output is how the score is read` });
    }
    if (c.called && OUTPUT_CALLS.includes(q)) out.push({ rule: "output-patch", message: `calls ${q}: redirects the output the score is read from` });
    if (matchesName(q, "sys.modules")) out.push({ rule: "protected-patch", message: "edits sys.modules, where a protected module can be replaced" });
    if (locals.has(c.path[0]!) && c.path.some((p) => /^(__code__|__globals__|__dict__|__defaults__|__kwdefaults__|prototype)$/.test(p))) {
      out.push({ rule: "protected-patch", message: `reaches into ${c.path.join(".")} of ${locals.get(c.path[0]!)} (protected)` });
    }
  }
  return out;
}

function timingRules(side: Side): Pick<Finding, "rule" | "message">[] {
  const { facts, st } = side;
  const timing = (names: string[]) => names.filter((n) => facts.timingVars.has(n) || facts.budgetNames.has(n));
  const clock = timeCallsIn(st.tokens, facts)[0];
  if (clock) return [{ rule: "timing", message: `reads the clock (${clock.path.join(".")}): training time must be measured as the harness defines it` }];
  const b = bindingOf(st);
  const clockPatch = b?.targets.find((t) => TIME_CALLS.includes(qualify(t, facts) ?? ""));
  if (clockPatch) return [{ rule: "timing", message: `replaces the clock ${qualify(clockPatch, facts)}: training time must be measured as the harness defines it` }];
  const acc = b && (b.kind === "assign" || b.kind === "augmented") ? b.targets.find((t) => facts.timingVars.has(t.path[0]!)) : undefined;
  if (acc) return [{ rule: "timing", message: `changes ${acc.path[0]}, which accumulates training time against the budget` }];
  const first = st.tokens[0]?.text ?? "";
  const condition = /^(if|elif|else|while)$/.test(first) || st.tokens.some((t) => t.text === "break");
  const named = timing(variablesIn(st.tokens));
  if (condition && named.length) return [{ rule: "timing", message: `changes a condition on ${named.join(", ")}: the budget's stop condition` }];
  if (condition && st.header) {
    const body = bodyOf(facts.statements, side.index);
    const inner = body
      .map((s) => bindingOf(s))
      .flatMap((x) => (x && (x.kind === "assign" || x.kind === "augmented") ? x.targets : []))
      .find((t) => facts.timingVars.has(t.path[0]!));
    if (inner) return [{ rule: "timing", message: `changes which steps count toward the budget (the condition around ${inner.path[0]})` }];
  }
  return [];
}

function fastFailRules(side: Side): Pick<Finding, "rule" | "message">[] {
  const check = chainsIn(side.st.tokens).find((c) => FAST_FAIL_NAMES.has(c.path.at(-1)!));
  const fail = side.st.tokens.some((t) => t.kind === "string" && t.value === "FAIL");
  if (check || fail) return [{ rule: "fast-fail", message: `changes the fast-fail check (${check ? check.path.join(".") : 'print "FAIL"'}): a diverging run must still stop` }];
  return [];
}

function capabilityRules(side: Side, lang: Language): Pick<Finding, "rule" | "message">[] {
  const out: Pick<Finding, "rule" | "message">[] = [];
  const text = side.st.key;
  const qualified = [
    ...importsOf(side.st, lang).map((i) => ({ q: [i.module.replace(/^node:/, ""), ...(i.name && i.name !== "default" ? [i.name] : [])].join("."), called: false, verb: "imports" })),
    ...chainsIn(side.st.tokens).map((c) => ({ q: qualify(c, side.facts), called: c.called, verb: c.called ? "calls" : "uses" })),
  ];
  for (const { q, called, verb } of qualified) {
    if (!q) continue;
    const loader = PICKLE_LOADERS.find((l) => l.name === q);
    if (loader && called && (loader.safeWhen ? !loader.safeWhen.test(text) : loader.unsafeWhen!.test(text)))
      out.push({ rule: "deserialization", message: `calls ${q} in a way that unpickles data, which can run code` });
    const cap = CAPABILITIES.find((c) => c.names.some((n) => matchesName(q, n)));
    if (cap && (cap.rule !== "dynamic-code" || called || verb === "imports")) out.push({ rule: cap.rule, message: `${verb} ${q}: ${cap.what}` });
  }
  for (const c of chainsIn(side.st.tokens))
    if (c.called && c.path.length > 1 && FILE_METHODS.has(c.path.at(-1)!)) out.push({ rule: "filesystem", message: `calls .${c.path.at(-1)}(): writes or deletes files` });
  for (const t of side.st.tokens) {
    if (t.kind !== "string") continue;
    const v = t.value ?? "";
    if (/^[a-z][a-z0-9+.-]*:\/\/\S/i.test(v)) out.push({ rule: "network", message: `names a URL (${v.slice(0, 40)})` });
    else if (/^(\/|~\/|\.\.\/)[\w.~-]/.test(v) || v.includes("/../")) out.push({ rule: "filesystem", message: `names a path outside the run's folder (${v.slice(0, 40)})` });
  }
  return out;
}

/** Numbers aside, the same tokens: a change of values only. */
const shape = (st: Statement) => st.tokens.map((t) => (t.kind === "number" ? "#" : t.text)).join(" ");
const namesSeed = (st: Statement) => st.tokens.some((t) => t.kind === "name" && /seed/i.test(t.text));

export function codeChange(file: string, lang: Language, before: string, after: string, o: FactsOptions): CodeChange {
  const bf = fileFacts(before, lang, o);
  const af = fileFacts(after, lang, o);
  const change = statementChange(bf.statements, af.statements);
  const findings: Finding[] = [];
  const add = (line: number, found: Pick<Finding, "rule" | "message">[]) => {
    for (const f of found) if (!findings.some((x) => x.rule === f.rule && x.line === line && x.message === f.message)) findings.push({ ...f, file, line });
  };
  for (const r of change.removed) {
    const side = { facts: bf, st: r.statement, index: r.index, line: r.atLine };
    add(r.atLine, [...metricRules(side, af, o.metricName), ...timingRules(side), ...fastFailRules(side)]);
  }
  for (const a of change.added) {
    const side = { facts: af, st: a.statement, index: a.index, line: a.statement.line };
    add(a.statement.line, [...metricRules(side, bf, o.metricName), ...patchRules(side, bf, lang, o), ...timingRules(side), ...fastFailRules(side), ...capabilityRules(side, lang)]);
  }
  const seedOnly =
    change.added.length > 0 && change.added.length === change.removed.length && change.added.every((a, i) => shape(a.statement) === shape(change.removed[i]!.statement) && namesSeed(a.statement));
  return { findings, seedOnly, timingVars: new Set([...bf.timingVars, ...af.timingVars]), metricVars: new Set([...bf.metricVars, ...af.metricVars]) };
}
