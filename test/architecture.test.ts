/** Keeps the boundaries of docs/architecture cheap to keep: a forbidden import fails here. */
import fs from "node:fs";
import path from "node:path";
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

function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gm), ...text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)].map((m) =>
    m.length > 3 ? { spec: m[3]!, typeOnly: !!m[2] } : { spec: m[1]!, typeOnly: false },
  );
}

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
});
