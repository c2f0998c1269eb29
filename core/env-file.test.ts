import { describe, expect, it } from "vitest";
import { mergeConfiguration, parseEnvFile } from "./env-file";

describe("parseEnvFile", () => {
  it.each([
    ["KEY=value", { KEY: "value" }],
    ["export KEY=value", { KEY: "value" }],
    ["  KEY = spaced out  ", { KEY: "spaced out" }],
    ["KEY=value # a comment", { KEY: "value" }],
    ["KEY=a#b", { KEY: "a#b" }],
    ["KEY='single # kept'", { KEY: "single # kept" }],
    ['KEY="two\\nlines \\"quoted\\" \\\\"', { KEY: 'two\nlines "quoted" \\' }],
    ["KEY='no \\n escapes'", { KEY: "no \\n escapes" }],
    ['KEY="x" # after the quote', { KEY: "x" }],
    ["KEY=", { KEY: "" }],
    ["# a comment\n\n  # indented\nA=1\r\nB=2", { A: "1", B: "2" }],
    ["\uFEFFA=1", { A: "1" }],
    ["A=1\nA=2", { A: "2" }],
  ])("%j", (text, vars) => {
    expect(parseEnvFile(text, ".env")).toEqual({ ok: true, vars });
  });

  it.each([
    ["OVERSEER_PORT 3000", ".env:1: the line is not KEY=value"],
    ["A=1\n1BAD=2", ".env:2: the line is not KEY=value"],
    ["sk-ant-secret-pasted-alone", ".env:1: the line is not KEY=value (a name of letters, digits and _, then =): fix or delete it"],
    ['A="open', ".env:1: the value of A opens a quote it does not close"],
    ["A='x' trailing", ".env:1: the value of A opens a quote it does not close"],
  ])("refuses %j, naming the line", (text, error) => {
    const r = parseEnvFile(text, ".env");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(error);
    expect(!r.ok && r.error).not.toContain(text.split("\n").at(-1)!); // never the line itself: it may be a secret
  });
});

describe("mergeConfiguration", () => {
  it("takes the environment first, then the files in order, and treats an empty value as unset", () => {
    const env = { FROM_ENV: "env", EMPTY_IN_ENV: "" };
    const files: { name: string; vars: Record<string, string> }[] = [
      { name: ".env.local", vars: { FROM_ENV: "local", LOCAL: "local", BLANK: "" } },
      { name: ".env", vars: { LOCAL: "shared", SHARED: "shared", BLANK: "shared", EMPTY_IN_ENV: "shared" } },
    ];
    expect(mergeConfiguration(env, files)).toEqual({
      env: { FROM_ENV: "env", LOCAL: "local", SHARED: "shared", BLANK: "shared", EMPTY_IN_ENV: "shared" },
      origins: { LOCAL: ".env.local", SHARED: ".env", BLANK: ".env", EMPTY_IN_ENV: ".env" },
    });
  });
});
