import { describe, expect, it } from "vitest";
import { bindingOf, chainsIn, importsOf } from "./names";
import { bodyOf, statementChange, statementsOf } from "./statements";
import { tokenize } from "./tokenize";

const texts = (src: string, lang: "python" | "javascript") =>
  tokenize(src, lang)
    .filter((t) => t.kind !== "newline")
    .map((t) => `${t.kind}:${t.kind === "string" ? t.value : t.text}`);

describe("tokenize", () => {
  it("keeps Python strings and comments apart from code, and reads f-string fields as code", () => {
    expect(texts('x = f"val_bpb: {v:.6f} {{lit}}"  # print("val_bpb: 1")\n', "python")).toEqual(["name:x", "op:=", "string:val_bpb: {v:.6f} {{lit}}", "name:v"]);
    expect(texts("s = '''a\nb''' + r'\\d'\n", "python")).toEqual(["name:s", "op:=", "string:a\nb", "op:+", "string:\\d"]);
  });
  it("reads JavaScript templates' expressions as code and tells a regex from a division", () => {
    expect(texts("a = `k ${b.c}` / 2 // c", "javascript")).toEqual(["name:a", "op:=", "string:k ${b.c}", "name:b", "op:.", "name:c", "op:/", "number:2"]);
    expect(texts("r = /a\\/b[/]/g", "javascript")).toEqual(["name:r", "op:=", "regex:/a\\/b[/]/g"]);
  });
});

describe("statements", () => {
  it("splits Python logical lines, joining bracketed continuations, and finds a block's body", () => {
    const st = statementsOf("if step > 10:\n    total += dt\n    n += 1\nx = (1,\n  2)\n", "python");
    expect(st.map((s) => [s.key, s.depth, s.header])).toEqual([
      ["if step > 10 :", 0, true],
      ["total += dt", 4, false],
      ["n += 1", 4, false],
      ["x = ( 1 , 2 )", 0, false],
    ]);
    expect(bodyOf(st, 0).map((s) => s.key)).toEqual(["total += dt", "n += 1"]);
  });
  it("splits JavaScript at semicolons, block braces and line ends, but not inside object literals", () => {
    const st = statementsOf("for (;;) {\n  const o = {\n    a: 1,\n  };\n  if (x) break;\n  y = a\n    .b()\n}\n", "javascript");
    expect(st.map((s) => [s.key, s.depth])).toEqual([
      ["for ( ; ; ) {", 0],
      ["const o = { a : 1 , }", 1],
      ["if ( x ) break", 1],
      ["y = a . b ( )", 1],
    ]);
  });
  it("reports what a change removed and added, whitespace and comments aside", () => {
    const before = statementsOf("a = 1\nb = 2  # two\nc = 3\n", "python");
    const after = statementsOf("a = 1\nb  =  2\nc = 4\n", "python");
    const change = statementChange(before, after);
    expect(change.removed.map((r) => [r.statement.key, r.atLine])).toEqual([["c = 3", 3]]);
    expect(change.added.map((a) => a.statement.key)).toEqual(["c = 4"]);
  });
});

describe("names", () => {
  const one = (src: string, lang: "python" | "javascript" = "python") => statementsOf(src, lang)[0]!;
  it("reads dotted chains and calls", () => {
    expect(chainsIn(one("y = os.environ.get('K') + f(a.b)").tokens).map((c) => [c.path.join("."), c.called])).toEqual([
      ["y", false],
      ["os.environ.get", true],
      ["f", true],
      ["a.b", false],
    ]);
  });
  it("reads what assignments and definitions bind", () => {
    const targets = (src: string, lang: "python" | "javascript" = "python") => bindingOf(one(src, lang))?.targets.map((t) => t.path.join("."));
    expect(targets("a = b = f(x=1)")).toEqual(["a", "b"]);
    expect(targets("prepare.EVAL_TOKENS: int = 5")).toEqual(["prepare.EVAL_TOKENS"]);
    expect(targets("x[i] += 1")).toEqual(["x"]);
    expect(targets("def evaluate_bpb(*a):")).toEqual(["evaluate_bpb"]);
    expect(targets("let a = 1, { b, c: d } = o", "javascript")).toEqual(["a", "b", "d"]);
    expect(bindingOf(one("f(x == 1)"))).toBeNull();
  });
  it("reads imports of both languages, with their aliases", () => {
    expect(importsOf(one("from os import getenv as g, path"), "python")).toMatchObject([
      { local: "g", module: "os", name: "getenv" },
      { local: "path", module: "os", name: "path" },
    ]);
    expect(importsOf(one("import urllib.request as r, json"), "python")).toMatchObject([
      { local: "r", module: "urllib.request" },
      { local: "json", module: "json" },
    ]);
    expect(importsOf(one('import fs, { execSync as run } from "node:child_process"', "javascript"), "javascript")).toMatchObject([
      { local: "fs", name: "default" },
      { local: "run", name: "execSync", module: "node:child_process" },
    ]);
    expect(importsOf(one('const cp = require("child_process")', "javascript"), "javascript")).toMatchObject([{ local: "cp", module: "child_process" }]);
  });
});
