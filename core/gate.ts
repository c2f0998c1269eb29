/**
 * The gate, as far as it goes yet: only edits to the workspace's editable files may run (anything else is
 * blocked), and a change limited to top-level constants (hyperparameters) is low risk where a change to code
 * is medium. The safety-gate issue grows this into the full rule engine; the verdict's shape is the one it uses.
 */
import { constantOnLine } from "./constants";

export type RiskLevel = "low" | "medium" | "high" | "blocked";

export interface GateReason {
  rule: string;
  message: string;
  file?: string;
  line?: number;
}

export interface GateVerdict {
  level: RiskLevel;
  needsApproval: boolean;
  reasons: GateReason[];
}

export function gateChangedFiles(changed: readonly string[], editable: readonly string[], protectedFiles: readonly string[]): GateVerdict {
  const reasons: GateReason[] = [];
  for (const file of changed) {
    if (protectedFiles.includes(file)) reasons.push({ rule: "protected-file", message: `${file} is protected: experiments must not change it`, file });
    else if (!editable.includes(file)) reasons.push({ rule: "not-editable", message: `${file} is not an editable file (editable: ${editable.join(", ")})`, file });
  }
  if (reasons.length) return { level: "blocked", needsApproval: false, reasons };
  return { level: "low", needsApproval: false, reasons: [{ rule: "editable-only", message: `changes only ${changed.join(", ")}` }] };
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

/** The first changed line of a file, for a reason that points at the code. */
function firstChangedLine(before: string, after: string): number {
  const b = before.split("\n");
  const a = after.split("\n");
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1;
}

/**
 * A built candidate's verdict: the file rules first, then what its content changes. `before` and `after` are
 * the editable files' contents at the parent and in the candidate.
 */
export function gateCandidate(
  changed: readonly string[],
  config: { editable: readonly string[]; protected: readonly string[] },
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): GateVerdict {
  const byFile = gateChangedFiles(changed, config.editable, config.protected);
  if (byFile.level === "blocked") return byFile;
  const reasons: GateReason[] = [];
  let codeChanged = false;
  for (const file of changed) {
    const b = before[file] ?? "";
    const a = after[file] ?? "";
    const constants = constantsOnlyChange(file, b, a);
    if (constants === null) {
      codeChanged = true;
      reasons.push({ rule: "code-change", message: `changes code in ${file}, not only its constants: read the diff`, file, line: firstChangedLine(b, a) });
    } else {
      for (const c of constants) reasons.push({ rule: "constants-only", message: `sets ${c.name} from ${c.from} to ${c.to}`, file, line: c.line });
    }
  }
  return { level: codeChanged ? "medium" : "low", needsApproval: false, reasons };
}

export type ApprovalPolicy = "auto" | "risky" | "all";

/** Whether an experiment with this verdict waits for a human under the session's policy. */
export function needsHuman(verdict: GateVerdict, policy: ApprovalPolicy): boolean {
  if (verdict.level === "blocked") return false; // never runs, nothing to approve
  if (policy === "all") return true;
  if (policy === "risky") return verdict.needsApproval || verdict.level === "medium" || verdict.level === "high";
  return verdict.needsApproval;
}

const RISK_ORDER: readonly RiskLevel[] = ["low", "medium", "high", "blocked"];

/**
 * Whether a candidate that a human edited and approved waits for them again: only when the policy asks for a
 * human at all and the gate finds the edited code riskier than the verdict they approved it under.
 */
export function editNeedsApprovalAgain(approvedUnder: GateVerdict | null, now: GateVerdict, policy: ApprovalPolicy): boolean {
  if (!needsHuman(now, policy)) return false;
  return approvedUnder === null || RISK_ORDER.indexOf(now.level) > RISK_ORDER.indexOf(approvedUnder.level);
}
