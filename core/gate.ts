/**
 * The gate: a candidate's verdict from rules over its changed files and code (core/gate/), with the levels the
 * workspace configures, and the session policy that decides what waits for a human. Pure.
 */
import { diffLines } from "diff";
import { constantOnLine } from "./constants";
import { languageOf } from "./code/tokenize";
import { codeChange } from "./gate/code-rules";
import { TIME_CALLS } from "./gate/capabilities";
import { constantsReadByEvaluator } from "./gate/evaluator-rules";
import { nonLiteralConstant, sourceFindings, type SourceFacts, type SourceParse } from "./gate/source-rules";
import { statementFindings } from "./gate/statement-rules";
import { RULES, riskRank, stricter, type RiskLevel, type RuleId } from "./gate/rules";

export type { RiskLevel, RuleId } from "./gate/rules";
export type { SourceFacts, SourceParse } from "./gate/source-rules";

export interface GateReason {
  rule: string;
  message: string;
  file?: string;
  line?: number;
  /** This reason's own level (the rule's, as the workspace configures it). */
  level?: RiskLevel;
}

export interface GateVerdict {
  level: RiskLevel;
  /** Whether the default policy waits for a human: medium and high. */
  needsApproval: boolean;
  reasons: GateReason[];
  /** The reviewer model's opinion, when one was asked (its level is already folded into `level`). */
  reviewer?: { model: string; level: RiskLevel; reasons: string[] };
}

export interface GateSettings {
  /** A level per rule id, or "off"; rules not named keep their defaults. */
  rules: Partial<Record<RuleId, RiskLevel | "off">>;
  maxDiffLines: number;
  /** Names that hold the time budget (imported from a protected module), e.g. TIME_BUDGET. */
  budgetNames: string[];
  /** Modules a candidate may newly import without a human's look, besides the defaults (core/gate/source-rules). */
  allowedImports?: string[];
}

export const DEFAULT_GATE_SETTINGS: GateSettings = { rules: {}, maxDiffLines: 300, budgetNames: ["TIME_BUDGET"], allowedImports: [] };

/** What the interpreter read of each changed Python file, before and after (runner/gate): the rules' ground truth. */
export type ParsedSources = Record<string, { before: SourceParse | null; after: SourceParse }>;

export interface GateConfig {
  editable: readonly string[];
  protected: readonly string[];
  metric?: { name: string };
  gate?: GateSettings;
}

type Found = Omit<GateReason, "level"> & { rule: RuleId };

function fileRules(changed: readonly string[], config: GateConfig): Found[] {
  const found: Found[] = [];
  for (const file of changed) {
    if (config.protected.includes(file)) found.push({ rule: "protected-file", message: `${file} is protected: experiments must not change it`, file });
    else if (!config.editable.includes(file)) found.push({ rule: "not-editable", message: `${file} is not an editable file (editable: ${config.editable.join(", ")})`, file });
  }
  return found;
}

interface ConstantChange {
  file: string;
  name: string;
  line: number;
  from: string;
  to: string;
}

/** The constants a change sets, when that is all it changes (line for line, same names); null when it changes code. */
export function constantsOnlyChange(file: string, before: string, after: string): ConstantChange[] | null {
  const b = before.split("\n");
  const a = after.split("\n");
  if (a.length !== b.length) return null;
  const changes: ConstantChange[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const cb = constantOnLine(b[i]!);
    const ca = constantOnLine(a[i]!);
    if (!cb || !ca || cb.name !== ca.name) return null;
    if (cb.value !== ca.value) changes.push({ file, name: ca.name, line: i + 1, from: cb.value, to: ca.value });
  }
  return changes;
}

/** The rules core/gate/statement-rules judges from the parser's statements: the token rules' version is dropped where a parser read the file. */
const STATEMENT_RULES = new Set(["metric-output", "metric-computation", "timing", "fast-fail"]);

