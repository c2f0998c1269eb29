/**
 * Rules over the statements the language's own parser read (core/gate/source-rules SourceFacts `stmts`,
 * `strings`): what a change does to the summary's text, the metric, the training-time budget and the fast-fail
 * check. A statement is keyed by its text and the headers around it, so moving one under a new `if`, `with` or
 * `try` counts as a change of it; strings are judged as they print, constant parts joined. Pure.
 */
import { FAST_FAIL_NAMES, TIME_CALLS } from "./capabilities";
import { isSummaryString } from "./file-facts";
import type { SourceFacts, SourceFinding, Stmt } from "./source-rules";

export interface StatementContext {
  metricName: string;
  /** Names that hold training time, and the names the summary prints the metric from (core/gate/file-facts). */
  timingVars: ReadonlySet<string>;
  metricVars: ReadonlySet<string>;
  /** Protected files' module names: what their functions return is the harness's data (train, val, the tokenizer). */
  protectedModules: readonly string[];
}

/** A value capped, replaced or chosen: a limit, a substitute for NaN, a branch, a fallback. */
const CAPPING = /\b(min|max|fmin|fmax|minimum|maximum|clamp|clamp_|clip|where|nan_to_num|isnan|isfinite|isinf|isNaN|isFinite)\b|\|\||\?\?|\?.*:| if .* else /;
const keyOf = (s: Stmt) => `${s.path.join(" › ")} ⟩ ${s.key}`;
const isLoop = (header: string) => /^(while|for|do)\b/.test(header);
const CONTROL = /^(Break|Continue|Return|Raise)(Statement)?$|^ThrowStatement$/;
/** Calls that are not training work: the language's builtins and the clock. */
const NOT_WORK = /^(print|len|range|min|max|int|float|str|abs|round|sum|next|iter|enumerate|zip|isinstance|Math\.\w+|console\.\w+|String|Number|process\.\w+(\.\w+)?)$/;

function difference(before: Stmt[], after: Stmt[]): Stmt[] {
  const left = new Map<string, number>();
  for (const s of before) left.set(keyOf(s), (left.get(keyOf(s)) ?? 0) + 1);
  return after.filter((s) => {
    const n = left.get(keyOf(s)) ?? 0;
    if (n > 0) left.set(keyOf(s), n - 1);
    return n === 0;
  });
}

/** The loop the budget's accumulator sits in (its path up to that loop), the conditions that guard it, and the fast-fail check's names. */
function budgetShape(stmts: Stmt[], timingVars: ReadonlySet<string>) {
  // Every statement that sets training time inside a loop; the accumulator (total += dt) names the timed loop.
  const timed = stmts.filter((s) => s.targets.some((t) => timingVars.has(t)) && s.path.some(isLoop));
  const accumulator = timed.find((s) => /^AugAssign$/.test(s.kind) || /^\s*\w+\s*[-+]=/.test(s.key)) ?? timed[0];
  let loop: string[] | null = null;
  const guards = new Set<string>();
  if (accumulator) {
    loop = accumulator.path.slice(0, accumulator.path.map(isLoop).lastIndexOf(true) + 1);
    const inLoop = (s: Stmt) => loop!.every((p, i) => s.path[i] === p);
    // The conditions between the loop and a timing statement decide which steps count; those around a break, when training stops.
    const headers = new Set(timed.filter(inLoop).flatMap((t) => t.path.slice(loop!.length)));
    for (const s of stmts) {
      const guardsTime = inLoop(s) && headers.has(s.key) && timed.some((t) => t.path.length > s.path.length && t.path[s.path.length] === s.key);
      const guardsStop = inLoop(s) && stmts.some((b) => /^Break/.test(b.kind) && b.path.at(-1) === s.key && b.path.length === s.path.length + 1);
      if (guardsTime || guardsStop) for (const r of s.reads) guards.add(r);
    }
  }
  const fastFail = stmts.filter((s) => s.calls.some((c) => FAST_FAIL_NAMES.has(c.split(".").at(-1)!)) && s.path.length < 8);
  const fastFailVars = new Set(
    fastFail
      .filter((s) => /^If/.test(s.kind))
      .flatMap((s) => s.reads)
      .filter((r) => !/^[A-Z]/.test(r)),
  );
  // One step back along the values the check reads (train_loss_f = train_loss.item()): a value computed from
  // others feeds the check through them; a value a function returns (loss = step(…)) feeds it through its returns.
  const feeders = new Set<string>();
  const upstream = new Set<string>();
  for (const s of stmts.filter((x) => x.targets.some((t) => fastFailVars.has(t)))) {
    const own = s.calls.filter((c) => !c.startsWith("(expression).") && !s.reads.some((r) => c.startsWith(`${r}.`)) && !/^(Math|torch|numpy|math)\./.test(c) && !NOT_WORK.test(c));
    for (const c of own) feeders.add(c);
    if (!own.length) for (const r of s.reads) if (!/^[A-Z]/.test(r) && !fastFailVars.has(r)) upstream.add(r);
  }
  return { loop, guards, fastFailHeaders: new Set(fastFail.filter((s) => /^If/.test(s.kind)).map((s) => s.key)), fastFailVars, upstream, feeders };
}

