import { describe, expect, it } from "vitest";
import { javascriptFacts } from "./read-javascript";

describe("the gate's JavaScript reader (acorn)", () => {
  it("sees what the engine runs: code after U+2028 in a // comment, bindings of every form, patches by any route", () => {
    const f = javascriptFacts(
      'import { evaluateBpb as ev } from "./prepare.mjs";\nconst A = 1; // note\u2028Math.log = () => 0;\nfor (console of [1]) {}\ntry {} catch (print) {}\nconst B = (Math.exp = null, 8);\nReflect.set(Math, "sqrt", 0);\nconst k = "x";\nMath[k] = 1;\n',
    );
    if (!f.ok) throw new Error(f.error);
    expect(f.tricks.map((t) => t.kind)).toEqual(["line-separator"]);
    expect(f.attrWrites.map((w) => `${w.target} ${w.via}`)).toEqual(["Math.log assign", "Math.exp assign", "Math.sqrt Reflect.set", "Math[] assign"]);
    expect(f.bindings.filter((b) => b.kind === "for" || b.kind === "except").map((b) => b.name)).toEqual(["console", "print"]);
    expect(f.constants.map((c) => [c.name, c.literal])).toEqual([
      ["A", true],
      ["B", false],
      ["k", true],
    ]);
    expect(f.dynamic.map((d) => d.what)).toEqual(["an assignment to Math[…], a property named at run time"]);
    expect(f.imports).toEqual([{ module: "prepare", name: "evaluateBpb", alias: "ev", line: 1 }]);
  });

  it("says what it cannot parse, with the line", () => {
    expect(javascriptFacts("const x = ;\n")).toMatchObject({ ok: false, error: expect.stringMatching(/^SyntaxError: Unexpected token/), line: 1 });
  });
});
