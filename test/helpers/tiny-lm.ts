/** examples/tiny-lm's files with a shorter budget, for tests that run it (vitest's and e2e's alike). */
import fs from "node:fs";
import path from "node:path";

const EXAMPLE = path.resolve(__dirname, "..", "..", "examples", "tiny-lm");

/** Every file of the example, its TIME_BUDGET (prepare.mjs) and overseer.json's budgetSeconds set to this. */
export function tinyLmFiles(budgetSeconds: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(EXAMPLE)) files[f] = fs.readFileSync(path.join(EXAMPLE, f), "utf8");
  const line = /^export const TIME_BUDGET = \d+;/m;
  if (!line.test(files["prepare.mjs"] ?? "")) throw new Error("examples/tiny-lm/prepare.mjs has no `export const TIME_BUDGET = N;` line to shorten");
  files["prepare.mjs"] = files["prepare.mjs"]!.replace(line, `export const TIME_BUDGET = ${budgetSeconds};`);
  files["overseer.json"] = JSON.stringify({ ...JSON.parse(files["overseer.json"]!), budgetSeconds });
  return files;
}
