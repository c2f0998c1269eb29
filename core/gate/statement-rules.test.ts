import { describe, expect, it } from "vitest";
import type { SourceFacts, Stmt } from "./source-rules";
import { statementFindings } from "./statement-rules";

/** A statement as the parsers give it: `path` is the headers around it, outermost first. */
const st = (line: number, key: string, path: string[] = [], o: Partial<Stmt> = {}): Stmt => ({ line, endLine: line, kind: "Expr", key, path, targets: [], reads: [], calls: [], ...o });
const facts = (stmts: Stmt[], strings: { line: number; value: string }[] = []): SourceFacts => ({
  ok: true,
  tricks: [],
  imports: [],
  bindings: [],
  attrWrites: [],
  calls: [],
  dynamic: [],
  dunders: [],
  constants: [],
  functions: [],
  instances: [],
  stmts,
  strings,
});

const LOOP = "while True";
/** autoresearch's loop, reduced to what the rules read: clock reads around the step, a guarded accumulator, a stop, a fast-fail. */
const PARENT = [
  st(1, "step = 0", [], { kind: "Assign", targets: ["step"] }),
  st(2, LOOP, [], { kind: "While" }),
  st(3, "t0 = time.time()", [LOOP], { kind: "Assign", targets: ["t0"], calls: ["time.time"] }),
  st(4, "loss = model(x, y)", [LOOP], { kind: "Assign", targets: ["loss"], reads: ["model", "x", "y"], calls: ["model"] }),
  st(5, "optimizer.step()", [LOOP], { calls: ["optimizer.step"] }),
  st(6, "train_loss_f = loss.item()", [LOOP], { kind: "Assign", targets: ["train_loss_f"], calls: ["(expression).item"] }),
  st(7, "if math.isnan(train_loss_f)", [LOOP], { kind: "If", reads: ["math", "train_loss_f"], calls: ["math.isnan"] }),
  st(8, "exit(1)", [LOOP, "if math.isnan(train_loss_f)"], { calls: ["exit"] }),
  st(9, "torch.cuda.synchronize()", [LOOP], { calls: ["torch.cuda.synchronize"] }),
  st(10, "t1 = time.time()", [LOOP], { kind: "Assign", targets: ["t1"], calls: ["time.time"] }),
  st(11, "dt = t1 - t0", [LOOP], { kind: "Assign", targets: ["dt"], reads: ["t0", "t1"] }),
  st(12, "if step > 10", [LOOP], { kind: "If", reads: ["step"] }),
  st(13, "total += dt", [LOOP, "if step > 10"], { kind: "AugAssign", targets: ["total"], reads: ["dt"] }),
  st(14, "step += 1", [LOOP], { kind: "AugAssign", targets: ["step"] }),
  st(15, "if total >= TIME_BUDGET", [LOOP], { kind: "If", reads: ["TIME_BUDGET", "total"] }),
  st(16, "break", [LOOP, "if total >= TIME_BUDGET"], { kind: "Break" }),
  st(17, "val_bpb = evaluate_bpb(model)", [], { kind: "Assign", targets: ["val_bpb"], calls: ["prepare.evaluate_bpb"] }),
  st(18, "val = prepare.load_val()", [], { kind: "Assign", targets: ["val"], calls: ["prepare.load_val"] }),
];
const SUMMARY = [{ line: 19, value: "val_bpb: {}" }];
const ctx = { metricName: "val_bpb", timingVars: new Set(["t0", "t1", "dt", "total"]), metricVars: new Set(["val_bpb"]), protectedModules: ["prepare"] };

/** The parent with `edit` applied: lines replaced (by line number), inserted (at a fractional line) or removed (null). */
function edited(edit: Record<number, Stmt | null>): Stmt[] {
  const out = PARENT.filter((s) => !(s.line in edit) || edit[s.line] !== null).map((s) => (s.line in edit ? edit[s.line]! : s));
  for (const [line, s] of Object.entries(edit)) if (!PARENT.some((p) => p.line === Number(line)) && s) out.push(s);
  return out.sort((a, b) => a.line - b.line);
}
const rulesFor = (after: Stmt[], strings = SUMMARY) => statementFindings(facts(PARENT, SUMMARY), facts(after, strings), ctx).map((f) => f.rule);

describe("statement rules: the budget, the fast-fail check, the summary and the harness's data", () => {
  const table: { what: string; after: Stmt[]; strings?: { line: number; value: string }[]; expect: string[] }[] = [
    { what: "the parent itself", after: PARENT, expect: [] },
    { what: "a continue in the timed loop", after: edited({ 12.5: st(12.5, "continue", [LOOP], { kind: "Continue" }) }), expect: ["timing"] },
    {
      what: "the accumulator moved under a new with",
      after: edited({ 13: st(13, "total += dt", [LOOP, "if step > 10", "with suppress(E)"], { kind: "AugAssign", targets: ["total"], reads: ["dt"] }) }),
      expect: ["timing"],
    },
    { what: "the step counter the accumulator's guard reads, started lower", after: edited({ 1: st(1, "step = -1000", [], { kind: "Assign", targets: ["step"] }) }), expect: ["timing"] },
    { what: "the device fence removed", after: edited({ 9: null }), expect: ["timing"] },
    { what: "a second optimizer step after the clock stops", after: edited({ 11.5: st(11.5, "optimizer.step()", [LOOP], { calls: ["optimizer.step"] }) }), expect: ["timing"] },
    { what: "a second optimizer step inside the timed section", after: edited({ 5.5: st(5.5, "optimizer.step()", [LOOP], { calls: ["optimizer.step"] }) }), expect: [] },
    { what: "a log line after the clock that reads the step counter", after: edited({ 14.5: st(14.5, "if step % 100 == 0", [LOOP], { kind: "If", reads: ["step"] }) }), expect: [] },
    {
      what: "the value the fast-fail check reads, rewritten",
      after: edited({ 6: st(6, "train_loss_f = torch.nan_to_num(loss).item()", [LOOP], { kind: "Assign", targets: ["train_loss_f"], calls: ["(expression).item", "torch.nan_to_num"] }) }),
      expect: ["fast-fail"],
    },
    { what: "the fast-fail exit removed", after: edited({ 8: null }), expect: ["fast-fail"] },
    { what: "the metric rebound", after: edited({ 17.5: st(17.5, "val_bpb = val_bpb * 0.9", [], { kind: "Assign", targets: ["val_bpb"], reads: ["val_bpb"] }) }), expect: ["metric-computation"] },
    { what: "a summary line spelled in pieces", after: PARENT, strings: [...SUMMARY, { line: 20, value: "val_bpb: 0.5" }], expect: ["metric-output"] },
    { what: "the harness's data rebound", after: edited({ 18.5: st(18.5, "val = val[:10]", [], { kind: "Assign", targets: ["val"], reads: ["val"] }) }), expect: ["evaluator-loss"] },
    { what: "the harness's data changed in place", after: edited({ 18.5: st(18.5, "val.fill_(0)", [], { calls: ["val.fill_"], mutates: ["val"] }) }), expect: ["evaluator-loss"] },
    { what: "the harness's data read", after: edited({ 18.5: st(18.5, "print(len(val))", [], { reads: ["val"], calls: ["len", "print"] }) }), expect: [] },
  ];
  for (const row of table) {
    it(row.what, () => {
      expect([...new Set(rulesFor(row.after, row.strings))].sort()).toEqual(row.expect);
    });
  }
});
