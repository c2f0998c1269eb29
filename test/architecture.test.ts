/** Keeps the boundaries of docs/architecture cheap to keep: a forbidden import fails here. */
import fs from "node:fs";
import path from "node:path";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/temp";

const RULES: Record<string, { forbidden: RegExp[]; typeOnly?: RegExp[] }> = {
  core: { forbidden: [/^node:(fs|child_process|net|http|os)$/, /better-sqlite3|drizzle-orm|^next|^react|@anthropic-ai|@trpc/, /\/(db|runner|server|components|app)\//] },
  db: { forbidden: [/^next|^react|@anthropic-ai|@trpc/, /\/(runner|server|components|app)\//] },
  runner: { forbidden: [/^next|^react|@trpc/, /\/(server|components|app)\//] },
  server: { forbidden: [/^node:child_process$/, /@anthropic-ai/, /\/(runner|components|app)\//] },
  components: { forbidden: [/\/(db|runner)\//, /better-sqlite3|drizzle-orm|^node:/], typeOnly: [/\/server\//] },
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

/**
 * Every module a file reaches. Declarations are read from the source (type-only ones included); what the file
 * loads when it runs is read from what esbuild compiles it to, parsed by acorn: imports that survive compilation,
 * `import()` and `require()` with a literal name. A declaration that compiles away is type-only.
 */
function importsOf(text: string, fileName = "x.ts"): { spec: string; typeOnly: boolean }[] {
  const declared = [
    ...text.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?[^;]*?from\s+["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]!);
  const js = transformSync(text, { loader: fileName.endsWith(".tsx") ? "tsx" : "ts", format: "esm", jsx: "automatic" }).code;
  const loaded: string[] = [];
  const literal = (n: acorn.Node | null | undefined) => (n && n.type === "Literal" && typeof (n as acorn.Literal).value === "string" ? ((n as acorn.Literal).value as string) : null);
  walk.full(acorn.parse(js, { ecmaVersion: "latest", sourceType: "module" }), (node) => {
    const spec =
      node.type === "ImportDeclaration" || node.type === "ExportAllDeclaration" || node.type === "ExportNamedDeclaration"
        ? literal((node as acorn.ImportDeclaration).source)
        : node.type === "ImportExpression"
          ? literal((node as acorn.ImportExpression).source)
          : node.type === "CallExpression" && (node as acorn.CallExpression).callee.type === "Identifier" && ((node as acorn.CallExpression).callee as acorn.Identifier).name === "require"
            ? literal((node as acorn.CallExpression).arguments[0] as acorn.Node)
            : null;
    if (spec !== null) loaded.push(spec);
  });
  return [...new Set([...declared, ...loaded])].map((spec) => ({ spec, typeOnly: !loaded.includes(spec) }));
}

const imports = (file: string) => importsOf(fs.readFileSync(file, "utf8"), file);

describe("import boundaries", () => {
  for (const [folder, rule] of Object.entries(RULES)) {
    it(`${folder}/ imports only what it may`, () => {
      const offences: string[] = [];
      for (const file of sourceFiles(path.join(ROOT, folder))) {
        for (const { spec, typeOnly } of imports(file)) {
          const resolved = spec.startsWith(".") ? `/${path.relative(ROOT, path.resolve(path.dirname(file), spec))}/` : spec.startsWith("@/") ? `/${spec.slice(2)}/` : spec;
          if (rule.forbidden.some((r) => r.test(resolved))) offences.push(`${path.relative(ROOT, file)} imports ${spec}`);
          if (!typeOnly && rule.typeOnly?.some((r) => r.test(resolved))) offences.push(`${path.relative(ROOT, file)} imports ${spec} (type imports only)`);
        }
      }
      expect(offences).toEqual([]);
    });
  }

  it("finds the imports it checks (the scan itself works)", () => {
    const found = imports(path.join(ROOT, "runner", "execute-run.ts")).map((i) => i.spec);
    expect(found).toContain("../core/log-parser");
    expect(imports(path.join(ROOT, "components", "trpc.ts"))).toContainEqual({ spec: "../server/root", typeOnly: true });
  });

  it("sees the ways around a line-by-line scan: import(), require(), a multi-line import, a type-only import", () => {
    const text = [
      'const cp = await import("node:child_process");',
      'const fs = require("node:fs");',
      "import {",
      "  a,",
      '} from "../runner/x";',
      "a();",
      'import { type T } from "../server/root";',
      'import type { U } from "../server/other";',
      'import { type V, w } from "../server/mixed";',
      "w();",
      'type W = import("../db/open").Db;',
      'const s = `import x from "not/a/module"`;',
    ].join("\n");
    const bySpec = (a: { spec: string }, b: { spec: string }) => a.spec.localeCompare(b.spec);
    expect(importsOf(text).sort(bySpec)).toEqual(
      [
        { spec: "node:child_process", typeOnly: false },
        { spec: "node:fs", typeOnly: false },
        { spec: "../runner/x", typeOnly: false },
        { spec: "../server/root", typeOnly: true },
        { spec: "../server/other", typeOnly: true },
        { spec: "../server/mixed", typeOnly: false },
        { spec: "../db/open", typeOnly: true },
      ].sort(bySpec),
    );
  });
});
