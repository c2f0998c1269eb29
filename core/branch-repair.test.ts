import { describe, expect, it } from "vitest";
import { branchRepair, type BranchExperiment } from "./branch-repair";

const exps: BranchExperiment[] = [
  { idx: 0, commitSha: "base", status: "kept" },
  { idx: 1, commitSha: "one", status: "kept" },
  { idx: 2, commitSha: "two", status: "running" },
  { idx: 3, commitSha: null, status: "proposed" },
];

describe("branchRepair", () => {
  const cases: [string, string | null, string, ReturnType<typeof branchRepair>][] = [
    ["the branch at the recorded best agrees", "one", "one", { kind: "agrees" }],
    ["killed after moving the branch to #2 and before recording its keep: back to the best", "two", "one", { kind: "move_back", from: "two", to: "one", idx: 2 }],
    ["a branch at an older keep is a human's doing, left alone", "base", "one", { kind: "foreign", tip: "base" }],
    ["a branch at a commit of no experiment is left alone", "elsewhere", "one", { kind: "foreign", tip: "elsewhere" }],
    ["a branch that is gone is said, not recreated", null, "one", { kind: "foreign", tip: null }],
  ];
  it.each(cases)("%s", (_name, tip, best, expected) => expect(branchRepair(tip, best, exps)).toEqual(expected));
});
