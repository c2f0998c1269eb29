import { describe, expect, it } from "vitest";
import { gateChangedFiles, needsHuman } from "./gate";

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
