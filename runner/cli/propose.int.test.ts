import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, sh, tempDir, trainerWorkspace, waitFor } from "../../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");
const run = (args: string[], env: NodeJS.ProcessEnv, input?: string) => spawnSync(BIN, args, { encoding: "utf8", env, input, timeout: 60_000 });

describe("overseer propose", () => {
  it("gives a manual session its proposals from the command line: one runs and is kept, one that touches a protected file is blocked", async () => {
    const repo = trainerWorkspace("quadratic.mjs", { protected: ["prepare.mjs"] });
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    const loop = spawn(BIN, ["loop", repo, "--proposer", "manual", "--experiments", "2", "--tag", "hand"], { env });
    let out = "";
    loop.stdout.on("data", (b: Buffer) => (out += b.toString()));
    loop.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => loop.once("exit", r));
    await waitFor(() => /#0 .*kept/.test(out), 30_000, "the baseline");

    const patch = tempDir();
    fs.writeFileSync(path.join(patch, "lr.diff"), "--- a/train.mjs\n+++ b/train.mjs\n@@ -3,2 +3,2 @@\n-const LR = 0.4;\n+const LR = 0.05;\n const WIDTH = 3;\n");
    expect(run(["propose", "1", "--diff", path.join(patch, "lr.diff")], env)).toMatchObject({ status: 2, stderr: expect.stringContaining("usage: overseer propose SESSION_ID --diff FILE") });
    expect(run(["propose", "1", "--diff", path.join(patch, "missing.diff"), "--title", "x"], env)).toMatchObject({ status: 1, stderr: expect.stringContaining("cannot read the diff") });
    expect(run(["propose", "7", "--diff", path.join(patch, "lr.diff"), "--title", "x"], env)).toMatchObject({ status: 1, stderr: expect.stringContaining("session 7 does not exist") });
    const blocked = run(["propose", "1", "--diff", "-", "--title", "Easier eval"], env, "--- a/prepare.mjs\n+++ b/prepare.mjs\n@@ -1 +1 @@\n-a\n+b\n");
    expect(blocked).toMatchObject({ status: 1, stderr: expect.stringMatching(/#1 \(experiment \d+\) is blocked by the gate: prepare.mjs is protected/) });
    const ok = run(["propose", "1", "--diff", path.join(patch, "lr.diff"), "--title", "LR to the optimum", "--hypothesis", "0.05 is the bowl's bottom"], env);
    expect(ok).toMatchObject({ status: 0, stdout: expect.stringMatching(/^proposed #2 \(experiment \d+\) in session 1/) });

    expect(await exited).toBe(0);
    expect(out).toContain("reached 2 experiments"); // the blocked one counts, as a blocked proposal of any proposer does
    const rows = run(["export", "1", "--format", "tsv"], env).stdout.trim().split("\n");
    expect(rows.at(-1)).toMatch(/^[0-9a-f]{7}\t1\.250000\t2\.0\tkeep\tLR to the optimum$/);
    expect(sh(repo, "git", ["show", "overseer/hand:train.mjs"])).toContain("const LR = 0.05;");
  });
});
