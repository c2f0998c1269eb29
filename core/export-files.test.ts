import { describe, expect, it } from "vitest";
import { exportFileName, exportPath } from "./export-files";

describe("export files", () => {
  it("live in the session's folder under the data folder", () => {
    expect(exportPath("/d/data/", 3, "patch")).toBe("/d/data/sessions/3/winning.patch");
    expect(exportPath("/d/data", 3, "tsv")).toBe("/d/data/sessions/3/results.tsv");
  });
  it("download under names that say what they are, whatever the tag holds", () => {
    expect(exportFileName("nov22", "patch")).toBe("overseer-nov22.patch");
    expect(exportFileName("nov22", "tsv")).toBe("overseer-nov22-results.tsv");
    expect(exportFileName('a"b/../c', "json")).toBe("overseer-a_b_.._c.json");
  });
});