export function statementFindings(before: SourceFacts, after: SourceFacts, ctx: StatementContext): SourceFinding[] {
  const out: SourceFinding[] = [];
  const add = (f: SourceFinding) => {
    if (!out.some((o) => o.rule === f.rule && o.line === f.line)) out.push(f);
  };
  // The summary's text, however it is spelled: "val" "_bpb:", "val" + "_bpb", f"{'val_bpb'}:".
  const seen = new Map<string, number>();
  for (const s of before.strings ?? []) seen.set(s.value, (seen.get(s.value) ?? 0) + 1);
  for (const s of after.strings ?? []) {
    const n = seen.get(s.value) ?? 0;
    if (n > 0) seen.set(s.value, n - 1);
    else if (isSummaryString(s.value, ctx.metricName))
      add({
        rule: "metric-output",
        message: `writes text that reads as the summary (${JSON.stringify(s.value.slice(0, 40))}, as it prints): only the unchanged harness may print the score`,
        line: s.line,
      });
  }
  const b = before.stmts ?? [];
  const a = after.stmts ?? [];
  const shape = budgetShape(b, ctx.timingVars);
  const changed = [...difference(a, b).map((s) => ({ s, verb: "removes" })), ...difference(b, a).map((s) => ({ s, verb: "adds" }))];
  const inTimedLoop = (s: Stmt) => shape.loop?.every((p, i) => s.path[i] === p) && !s.path.slice(shape.loop.length).some((p) => /^(def|function|class) /.test(p));
  const text = (s: Stmt) => s.key.slice(0, 70);
  const COMPOUND = /^(If|While|For|AsyncFor|With|AsyncWith|Try|TryStar|Match|FunctionDef|AsyncFunctionDef|ClassDef)$|Statement$|Declaration$/;
  const summaryIn = (facts: SourceFacts, s: Stmt) =>
    (facts.strings ?? []).find(
      (x) => x.line >= s.line && x.line <= (COMPOUND.test(s.kind) && !/^(Expression|Return|Throw)Statement$/.test(s.kind) ? s.line : s.endLine) && isSummaryString(x.value, ctx.metricName),
    );
  for (const { s, verb } of changed) {
    const summary = summaryIn(verb === "adds" ? after : before, s);
    if (summary)
      add({
        rule: "metric-output",
        message: `${verb} \`${text(s)}\`, output that reads as the summary (${JSON.stringify(summary.value.slice(0, 40))}): only the unchanged harness may print the score`,
        line: s.line,
      });
    const metric = s.targets.find((t) => ctx.metricVars.has(t));
    if (metric) add({ rule: "metric-computation", message: `${verb} \`${text(s)}\`: it sets ${metric}, the value the summary reports as ${ctx.metricName}`, line: s.line });
    const clock = s.calls.find((c) => TIME_CALLS.includes(c));
    const timing = s.targets.find((t) => ctx.timingVars.has(t));
    if (clock && verb === "adds") add({ rule: "timing", message: `reads the clock (${clock}): training time must be measured as the harness defines it`, line: s.line });
    else if (timing)
      add({ rule: "timing", message: `${verb} \`${text(s)}\`, which sets ${timing}: training time, measured against the budget${s.path.length ? ` (inside ${s.path.at(-1)})` : ""}`, line: s.line });
    else if (clock) add({ rule: "timing", message: `${verb} a clock read (\`${text(s)}\`): training time must be measured as the harness defines it`, line: s.line });
    if (inTimedLoop(s) && CONTROL.test(s.kind))
      add({ rule: "timing", message: `${verb} \`${text(s)}\` in the timed loop: it changes which steps count toward the budget, or when training stops`, line: s.line });
    if (inTimedLoop(s) && s.calls.some((c) => /(^|\.)synchronize$/.test(c)))
      add({ rule: "timing", message: `${verb} \`${text(s)}\` in the timed loop: the clock must wait for the device, or the step's time goes uncounted`, line: s.line });
    const guard = s.targets.find((t) => shape.guards.has(t) && !ctx.timingVars.has(t));
    if (guard) add({ rule: "timing", message: `${verb} \`${text(s)}\`: it sets ${guard}, which the budget's conditions read (which steps count, when training stops)`, line: s.line });
    const check = s.calls.find((c) => FAST_FAIL_NAMES.has(c.split(".").at(-1)!) || /nan_to_num$/.test(c));
    // Upstream of the check (train_loss before train_loss_f), and in the returns of the function that computes it,
    // what counts is a value capped or replaced: a limit, a substitute, a choice.
    const caps = (x: Stmt) => CAPPING.test(x.key);
    const feeds = s.targets.find((t) => shape.fastFailVars.has(t) || (shape.upstream.has(t) && caps(s)));
    const returns = /^Return/.test(s.kind) && caps(s) && s.path.some((p) => shape.feeders.has(p.replace(/^(def|function) /, "")));
    if (check || feeds || returns || /["'`]FAIL["'`]/.test(s.key) || s.path.some((p) => shape.fastFailHeaders.has(p))) {
      add({
        rule: "fast-fail",
        message: `${verb} \`${text(s)}\`${feeds ? `, which sets ${feeds}, what the fast-fail check reads` : ", part of the fast-fail check"}: a diverging run must still stop`,
        line: s.line,
      });
    }
  }
  // The harness's data (what a protected function returns), rebound or changed in place: train = val, val.fill(…).
  const fromHarness = (c: string) => ctx.protectedModules.includes(c.split(".")[0]!) && c.includes(".");
  const data = new Map<string, string>();
  for (const s of b) for (const c of s.calls.filter(fromHarness)) for (const t of s.targets) if (!ctx.metricVars.has(t)) data.set(t, c.split(".").slice(1).join("."));
  for (const { s, verb } of changed) {
    const rebound = s.targets.find((t) => data.has(t));
    if (rebound)
      add({ rule: "evaluator-loss", message: `${verb} \`${text(s)}\`: it sets ${rebound}, which holds what ${data.get(rebound)} (protected) returns — the data trained on or scored`, line: s.line });
    const mutated = verb === "adds" ? (s.mutates ?? []).find((m) => data.has(m)) : undefined;
    if (mutated)
      add({ rule: "evaluator-loss", message: `changes ${mutated} in place (\`${text(s)}\`): it holds what ${data.get(mutated)} (protected) returns — the data trained on or scored`, line: s.line });
  }
  // The training loop reading data the parent's did not (val where it read train).
  if (shape.loop) {
    const inLoop = (x: Stmt) => shape.loop!.every((p, i) => x.path[i] === p);
    const readBefore = new Set(b.filter(inLoop).flatMap((x) => x.reads));
    for (const x of difference(b, a).filter(inLoop)) {
      const fresh = x.reads.find((r) => data.has(r) && !readBefore.has(r));
      if (fresh)
        add({
          rule: "evaluator-loss",
          message: `the training loop now reads ${fresh} (\`${text(x)}\`), what ${data.get(fresh)} (protected) returns, which its parent's did not: training on the data that scores it?`,
          line: x.line,
        });
    }
    // How much is trained in a step, made to depend on the counter that decides which steps count (a long untimed warm-up).
    for (const x of difference(b, a).filter((y) => inLoop(y) && /^(For|While|If|ForStatement|WhileStatement|IfStatement|AsyncFor)$/.test(y.kind))) {
      const guard = x.reads.find((r) => shape.guards.has(r) && !ctx.timingVars.has(r));
      const trains = a.some((y) => y.path.includes(x.key) && y.calls.some((c) => /(^|\.)(backward|step)$/.test(c) || c === "model"));
      if (guard && trains) add({ rule: "timing", message: `changes \`${text(x)}\`: how much is trained now depends on ${guard}, which decides which steps count toward the budget`, line: x.line });
    }
  }
  out.push(...untimedWork(b, a, shape.loop));
  return out;
}

/** `m2, o2 = model, optimizer`, `const f = step`: a name that is another name, position by position. */
function nameAliases(stmts: Stmt[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of stmts) {
    const m = /^(?:const |let |var )?\[?([\w$]+(?:\s*,\s*[\w$]+)*)\]?\s*=\s*\[?([\w$.]+(?:\s*,\s*[\w$.]+)*)\]?;?$/.exec(s.key);
    if (!m) continue;
    const targets = m[1]!.split(/\s*,\s*/);
    const sources = m[2]!.split(/\s*,\s*/);
    if (targets.length === sources.length)
      targets.forEach((t, i) => {
        if (t !== sources[i]) out.set(t, sources[i]!);
      });
  }
  return out;
}

/**
 * Training work outside the timed section (between the loop's clock reads), wherever it is written: before the
 * loop, after it, after the clock stops, or in a helper called from there, under any alias. Work is what the
 * timed section calls (the model, optimizer.step, a step function), and any backward pass.
 */
function untimedWork(before: Stmt[], after: Stmt[], loop: string[] | null): SourceFinding[] {
  if (!loop) return [];
  const inLoop = (s: Stmt) => loop.every((p, i) => s.path[i] === p);
  const section = (stmts: Stmt[]) => {
    const lines = stmts.filter((s) => inLoop(s) && s.calls.some((c) => TIME_CALLS.includes(c))).map((s) => s.line);
    return lines.length >= 2 ? { from: Math.min(...lines), to: Math.max(...lines) } : null;
  };
  const was = section(before);
  const now = section(after);
  if (!was || !now) return [];
  const isWorkName = (c: string) => !NOT_WORK.test(c) && !TIME_CALLS.includes(c) && (!c.startsWith("(expression).") || c === "(expression).backward");
  const work = new Set(
    before
      .filter((s) => inLoop(s) && s.line > was.from && s.line < was.to)
      .flatMap((s) => s.calls)
      .filter(isWorkName),
  );
  const aliases = nameAliases(after);
  const unalias = (c: string) => {
    const [head, ...rest] = c.split(".");
    return [aliases.get(head!) ?? head, ...rest].join(".");
  };
  const isWork = (c: string) => work.has(unalias(c)) || /(^|\.)backward$/.test(c);
  const inside = (line: number) => line > now.from && line < now.to;
  // A helper's body runs where it is called: inside the section only if every call of it is.
  const defOf = (s: Stmt) =>
    [...s.path]
      .reverse()
      .find((p) => /^(def|function) /.test(p))
      ?.replace(/^(def|function) /, "");
  const callSites = (fn: string) => after.filter((x) => x.calls.some((c) => unalias(c) === fn));
  const runsInside = (s: Stmt, depth = 0): boolean => {
    const fn = defOf(s);
    if (!fn) return inside(s.line);
    const sites = callSites(fn);
    return depth < 4 && sites.length > 0 && sites.every((x) => runsInside(x, depth + 1));
  };
  const out: SourceFinding[] = [];
  for (const s of difference(before, after)) {
    const call = s.calls.find(isWork);
    if (call && !runsInside(s)) out.push({ rule: "timing", message: `calls ${call} outside the timed section (between the loop's clock reads): training the budget does not count`, line: s.line });
  }
  return out;
}
