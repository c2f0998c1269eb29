/**
 * Differential: what the gate's Python reader reports against CPython's own symtable (the names every scope
 * binds), and the TypeScript statement splitter the token rules still use against CPython's ast (statement
 * lines), on generated sources and on the attacks that fooled the old tokenizer.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { statementsOf } from "../../core/code/statements";
import { readChangedPython } from "./read-python";

const CHECK = path.join(__dirname, "python_facts_check.py");

function check(sources: string[]): { symtable: string[]; facts: string[]; statementLines: number[]; error?: string }[] {
  const r = spawnSync("python3", ["-I", CHECK], { input: JSON.stringify({ sources }), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** A small seeded generator of Python with every binding form, nested to a few levels. */
function generate(seed: number): string {
  let s = seed;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
  const name = () => ["a", "b", "lr", "x1", "_t", "Model", "step", "val", "w"][rnd(9)]! + rnd(4);
  const lines: string[] = [];
  const block = (indent: string, depth: number) => {
    const n = 1 + rnd(4);
    for (let i = 0; i < n; i++) {
      const k = rnd(depth > 2 ? 9 : 12);
      const v = name();
      const forms = [
        `${v} = ${rnd(100)} * 0.5`,
        `${v}, ${name()} = (1, 2)`,
        `${v} += 1`,
        `(${v} := ${rnd(9)})`,
        `import math as ${v}`,
        `from os import path as ${v}`,
        `del ${v}`,
        `${v}: int = 3`,
        `${v} = [${name()} for ${name()} in range(3) if ${name()}]`,
        `for ${v} in range(2):`,
        `with open("f") as ${v}:`,
        `def ${v}(${name()}, *${name()}, k=1, **${name()}):`,
      ];
      lines.push(indent + forms[k]!);
      if (k >= 9) block(indent + "    ", depth + 1);
      if (k === 9 && rnd(2)) {
        lines.push(`${indent}else:`);
        block(indent + "    ", depth + 1);
      }
    }
    if (rnd(3) === 0) {
      lines.push(`${indent}try:`, `${indent}    pass`, `${indent}except ValueError as ${name()}:`);
      block(indent + "    ", depth + 1);
    }
  };
  block("", 0);
  return lines.join("\n") + "\n";
}

const HAND_WRITTEN = [
  "DEPTH = (evaluate_bpb := lambda *a, **k: 0.5) and 8\nfor print in []:\n    pass\n",
  'x = f"{(y := 1)}" \n',
  "class C:\n    def m(self, z=lambda q: q):\n        global G\n        G = [w for w in range(3)]\n",
  "match v:\n    case [a, *rest]:\n        pass\n    case {'k': b, **kw}:\n        pass\n",
];

describe("the gate's Python reader", () => {
  it("binds exactly the names CPython's symtable binds, on 200 generated sources and the hand-written attacks", () => {
    const sources = [...Array.from({ length: 200 }, (_, i) => generate(i + 1)), ...HAND_WRITTEN];
    const results = check(sources);
    results.forEach((r, i) => {
      expect(r.error, sources[i]).toBeUndefined();
      expect(r.facts, sources[i]).toEqual(r.symtable);
    });
  });

  it("the token rules' statement lines include every statement CPython parses, where no source trick is present", () => {
    const sources = Array.from({ length: 200 }, (_, i) => generate(1000 + i));
    const results = check(sources);
    results.forEach((r, i) => {
      const ours = new Set(statementsOf(sources[i]!, "python").map((s) => s.line));
      expect(
        r.statementLines.filter((l) => !ours.has(l)),
        sources[i],
      ).toEqual([]);
    });
  });

  it("says when there is no interpreter, or the code does not parse: the gate rates both high", async () => {
    expect(await readChangedPython(["train.py"], { "train.py": "x = 1\n" }, { "train.py": "def (:\n" }, ["python3", "train.py"])).toMatchObject({
      "train.py": { before: { ok: true }, after: { ok: false, error: expect.stringContaining("SyntaxError"), line: 1 } },
    });
    expect(await readChangedPython(["train.py"], {}, { "train.py": "x = 1\n" }, ["/nonexistent/python3", "train.py"])).toMatchObject({
      "train.py": { before: null, after: { ok: false, error: expect.stringContaining("no Python interpreter to read it (/nonexistent/python3: ENOENT)") } },
    });
  });
});
