/** The paths a run may read, or must not: `$VAR/…`, `~/…`, relative ones, and patterns in the last part. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/helpers/temp";
import { readablePath } from "./run-env";

describe("readablePath", () => {
  const dir = tempDir("overseer-paths-");
  for (const f of ["ca10", "ca11", "cb20", "cb2", "README"]) fs.writeFileSync(path.join(dir, f), "");

  it("expands *, ? and […] in the last part against the folder's entries, sorted", () => {
    expect(readablePath(`${dir}/c[a-r]?0`, {}, "/")).toEqual(["ca10", "cb20"].map((f) => path.join(dir, f)));
    expect(readablePath("$CORPUS/c*", { CORPUS: dir }, "/")).toEqual(["ca10", "ca11", "cb2", "cb20"].map((f) => path.join(dir, f)));
    expect(readablePath(`${path.basename(dir)}/c[!a]*`, {}, path.dirname(dir))).toEqual(["cb2", "cb20"].map((f) => path.join(dir, f)));
  });

  it("keeps a plain path as it is, even when missing; a pattern in a missing folder or an unset variable names nothing", () => {
    expect(readablePath(`${dir}/none.txt`, {}, "/")).toEqual([path.join(dir, "none.txt")]);
    expect(readablePath(`${dir}/missing/*.txt`, {}, "/")).toEqual([]);
    expect(readablePath("$UNSET/x", {}, "/")).toEqual([]);
    expect(readablePath(`${dir}/ca1.`, {}, "/")).toEqual([path.join(dir, "ca1.")]); // a dot is a dot, not a pattern
  });
});
