import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeAnthropic, userText, type FakeAnthropic } from "../../test/helpers/fake-anthropic";
import { ROOT, sh, tempDir, trainerWorkspace } from "../../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");
let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe("overseer loop --proposer claude", () => {
  it("drives the loop through a Messages-API-compatible server at ANTHROPIC_BASE_URL", async () => {
    // A scripted "model" that reads the current WIDTH from the code it is shown and widens it by one.
    fake = await startFakeAnthropic((req) => {
      // Read the editable files at the current best (diffs and retry notes elsewhere quote older values).
      const files = userText(req).split("## Editable files at the current best")[1] ?? "";
      const width = Number(/const WIDTH = (\d+);/.exec(files)?.[1]);
      return { toolInput: { title: `Widen to ${width + 1}`, hypothesis: "Closer to the optimum width.", edits: [{ file: "train.mjs", old: `const WIDTH = ${width};`, new: `const WIDTH = ${width + 1};` }] } };
    });
    const repo = trainerWorkspace("quadratic.mjs");
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir(), ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: fake.url };
    const child = spawn(BIN, ["loop", repo, "--proposer", "claude", "--experiments", "3", "--tag", "claude"], { env });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => child.once("exit", r));
    expect(out).toMatch(/proposer claude/);
    expect(code).toBe(0);
    // WIDTH 3 → 4 → 5 → 6: each step is closer to 8, so each is kept on top of the last. #2 was prepared
    // while #1 trained (3 → 4 again); once #1 was kept its edit no longer applied, and the model was asked again.
    expect(out).toMatch(/#1 kept[\s\S]*#2 kept[\s\S]*#3 kept/);
    expect(sh(repo, "git", ["show", "overseer/claude:train.mjs"])).toContain("const WIDTH = 6;");
    const retry = fake.requests.find((r) => userText(r).includes("Your previous answer could not be used"));
    expect(userText(retry!)).toMatch(/did not apply: edit 1: the text to replace was not found in train.mjs/);
    // The retried answer is what ran, so its title is the one recorded and committed.
    expect(sh(repo, "git", ["log", "--format=%s", "-3", "overseer/claude"]).trim().split("\n")).toEqual(["Widen to 6", "Widen to 5", "Widen to 4"]);
    expect(userText(fake.requests.at(-1)!)).toMatch(/1\tkept\t[\d.]+\t[\d.]+\tWiden to 4/);
    expect(out).toMatch(/API cost|session 1 finished/);
  });

  it("says how to set a key when there is none, before making a branch", () => {
    const repo = trainerWorkspace("quadratic.mjs");
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir(), ANTHROPIC_API_KEY: "" };
    const r = spawnSync(BIN, ["loop", repo, "--proposer", "claude", "--experiments", "1"], { encoding: "utf8", env });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs ANTHROPIC_API_KEY: export ANTHROPIC_API_KEY=… .* or use the offline proposer, mutate/);
    expect(sh(repo, "git", ["branch", "--list", "overseer/*"]).trim()).toBe("");
  });
});
