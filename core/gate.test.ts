import { describe, expect, it } from "vitest";
import { DEFAULT_GATE_SETTINGS, constantsOnlyChange, editNeedsApprovalAgain, gateCandidate, gateChangedFiles, needsHuman, withReviewer, type GateVerdict, type RiskLevel } from "./gate";

const files = (editable: string[], protectedFiles: string[]) => ({ editable, protected: protectedFiles });

describe("the file rules", () => {
  it("let edits to editable files through at low risk", () => {
    expect(gateChangedFiles(["train.py"], files(["train.py"], ["prepare.py"]))).toMatchObject({ level: "low", needsApproval: false });
  });
  it("block protected and non-editable files, saying which", () => {
    const v = gateChangedFiles(["train.py", "prepare.py", "pyproject.toml"], files(["train.py"], ["prepare.py"]));
    expect(v.level).toBe("blocked");
    expect(v.reasons.map((r) => [r.rule, r.file])).toEqual([
      ["protected-file", "prepare.py"],
      ["not-editable", "pyproject.toml"],
    ]);
  });
  it("ask a human as the policy says; a blocked change is never offered for approval", () => {
    const low = gateChangedFiles(["train.py"], files(["train.py"], []));
    const blocked = gateChangedFiles(["prepare.py"], files(["train.py"], ["prepare.py"]));
    const at = (level: RiskLevel) => ({ ...low, level });
    expect([needsHuman(low, "auto"), needsHuman(low, "risky"), needsHuman(low, "all")]).toEqual([false, false, true]);
    expect([needsHuman(at("medium"), "auto"), needsHuman(at("medium"), "risky"), needsHuman(at("medium"), "all")]).toEqual([false, true, true]);
    expect([needsHuman(at("high"), "auto"), needsHuman(at("high"), "risky")]).toEqual([true, true]);
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
    expect(editNeedsApprovalAgain(v("low"), v("medium", true), "risky")).toBe(true);
    expect(editNeedsApprovalAgain(v("medium"), v("high", true), "auto")).toBe(true);
    expect(editNeedsApprovalAgain(null, v("low"), "all")).toBe(true);
  });
  it("does not ask when the policy would not have asked anyone", () => {
    expect(editNeedsApprovalAgain(v("low"), v("medium"), "auto")).toBe(false);
  });
});

describe("gateCandidate", () => {
  const config = { editable: ["train.py", "train.mjs"], protected: ["prepare.py"] };
  const py = 'import torch\nDEPTH = 8\nMATRIX_LR = 0.04  # Muon\nWINDOW_PATTERN = "SSSL"\n\ndef main():\n    x = DEPTH * 2\n';

  it("calls a change of top-level constants low risk, naming each value and its line", () => {
    const after = py.replace("MATRIX_LR = 0.04", "MATRIX_LR = 0.08").replace('"SSSL"', '"SSLL"');
    const v = gateCandidate(["train.py"], config, { "train.py": py }, { "train.py": after });
    expect(v.level).toBe("low");
    expect(v.reasons).toEqual([
      { rule: "constants-only", message: "sets MATRIX_LR from 0.04 to 0.08", file: "train.py", line: 3, level: "low" },
      { rule: "constants-only", message: 'sets WINDOW_PATTERN from "SSSL" to "SSLL"', file: "train.py", line: 4, level: "low" },
    ]);
  });

  it("reads JavaScript's const lines the same way", () => {
    const js = "const LR = 0.01; // step size\nconst WIDTH = 3;\nrun(LR);\n";
    expect(constantsOnlyChange("train.mjs", js, js.replace("0.01", "0.02"))).toEqual([{ file: "train.mjs", name: "LR", line: 1, from: "0.01", to: "0.02" }]);
  });

  it("calls any other change medium risk and points at its first line", () => {
    const cases = [
      py.replace("    x = DEPTH * 2", "    x = DEPTH * 3"), // code
      py.replace("DEPTH = 8\n", "DEPTH = 8\nWIDTH = 512\n"), // a new line
      py.replace("DEPTH = 8", "DEPTH == 8"), // not an assignment
      py.replace("DEPTH = 8", "DEPTHS = 8"), // another name
    ];
    for (const after of cases) {
      const v = gateCandidate(["train.py"], config, { "train.py": py }, { "train.py": after });
      expect(v).toMatchObject({ level: "medium", reasons: [{ rule: "code-change", file: "train.py" }] });
    }
    expect(gateCandidate(["train.py"], config, { "train.py": py }, { "train.py": cases[0]! }).reasons[0]!.line).toBe(7);
  });

  it("blocks by file before it reads any content", () => {
    expect(gateCandidate(["prepare.py"], config, {}, {})).toMatchObject({ level: "blocked", reasons: [{ rule: "protected-file" }] });
  });

  it("flags a seed-only change as such, not as a hyperparameter", () => {
    const src = "SEED = 1\nLR = 0.1\ntorch.manual_seed(SEED)\n";
    const v = gateCandidate(["train.py"], config, { "train.py": src }, { "train.py": src.replace("SEED = 1", "SEED = 2") });
    expect(v).toMatchObject({ level: "medium", needsApproval: true, reasons: [{ rule: "seed-only" }] });
    const both = gateCandidate(["train.py"], config, { "train.py": src }, { "train.py": src.replace("SEED = 1", "SEED = 2").replace("0.1", "0.2") });
    expect(both.reasons.map((r) => r.rule)).toEqual(["constants-only", "constants-only"]);
  });

  it("calls added files and large diffs medium", () => {
    const added = gateCandidate(["train.py", "model.py"], { ...config, editable: ["train.py", "model.py"] }, { "train.py": py }, { "train.py": py, "model.py": "x = 1\n" });
    expect(added.reasons.map((r) => r.rule)).toContain("added-file");
    const long = py + Array.from({ length: 400 }, (_, i) => `y${i} = ${i}`).join("\n");
    expect(gateCandidate(["train.py"], config, { "train.py": py }, { "train.py": long }).reasons.map((r) => r.rule)).toContain("large-diff");
  });

  it("takes each rule's level from the workspace, or leaves the rule out when it is off", () => {
    const after = "import os\n" + py + "key = os.environ['HOME']\n";
    expect(gateCandidate(["train.py"], config, { "train.py": py }, { "train.py": after })).toMatchObject({
      level: "high",
      reasons: [{ rule: "environment", level: "high", line: 9 }, { rule: "code-change" }],
    });
    const gate = { ...DEFAULT_GATE_SETTINGS, rules: { environment: "blocked" as const, "code-change": "off" as const } };
    expect(gateCandidate(["train.py"], { ...config, gate }, { "train.py": py }, { "train.py": after })).toMatchObject({ level: "blocked", reasons: [{ rule: "environment", level: "blocked" }] });
  });

  it("takes the stricter of the rules and the reviewer", () => {
    const low: GateVerdict = { level: "low", needsApproval: false, reasons: [] };
    expect(withReviewer(low, { model: "m", level: "high", reasons: ["reads secrets"] })).toMatchObject({ level: "high", needsApproval: true });
    expect(withReviewer({ ...low, level: "blocked" }, { model: "m", level: "low", reasons: [] }).level).toBe("blocked");
  });
});
