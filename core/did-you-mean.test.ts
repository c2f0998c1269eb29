import { describe, expect, it } from "vitest";
import { closestWord } from "./did-you-mean";

const LOOP = ["proposer", "experiments", "approve", "tag", "baseline-runs", "seed", "plateau", "max-cost", "max-minutes", "resume"];

describe("closestWord", () => {
  it.each([
    ["experimnts", "experiments"],
    ["expriments", "experiments"],
    ["propser", "proposer"],
    ["aprove", "approve"],
    ["baseline-run", "baseline-runs"],
    ["exp", "experiments"],
    ["max-cots", "max-cost"],
  ])("%s → %s", (typo, want) => expect(closestWord(typo, LOOP)).toBe(want));
  it.each(["verbose", "x", "gpu-count"])("%s → nothing close", (word) => expect(closestWord(word, LOOP)).toBeNull());
});
