import { describe, expect, it } from "vitest";
import { editNeedsApprovalAgain, gateChangedFiles, needsHuman, type GateVerdict, type RiskLevel } from "./gate";

describe("the minimal gate", () => {
  it("lets edits to editable files through at low risk", () => {
    expect(gateChangedFiles(["train.py"], ["train.py"], ["prepare.py"])).toMatchObject({ level: "low", needsApproval: false });
  });
  it("blocks protected and non-editable files, saying which", () => {
    const v = gateChangedFiles(["train.py", "prepare.py", "pyproject.toml"], ["train.py"], ["prepare.py"]);
    expect(v.level).toBe("blocked");
    expect(v.reasons.map((r) => [r.rule, r.file])).toEqual([
      ["protected-file", "prepare.py"],
      ["not-editable", "pyproject.toml"],
    ]);
  });
  it("asks a human as the policy says; a blocked change is never offered for approval", () => {
    const low = gateChangedFiles(["train.py"], ["train.py"], []);
    const blocked = gateChangedFiles(["prepare.py"], ["train.py"], ["prepare.py"]);
    expect([needsHuman(low, "auto"), needsHuman(low, "risky"), needsHuman(low, "all")]).toEqual([false, false, true]);
    expect(needsHuman({ ...low, level: "high" }, "risky")).toBe(true);
    expect(needsHuman(blocked, "all")).toBe(false);
  });
});

describe("editNeedsApprovalAgain", () => {
  const v = (level: RiskLevel, needsApproval = false): GateVerdict => ({ level, needsApproval, reasons: [] });
  it("runs an edited candidate at the risk the human approved, or lower", () => {
    expect(editNeedsApprovalAgain(v("medium"), v("medium"), "risky")).toBe(false);
    expect(editNeedsApprovalAgain(v("high"), v("low"), "all")).toBe(false);
  });
  it("asks again when the edit made it riskier, under a policy that asks for that risk", () => {
    expect(editNeedsApprovalAgain(v("low"), v("high"), "risky")).toBe(true);
    expect(editNeedsApprovalAgain(v("low"), v("medium", true), "auto")).toBe(true);
    expect(editNeedsApprovalAgain(null, v("low"), "all")).toBe(true);
  });
  it("does not ask when the policy would not have asked anyone", () => {
    expect(editNeedsApprovalAgain(v("low"), v("high"), "auto")).toBe(false);
  });
});
