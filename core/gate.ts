/**
 * The minimal gate: only edits to the workspace's editable files may run; anything else is blocked. The
 * safety-gate issue replaces this with the full rule engine; the verdict's shape is the one it will use.
 */
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
