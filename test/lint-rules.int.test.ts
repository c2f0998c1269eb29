/**
 * The boundary lint rules of biome.json (npm run lint) refuse what docs/architecture forbids, however it is
 * loaded: a declaration, `import()`, the `@/` alias; `require()` is refused everywhere (noCommonJs), since Biome's
 * patterns do not look at it. Probes are linted in a scratch folder with the
 * project's own configuration; test/architecture.test.ts checks the real tree (and type-only imports, which
 * Biome's rule cannot tell apart).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "./helpers/temp";

const PROBES: Record<string, { refused: string[]; allowed: string[] }> = {
  core: {
    refused: ["node:fs", "node:child_process", "../runner/daemon", "@/db/open", "drizzle-orm", "../../server/root", "@anthropic-ai/sdk"],
    allowed: ["zod", "./types", "node:path", "../core/gpu"],
  },
  db: { refused: ["../runner/daemon", "next/server", "@/server/root", "@trpc/server"], allowed: ["../core/gpu", "drizzle-orm", "node:fs"] },
  runner: { refused: ["../server/root", "react", "@/components/run-page"], allowed: ["../db/open", "node:child_process", "@anthropic-ai/sdk"] },
  server: { refused: ["node:child_process", "@anthropic-ai/sdk", "../runner/daemon", "@/app/page"], allowed: ["../db/open", "@trpc/server", "node:fs"] },
  components: { refused: ["../db/open", "node:fs", "better-sqlite3", "../../runner/git"], allowed: ["react", "../core/format"] },
};

/** One probe line per way of loading a module, so every form is tried against every refused name. */
const FORMS = [(m: string, i: number) => `import * as m${i} from "${m}";`, (m: string, i: number) => `const r${i} = require("${m}");`, (m: string, i: number) => `const d${i} = await import("${m}");`];

function lintProbes(): { path: string; line: number }[] {
  const dir = tempDir("overseer-lint-");
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, "biome.json"), "utf8")) as Record<string, unknown>;
  delete config.$schema;
  fs.writeFileSync(path.join(dir, "biome.json"), JSON.stringify(config));
  for (const [folder, { refused, allowed }] of Object.entries(PROBES)) {
    fs.mkdirSync(path.join(dir, folder, "deep"), { recursive: true });
    for (const [name, modules] of [
      ["refused", refused],
      ["allowed", allowed],
    ] as const) {
      const lines = modules.flatMap((m, i) => FORMS.map((form, f) => form(m, i * FORMS.length + f)));
      fs.writeFileSync(path.join(dir, folder, "deep", `${name}.ts`), `${lines.join("\n")}\nexport {};\n`);
    }
  }
  const bin = path.join(ROOT, "node_modules", ".bin", "biome");
  const r = spawnSync(bin, ["lint", "--vcs-enabled=false", "--reporter=json", "--max-diagnostics=1000", "."], { cwd: dir, encoding: "utf8" });
  const report = JSON.parse(r.stdout) as { diagnostics: { category: string; location: { path: string; start: { line: number } } }[] };
  return report.diagnostics
    .filter((d) => d.category === "lint/style/noRestrictedImports" || d.category === "lint/style/noCommonJs")
    .map((d) => ({ path: d.location.path, line: d.location.start.line }));
}

describe("the boundary lint rules", () => {
  it("refuse every forbidden module in every form, and nothing allowed", () => {
    const found = lintProbes();
    for (const [folder, { refused }] of Object.entries(PROBES)) {
      const lines = found.filter((d) => d.path === `${folder}/deep/refused.ts`).map((d) => d.line);
      const expected = refused.flatMap((_, i) => FORMS.map((_f, f) => i * FORMS.length + f + 1));
      expect({ folder, lines: [...new Set(lines)].sort((a, b) => a - b) }).toEqual({ folder, lines: expected });
    }
    // An allowed module passes, loaded any way but require().
    for (const [folder, { allowed }] of Object.entries(PROBES)) {
      const lines = found.filter((d) => d.path === `${folder}/deep/allowed.ts`).map((d) => d.line);
      expect({ folder, lines: [...new Set(lines)].sort((a, b) => a - b) }).toEqual({ folder, lines: allowed.map((_, i) => i * FORMS.length + 2) });
    }
  });
});
