/**
 * The evaluator's reach: what the protected evaluation is handed, followed back into the candidate's own code,
 * and what a change does there. Pure.
 */
import { changedLines, removedLines } from "../changed-blocks";
import { added, moduleOf } from "./multiset";
import type { SourceFacts, SourceFinding, SourceRuleContext, Stmt } from "./source-rules";

/** The model's behaviour, by the methods the evaluation calls on it (besides the class's own methods). */
const MODULE_BEHAVIOUR = new Set(["forward", "__call__", "_call_impl", "train", "eval", "state_dict", "load_state_dict", "to", "cuda", "half", "float", "bfloat16"]);
/** Hooks run code inside the model's forward or backward, wherever they are registered. */
const HOOK_CALL = /(^|\.)register_\w*hook$|(^|\.)register_module_\w+$/;
/** A branch on the batch's size or shape: the evaluation hands other batches than training does. */
const SIZE_BRANCH = /\bbatch\w*\b|\.length\b|\.size\(|\.shape\b|\bnumel\(|\blen\(|\b[BT]\s*[<>=!]=?/;
const CONDITION = /^\s*(if|elif|while)\b|\bif\b.*\belse\b|\?[^:]*:/;
/** The input mixed into the output shifted by a position: a peek at the tokens the model must predict. */
const PEEK = /\broll\(|\bone_hot\(|\bnarrow\(|\beye\(|\bscatter_?\(|\[\s*:\s*,\s*1\s*:|\[\s*\.\.\.\s*,\s*1\s*:/;

/** Words that mark the loss the evaluator scores, or a branch on whether it is being scored. */
const SCORED =
  /\b(eval\w*|reduction|targets?|cross_entropy|nll_loss|log_softmax|loss|label_smoothing|training|_?is_grad_enabled|requires_grad|grad_fn|no_grad|inference_mode|is_inference_mode_enabled|_getframe|inspect|traceback|stack)\b/;

/** The classes and functions the protected calls reach, each with the call that reaches it and the name it is handed. */
export function reachOf(a: SourceFacts, ctx: Pick<SourceRuleContext, "protectedModules">) {
  const isProtected = (name: string) => ctx.protectedModules.includes(moduleOf(name)) && name.includes(".");
  const evalCalls = a.calls.filter((c) => isProtected(c.name));
  const classes = new Set(a.functions.filter((f) => f.kind === "class" && !f.name.includes(".")).map((f) => f.name));
  const topFunctions = new Set(a.functions.filter((f) => f.kind === "def" && !f.name.includes(".")).map((f) => f.name));
  const reached = new Map<string, { by: string; via: string }>();
  for (const c of evalCalls) {
    const by = c.name.split(".").pop()!;
    for (const v of [...c.argNames, ...(c.argCalls ?? [])]) {
      for (const i of a.instances) if (i.var === v && !reached.has(i.cls)) reached.set(i.cls, { by, via: v });
      if ((classes.has(v) || topFunctions.has(v)) && !reached.has(v)) reached.set(v, { by, via: v });
    }
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of a.calls) {
      const from = reached.get(c.scope.split(".")[0]!);
      if (!from || reached.has(c.name) || !(classes.has(c.name) || topFunctions.has(c.name))) continue;
      reached.set(c.name, from);
      grew = true;
    }
  }
  return { reached, classes, evalCalls, isProtected };
}

/**
 * The top-level constants that code the evaluation runs reads (LOOKAHEAD_MIX inside GPT.forward), with the
 * function that reads each: a constant set from 0 to something else there switches that code on.
 */
export function constantsReadByEvaluator(a: SourceFacts, ctx: Pick<SourceRuleContext, "protectedModules">): Map<string, { fn: string; by: string }> {
  const { reached } = reachOf(a, ctx);
  const out = new Map<string, { fn: string; by: string }>();
  const constants = new Set(a.constants.map((c) => c.name));
  for (const f of a.functions) {
    const from = reached.get(f.name.split(".")[0]!);
    if (!from || f.kind === "class") continue;
    for (const s of a.stmts ?? []) if (s.line >= f.line && s.line <= f.endLine) for (const r of s.reads) if (constants.has(r) && !out.has(r)) out.set(r, { fn: f.name, by: from.by });
  }
  return out;
}

/**
 * What the protected evaluation is handed (for autoresearch: evaluate_bpb(model, tokenizer, batch_size)), traced
 * back to the candidate's own classes and the classes and functions they build and call. Inside that code, a
 * change that touches the loss or branches on being scored is high; any other change there is named, at medium.
 */
export function evaluatorFindings(b: SourceFacts, a: SourceFacts, ctx: SourceRuleContext): SourceFinding[] {
  const { reached, classes, evalCalls, isProtected } = reachOf(a, ctx);
  const out: SourceFinding[] = [];
  // The protected calls themselves: a changed argument changes what is trained on or scored.
  for (const c of added(
    b.calls.filter((x) => isProtected(x.name)),
    evalCalls,
    (x) => x.text,
  )) {
    out.push({ rule: "evaluator-loss", message: `calls ${c.name.split(".").pop()} (protected) as ${c.text}: its arguments decide which data is used and how the run is scored`, line: c.line });
  }
  const passed = new Set(evalCalls.flatMap((c) => [...c.argNames, ...(c.argCalls ?? [])]));
  if (!reached.size) return out;
  const scorer = [...reached.values()][0]!.by;
  const evalScope = evalCalls[0]?.scope ?? "<module>";
  // What the model is, under any name: instances of the reached classes (net = model, m = model).
  const instancesOf = new Map(a.instances.filter((i) => reached.has(i.cls)).map((i) => [i.var, i.cls]));
  const methodsOf = (cls: string) => new Set(a.functions.filter((f) => f.name.startsWith(`${cls}.`) && f.name.split(".").length === 2).map((f) => f.name.split(".")[1]!));
  const reachedMethods = new Set([...reached.keys()].flatMap((c) => [...methodsOf(c)]));
  for (const w of added(b.attrWrites, a.attrWrites, (x) => `${x.target}|${x.via}`)) {
    const parts = w.target.split(".");
    const head = parts[0]!;
    const attr = parts.at(-1)!;
    const owner = reached.has(head) ? head : (instancesOf.get(head) ?? (head === "(expression)" ? "its class" : null));
    if (owner && parts.length === 2 && (MODULE_BEHAVIOUR.has(attr) || reachedMethods.has(attr))) {
      out.push({ rule: "evaluator-loss", message: `${w.via === "assign" ? "replaces" : w.via} ${w.target} from outside the class: ${scorer} (protected) scores the run by calling it`, line: w.line });
    } else if (passed.has(head) && !a.instances.some((i) => i.var === head && w.line === i.line))
      out.push({ rule: "evaluator-loss", message: `${w.via === "assign" ? "assigns" : w.via} ${w.target}: ${head} is handed to ${scorer}, which scores the run with it`, line: w.line });
  }
  for (const c of added(b.calls, a.calls, (x) => `${x.name}|${x.scope}`)) {
    if (HOOK_CALL.test(c.name))
      out.push({
        rule: "evaluator-loss",
        message: `calls ${c.name.split(".").at(-1)}: a hook runs inside the model's forward or backward, which ${scorer} (protected) runs to score the run`,
        line: c.line,
      });
  }
  // The names the evaluation is handed, bound again where it is called: model = _wrap(model), a second DEVICE_BATCH_SIZE = ….
  for (const x of added(b.bindings, a.bindings, (x) => `${x.name}|${x.scope}`)) {
    if (x.scope === evalScope && passed.has(x.name) && x.kind !== "def" && x.kind !== "class")
      out.push({ rule: "evaluator-loss", message: `binds ${x.name} again (${x.kind}): it is what ${scorer} (protected) is handed to score the run`, line: x.line });
  }
  // Code in a reached class's body that is not a method, and new decorators on its methods: they replace behaviour without a def.
  const beforeDecorators = new Map(b.functions.map((f) => [f.name, f.decorators ?? []]));
  for (const f of a.functions) {
    const owner = f.name.split(".")[0]!;
    if (!reached.has(owner) || f.kind === "class") continue;
    const fresh = (f.decorators ?? []).filter((d) => !(beforeDecorators.get(f.name) ?? []).includes(d) && !/^torch\./.test(d));
    if (fresh.length)
      out.push({ rule: "evaluator-loss", message: `wraps ${f.name} in @${fresh[0]}: whatever the decorator returns is what ${scorer} (protected) runs to score the run`, line: f.line });
  }
  for (const x of added(b.bindings, a.bindings, (x) => `${x.name}|${x.kind}|${x.scope}`)) {
    if (reached.has(x.scope) && classes.has(x.scope) && x.kind !== "def" && x.kind !== "argument")
      out.push({ rule: "evaluator-loss", message: `binds ${x.name} in the body of ${x.scope} (${x.kind}), not as a method: ${scorer} (protected) runs ${x.scope}`, line: x.line });
  }
  // A method of nn.Module's own (train, eval, __call__ …) added to a reached class of the parent's: the evaluation calls it.
  const beforeNames = new Set(b.functions.map((f) => f.name));
  for (const f of a.functions) {
    const [owner, method] = f.name.split(".");
    if (
      method &&
      f.name.split(".").length === 2 &&
      reached.has(owner!) &&
      beforeNames.has(owner!) &&
      !beforeNames.has(f.name) &&
      (MODULE_BEHAVIOUR.has(method) || /^__\w+__$/.test(method)) &&
      method !== "__init__"
    ) {
      out.push({ rule: "evaluator-loss", message: `defines ${f.name}, which overrides nn.Module's ${method}: ${scorer} (protected) calls it when it scores the run`, line: f.line });
    }
  }
  out.push(...stateFindings(b, a, reached));
  const lines = ctx.texts ? changedLines(ctx.texts.before, ctx.texts.after) : [];
  const afterLines = ctx.texts?.after.split("\n") ?? [];
  const removedText = ctx.texts ? removedLines(ctx.texts.before, ctx.texts.after) : [];
  const beforeHash = new Map(b.functions.map((f) => [f.name, f.hash]));
  for (const f of a.functions) {
    const owner = f.name.split(".")[0]!;
    const from = reached.get(owner);
    if (f.kind === "class" || !from || beforeHash.get(f.name) === f.hash) continue;
    const inside = lines.filter((l) => l >= f.line && l <= f.endLine);
    const touched = [...inside.map((l) => afterLines[l - 1] ?? ""), ...removedText.filter((r) => r.near >= f.line && r.near <= f.endLine).map((r) => r.text)];
    const code = (t: string) => t.replace(/#.*|\/\/.*/, "");
    const scored = touched.find((t) => SCORED.test(code(t)));
    const sized = touched.find((t) => CONDITION.test(code(t)) && SIZE_BRANCH.test(code(t)));
    const peek = touched.find((t) => PEEK.test(code(t)));
    if (sized || peek)
      out.push({
        rule: "evaluator-loss",
        message: `changes ${f.name} where it ${sized ? "branches on the batch's size or shape, which differ when the run is scored" : "mixes the input, shifted, into the output: a peek at the tokens it must predict"} — ${from.by} (protected) scores the run with it, handed ${from.via}: ${(sized ?? peek)!.trim().slice(0, 80)}`,
        line: inside[0] ?? f.line,
      });
    else if (scored)
      out.push({
        rule: "evaluator-loss",
        message: `changes ${f.name} where it ${/reduction|targets?|cross_entropy|nll_loss|log_softmax|loss|label_smoothing/.test(scored) ? "computes the loss" : "branches on being scored (evaluation, training mode, gradients or the call stack)"} — ${from.by} (protected) scores the run with it, handed ${from.via}: ${scored.trim().slice(0, 80)}`,
        line: inside[0] ?? f.line,
      });
    else out.push({ rule: "evaluator-code", message: `changes ${f.name}, which ${from.by} (protected) runs to score the run, handed ${from.via}: the score depends on it`, line: inside[0] ?? f.line });
  }
  return out;
}

/**
 * Code the evaluation runs reaching state outside itself: a module-level variable it calls through (HOOKS.post,
 * _POST[0]) or branches on (a flag set after training), or data derived from the evaluation's split (a lookup
 * table built from val). The model's output should be a function of its weights and its input.
 */
function stateFindings(b: SourceFacts, a: SourceFacts, reached: Map<string, { by: string; via: string }>): SourceFinding[] {
  const stmts = a.stmts ?? [];
  const before = new Set((b.stmts ?? []).map((s) => `${s.path.join(" › ")} ⟩ ${s.key}`));
  const fresh = (s: Stmt) => !before.has(`${s.path.join(" › ")} ⟩ ${s.key}`);
  const functionNames = new Set(a.functions.map((f) => f.name.split(".")[0]!));
  const imported = new Set(a.imports.map((i) => i.alias));
  // Module-level variables: bound at the top level, not a function, a class or an import.
  const variables = new Set(
    stmts
      .filter((s) => s.path.length === 0)
      .flatMap((s) => s.targets)
      .filter((t) => !functionNames.has(t) && !imported.has(t)),
  );
  const mutated = new Set([...a.attrWrites.map((w) => w.target.split(/[.[]/)[0]!), ...a.bindings.filter((x) => x.kind === "global").map((x) => x.name)].filter((n) => variables.has(n)));
  // What the evaluation's data (val, by its name) flows into at the top level: lookup tables built from it.
  const evalData = new Set(
    stmts
      .filter((s) => s.path.length === 0)
      .flatMap((s) => s.targets)
      .filter((t) => /^(val|valid|validation|test|heldout|eval)(_|$)/i.test(t)),
  );
  const derived = new Set<string>();
  for (let grew = true, i = 0; grew && i < 5; i++) {
    grew = false;
    for (const s of stmts) {
      if (s.path.some((p) => /^(def|function|class) /.test(p))) continue;
      if (!s.reads.some((r) => evalData.has(r) || derived.has(r))) continue;
      const top = s.path.length ? stmts.find((t) => t.path.length === 0 && t.key === s.path[0]) : s;
      for (const n of [...s.targets, ...(s.mutates ?? []), ...(top && top.path.length === 0 && !/^(For|While|If)/.test(top.kind) ? top.targets : []), ...s.calls.map((c) => c.split(".")[0]!)]) {
        if (variables.has(n) && !evalData.has(n) && !derived.has(n)) {
          derived.add(n);
          grew = true;
        }
      }
    }
  }
  const out: SourceFinding[] = [];
  // The protected call that reaches the function a statement is in: it is what runs it.
  const reachedBy = (s: Stmt) =>
    a.functions.filter((f) => f.kind !== "class" && reached.has(f.name.split(".")[0]!) && s.line >= f.line && s.line <= f.endLine).map((f) => reached.get(f.name.split(".")[0]!)!.by)[0];
  for (const s of stmts.filter((x) => fresh(x) && reachedBy(x))) {
    const scorer = reachedBy(s)!;
    const through = [...(s.indirect ?? []), ...s.calls.map((c) => c.split(".")[0]!)].find((n) => variables.has(n));
    const flag = /^(If|While|IfStatement|WhileStatement)$/.test(s.kind) || / if .* else |\?/.test(s.key) ? s.reads.find((r) => mutated.has(r)) : undefined;
    const data = s.reads.find((r) => derived.has(r) || evalData.has(r));
    if (data)
      out.push({
        rule: "evaluator-loss",
        message: `reads ${data}${evalData.has(data) ? "" : ", built from the evaluation's data"} in code ${scorer} (protected) runs to score the run: a lookup of the answers`,
        line: s.line,
      });
    else if (through)
      out.push({
        rule: "evaluator-loss",
        message: `calls through ${through}, a module-level variable, in code ${scorer} (protected) runs to score the run: what runs there is chosen elsewhere`,
        line: s.line,
      });
    else if (flag)
      out.push({
        rule: "evaluator-loss",
        message: `branches on ${flag}, a module-level variable written elsewhere, in code ${scorer} (protected) runs to score the run: it can tell training from scoring`,
        line: s.line,
      });
  }
  return out;
}
