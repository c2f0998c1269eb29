/**
 * The gate's rules: their ids, default levels and what each means, in one table (docs and overseer.json's
 * validation read it too). A workspace may change any level, or turn a rule off, in overseer.json's `gate.rules`.
 */
export const RISK_LEVELS = ["low", "medium", "high", "blocked"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const RULES = {
  "protected-file": { level: "blocked", about: "edits a protected file (the evaluation harness, data preparation, dependencies)" },
  "not-editable": { level: "blocked", about: "edits a file outside the editable files" },
  "metric-output": { level: "blocked", about: "prints or changes output that looks like the summary (`val_bpb:`, `---`)" },
  "metric-computation": { level: "blocked", about: "changes the statement that computes the reported metric" },
  "protected-patch": { level: "blocked", about: "redefines, wraps or monkey-patches something imported from a protected module" },
  "output-patch": { level: "blocked", about: "replaces print, stdout or the console, which could forge the summary" },
  "source-trick": { level: "blocked", about: "source that reads differently to Python than to a person: a lone CR, U+2028, bidi controls, a non-UTF-8 coding line, non-ASCII names" },
  "builtin-rebind": { level: "blocked", about: "binds a builtin that prints, reads, writes or runs code (print, open, exec, eval, getattr, …), in any form" },
  "module-patch": { level: "blocked", about: "assigns or setattr-s an attribute of an imported module, sys or builtins" },
  timing: { level: "high", about: "changes how training time is measured, the budget's accumulator or the stop condition" },
  "fast-fail": { level: "high", about: "changes the NaN / divergence fast-fail check" },
  process: { level: "high", about: "starts or signals processes (subprocess, os.system, child_process)" },
  network: { level: "high", about: "reaches the network (socket, requests, urllib, http, fetch, a URL)" },
  filesystem: { level: "high", about: "deletes, moves or writes files, or names a path outside the run's folder" },
  environment: { level: "high", about: "reads or sets environment variables" },
  "dynamic-code": { level: "high", about: "runs code built at run time or inspects the interpreter (eval, exec, importlib, inspect)" },
  deserialization: { level: "high", about: "loads pickled data (pickle, torch.load without weights_only, numpy allow_pickle)" },
  introspection: { level: "high", about: "reaches the interpreter's tables: getattr with a computed name, __dict__, __globals__, globals(), frames, gc, inspect" },
  "new-import": { level: "high", about: "imports a module the parent did not, outside gate.allowedImports" },
  "evaluator-loss": {
    level: "high",
    about: "changes the loss, or branches on being scored, in code the protected evaluation runs (the model it is handed); or changes the arguments of a protected call",
  },
  unparsable: { level: "high", about: "Python cannot parse the changed file (or no interpreter was found to read it)" },
  "seed-only": { level: "medium", about: "changes only a random seed: not an idea, only noise" },
  "added-file": { level: "medium", about: "adds a file" },
  "deleted-file": { level: "medium", about: "deletes a file" },
  "large-diff": { level: "medium", about: "changes more lines than gate.maxDiffLines" },
  "clock-output": { level: "medium", about: "reads the clock only to print it (a log line), not to measure the budget" },
  "evaluator-code": { level: "medium", about: "changes code the protected evaluation runs (the model's methods): named, for the reviewer" },
  "code-change": { level: "medium", about: "changes code, not only top-level constants: read the diff" },
  "constants-only": { level: "low", about: "changes only top-level constants (hyperparameters)" },
} as const satisfies Record<string, { level: RiskLevel; about: string }>;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function riskRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export function stricter(a: RiskLevel, b: RiskLevel): RiskLevel {
  return riskRank(a) >= riskRank(b) ? a : b;
}