/** Protected source files as module names (prepare.py → prepare, lib/eval.mjs → lib.eval). */
const protectedModulesOf = (config: GateConfig) => config.protected.filter((f) => /\.(py|m?js|cjs)$/.test(f)).map((f) => f.replace(/\.(py|m?js|cjs)$/, "").replace(/\//g, "."));
/** Values that leave code inert where they multiply or count (0, 0.0, False, None, an empty string). */
const INERT = /^(0|0\.0*|\.0+|0e0|-0|false|False|None|null|""|'')$/;

function firstChangedLine(before: string, after: string): number {
  const b = before.split("\n");
  const a = after.split("\n");
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1;
}

function changedLineCount(before: string, after: string): number {
  return diffLines(before, after).reduce((n, part) => n + (part.added || part.removed ? (part.count ?? 0) : 0), 0);
}

/** What each changed, allowed file's content changes: the code rules, then constants, seeds or code. */
function contentRules(
  changed: readonly string[],
  config: GateConfig,
  settings: GateSettings,
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  parsed: ParsedSources,
): Found[] {
  const found: Found[] = [];
  const kinds: ("constants" | "seed" | "code")[] = [];
  const constants: Found[] = [];
  let lines = 0;
  for (const file of changed) {
    const b = before[file];
    const a = after[file];
    if (b === undefined || a === undefined) {
      found.push(b === undefined ? { rule: "added-file", message: `adds ${file}`, file } : { rule: "deleted-file", message: `deletes ${file}`, file });
      kinds.push("code");
      lines += (a ?? b ?? "").split("\n").length;
      continue;
    }
    lines += changedLineCount(b, a);
    const lang = languageOf(file);
    const code = lang ? codeChange(file, lang, b, a, { file, protectedFiles: config.protected, metricName: config.metric?.name ?? "val_bpb", budgetNames: settings.budgetNames }) : null;
    const py = parsed[file];
    let pyFound: ReturnType<typeof sourceFindings> = [];
    // Code Python cannot parse has no statements to judge: the token rules' reading of it would be noise.
    if (code && py?.after.ok !== false) found.push(...(py?.after.ok ? code.findings.filter((f) => !STATEMENT_RULES.has(f.rule)) : code.findings));
    if (py) {
      const protectedModules = protectedModulesOf(config);
      const language = file.endsWith(".py") ? "python" : "javascript";
      pyFound = sourceFindings(py.before, py.after, {
        language,
        protectedModules,
        protectedFiles: config.protected,
        allowedImports: settings.allowedImports ?? [],
        texts: { before: b, after: a },
        timingVars: code?.timingVars,
        metricVars: code?.metricVars,
      });
      for (const f of pyFound) found.push({ ...f, file });
      if (py.after.ok && py.after.stmts && code) {
        const prior = py.before?.ok ? py.before : { ...py.after, stmts: [], strings: [] };
        for (const f of clockReadsForOutput(
          statementFindings(prior, py.after, { metricName: config.metric?.name ?? "val_bpb", timingVars: code.timingVars, metricVars: code.metricVars, protectedModules }),
          py.after,
        ))
          found.push({ ...f, file });
      }
    }
    let consts = constantsOnlyChange(file, b, a);
    // A "constant" is a literal to Python, or arithmetic on literals and other constants; anything else is code.
    const notLiteral =
      consts && py
        ? nonLiteralConstant(
            py.after,
            consts.map((c) => c.line),
          )
        : null;
    if (notLiteral) {
      consts = null;
      found.push({ rule: "code-change", message: `the new value of ${notLiteral.name} is not a literal: it is code that runs when the module loads`, file, line: notLiteral.line });
    }
    if (code?.seedOnly || (consts && consts.length > 0 && consts.every((c) => /seed/i.test(c.name)))) kinds.push("seed");
    else if (consts) {
      kinds.push("constants");
      for (const c of consts) constants.push({ rule: "constants-only", message: `sets ${c.name} from ${c.from} to ${c.to}`, file, line: c.line });
      // A constant the evaluation's code reads, set from nothing (0, False, None) to something: it switches on code that was inert.
      const readers = py?.after.ok ? constantsReadByEvaluator(py.after, { protectedModules: protectedModulesOf(config) }) : new Map<string, { fn: string; by: string }>();
      for (const c of consts) {
        const reader = readers.get(c.name);
        if (reader && INERT.test(c.from.trim()) && !INERT.test(c.to.trim()))
          found.push({
            rule: "evaluator-loss",
            message: `sets ${c.name} from ${c.from} to ${c.to}: ${reader.fn}, which ${reader.by} (protected) runs to score the run, reads it — code that did nothing at ${c.from} now runs`,
            file,
            line: c.line,
          });
      }
    } else {
      kinds.push("code");
      // "code-change" is for what no specific rule describes.
      if (!notLiteral && !pyFound.some((f) => f.rule === "evaluator-code" || f.rule === "evaluator-loss"))
        found.push({ rule: "code-change", message: `changes code in ${file}, not only its constants: read the diff`, file, line: firstChangedLine(b, a) });
    }
  }
  if (lines > settings.maxDiffLines) found.push({ rule: "large-diff", message: `changes ${lines} lines (more than ${settings.maxDiffLines}): a change this large is hard to review` });
  if (kinds.length && kinds.every((k) => k === "seed")) found.push({ rule: "seed-only", message: "changes only the random seed: not an idea, only a draw of the noise" });
  else if (kinds.every((k) => k === "constants")) found.push(...constants);
  return found;
}

/**
 * A clock read whose value only goes into print (a wall time in a log line) is not timing logic: named at medium,
 * so that "timing" keeps meaning the budget. Python says which calls sit inside a print's arguments.
 */
function clockReadsForOutput<F extends { rule: string; message: string; line: number }>(findings: F[], after: SourceFacts): F[] {
  return findings.map((f) => {
    if (f.rule !== "timing" || !f.message.startsWith("reads the clock")) return f;
    const clocks = after.calls.filter((c) => c.line === f.line && TIME_CALLS.includes(c.name));
    if (!clocks.length || !clocks.every((c) => c.inOutput)) return f;
    return { ...f, rule: "clock-output", message: `reads the clock (${clocks[0]!.name}) only to print it: a log line, not the budget — check that nothing else uses it` };
  });
}

function verdictOf(found: Found[], settings: GateSettings): GateVerdict {
  const reasons: GateReason[] = [];
  for (const f of found) {
    const level = settings.rules[f.rule] ?? RULES[f.rule].level;
    if (level !== "off") reasons.push({ ...f, level });
  }
  reasons.sort((x, y) => riskRank(y.level!) - riskRank(x.level!));
  const level = reasons.reduce<RiskLevel>((l, r) => stricter(l, r.level!), "low");
  return { level, needsApproval: level === "medium" || level === "high", reasons };
}

/**
 * A built candidate's verdict. `changed` lists every file the commit changes; `before` and `after` hold the
 * editable files' contents at the parent and in the candidate (a file absent from one side was added or deleted).
 */
export function gateCandidate(
  changed: readonly string[],
  config: GateConfig,
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  parsed: ParsedSources = {},
): GateVerdict {
  const settings = config.gate ?? DEFAULT_GATE_SETTINGS;
  const byFile = fileRules(changed, config);
  const allowed = changed.filter((f) => !byFile.some((x) => x.file === f));
  return verdictOf([...byFile, ...contentRules(allowed, config, settings, before, after, parsed)], settings);
}

/** The file rules alone: for a diff not yet built (only protected and non-editable files are known to be wrong). */
export function gateChangedFiles(changed: readonly string[], config: GateConfig): GateVerdict {
  return verdictOf(fileRules(changed, config), config.gate ?? DEFAULT_GATE_SETTINGS);
}

/** Folds a reviewer model's opinion into the rules' verdict: the stricter of the two. */
export function withReviewer(verdict: GateVerdict, reviewer: NonNullable<GateVerdict["reviewer"]>): GateVerdict {
  const level = stricter(verdict.level, reviewer.level);
  return { ...verdict, level, needsApproval: level === "medium" || level === "high", reviewer };
}

/**
 * What runs unattended: "risky" (the default) runs low and waits for a human on medium and high; "auto" waits
 * only on high; "all" waits on everything. Blocked never runs, so there is nothing to approve.
 */
export type ApprovalPolicy = "auto" | "risky" | "all";

export function needsHuman(verdict: GateVerdict, policy: ApprovalPolicy): boolean {
  if (verdict.level === "blocked") return false;
  if (policy === "all") return true;
  if (policy === "risky") return verdict.level === "medium" || verdict.level === "high";
  return verdict.level === "high";
}

/**
 * Whether a candidate that a human edited and approved waits for them again: only when the policy asks for a
 * human at all and the gate finds the edited code riskier than the verdict they approved it under.
 */
export function editNeedsApprovalAgain(approvedUnder: GateVerdict | null, now: GateVerdict, policy: ApprovalPolicy): boolean {
  if (!needsHuman(now, policy)) return false;
  return approvedUnder === null || riskRank(now.level) > riskRank(approvedUnder.level);
}
