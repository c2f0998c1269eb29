/** `overseer loop --proposer claude` end to end: the real CLI, git and SQLite, against the fake Claude API held to the documented contract. */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { apiCallTotals, listApiCalls } from "../../db/queries/api-calls";
import { openDatabase } from "../../db/open";
import { listExperiments } from "../../db/queries/experiments";
import { listSessions } from "../../db/queries/sessions";
import { researcherBrain } from "../../test/fake-anthropic/researcher";
import { proposing, startFakeAnthropic, userText, type Brain, type FakeAnthropic } from "../../test/helpers/fake-anthropic";
import { MIGRATIONS, ROOT, sh, tempDir, trainerWorkspace } from "../../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");
let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function loop(args: string[], env: Record<string, string> = {}) {
  const repo = trainerWorkspace("quadratic.mjs");
  const dataDir = tempDir();
  const child = spawn(BIN, ["loop", repo, "--proposer", "claude", "--tag", "claude", ...args], {
    env: { ...process.env, OVERSEER_DATA_DIR: dataDir, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: fake!.url, ...env },
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  const db = openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
  const session = listSessions(db)[0]!;
  return { code, out, repo, db, session, experiments: listExperiments(db, session.id) };
}

describe("overseer loop --proposer claude", () => {
  for (const model of ["claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1", "claude-haiku-5-5"]) {
    it(`${model}: investigates with the read-only tools, then commits its proposals; costs add up to the sum of the calls`, async () => {
      fake = await startFakeAnthropic(researcherBrain());
      const r = await loop(["--experiments", "3", "--model", model, ...(model === "claude-opus-5-5" ? ["--reviewer", "claude"] : [])]);
      expect(r.out).toMatch(/proposer claude/);
      expect(r.code).toBe(0);
      // Every request was one the documented API takes.
      expect(fake.requests.filter((q) => q.error).map((q) => q.error!.message)).toEqual([]);
      expect(new Set(fake.requests.map((q) => q.body.model))).toEqual(new Set([model]));
      const proposals = r.experiments.filter((e) => e.kind !== "baseline");
      expect(proposals).toHaveLength(3);
      expect(proposals.every((e) => e.commitSha && e.notebookJson)).toBe(true);
      expect(sh(r.repo, "git", ["log", "--format=%s", "overseer/claude"]).split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(1);
      // The agent looked before it proposed: each tool the researcher uses was called and answered.
      const used = new Set(
        fake.requests.flatMap((q) =>
          q.body.messages.flatMap((m) => (Array.isArray(m.content) ? (m.content as { type: string; name?: string }[]).filter((b) => b.type === "tool_use").map((b) => b.name) : [])),
        ),
      );
      for (const t of ["list_experiments", "read_file", "show_diff", "run_log", "run_curve", "human_notes"]) expect(used).toContain(t);
      // One ledger: the session's cost is the sum of its calls, and of its experiments' costs.
      const totals = apiCallTotals(r.db, { sessionId: r.session.id });
      expect(totals.calls).toBe(fake.answered().length);
      expect(r.session.costUsd).toBeCloseTo(totals.costUsd, 9);
      expect(r.experiments.reduce((a, e) => a + e.costUsd, 0)).toBeCloseTo(totals.costUsd, 9);
      expect(totals.costUsd).toBeGreaterThan(0);
      if (model === "claude-opus-5-5") expect(listApiCalls(r.db, { sessionId: r.session.id }).filter((c) => c.role === "reviewer")).toHaveLength(3);
      expect(r.out).toMatch(/API \d+ calls · [\d,]+ input tokens \(\d+% from the cache\) · [\d,]+ output · \$[\d.]+/);
    });
  }

  it("re-asks when a proposal prepared while another trained no longer applies, and records the answer that ran", async () => {
    // A scripted "model" that reads the current WIDTH from the code it is shown and widens it by one.
    fake = await startFakeAnthropic((req) => {
      const files = userText(req).split("## Editable files at the current best")[1] ?? "";
      const width = Number(/const WIDTH = (\d+);/.exec(files)?.[1]);
      return proposing({
        title: `Widen to ${width + 1}`,
        hypothesis: "Closer to the optimum width.",
        edits: [{ file: "train.mjs", old: `const WIDTH = ${width};`, new: `const WIDTH = ${width + 1};` }],
      });
    });
    const r = await loop(["--experiments", "3"]);
    expect(r.code).toBe(0);
    // WIDTH 3 → 4 → 5 → 6: each step is closer to 8, so each is kept on top of the last. #2 was prepared
    // while #1 trained (3 → 4 again); once #1 was kept its edit no longer applied, and the model was asked again.
    expect(r.out).toMatch(/#1 kept[\s\S]*#2 kept[\s\S]*#3 kept/);
    expect(sh(r.repo, "git", ["show", "overseer/claude:train.mjs"])).toContain("const WIDTH = 6;");
    const retry = fake.requests.find((q) => userText(q).includes("Your previous answer could not be used"));
    expect(userText(retry!)).toMatch(/did not apply: edit 1: the text to replace was not found in train.mjs/);
    expect(sh(r.repo, "git", ["log", "--format=%s", "-3", "overseer/claude"]).trim().split("\n")).toEqual(["Widen to 6", "Widen to 5", "Widen to 4"]);
    expect(userText(fake.requests.at(-1)!)).toMatch(/1\tkept\t[\d.]+\t[\d.]+\tWiden to 4/);
    // The retried proposal's calls are its experiment's.
    expect(r.session.costUsd).toBeCloseTo(
      r.experiments.reduce((a, e) => a + e.costUsd, 0),
      9,
    );
  });

  it("a refused key stops the session at once with the API's message and what to do", async () => {
    fake = await startFakeAnthropic(researcherBrain(), { apiKey: "another-key" });
    const r = await loop(["--experiments", "5"]);
    expect(r.code).toBe(1);
    expect(r.session).toMatchObject({ status: "failed", stopReason: expect.stringMatching(/refused the key \(401 authentication_error: invalid x-api-key\): check ANTHROPIC_API_KEY/) });
    expect(r.experiments.filter((e) => e.kind !== "baseline")).toHaveLength(1); // asked once, not again and again
  });

  it("a 400 (a request Overseer built wrong) stops the session with the API's message", async () => {
    fake = await startFakeAnthropic(() => ({ status: 400, error: { type: "invalid_request_error", message: "messages.0.content.1: something new" } }));
    const r = await loop(["--experiments", "5"]);
    expect(r.code).toBe(1);
    expect(r.session.stopReason).toContain("refused a request Overseer built (400 invalid_request_error: messages.0.content.1: something new)");
  });

  it("proposals failing in a row pause the session with a clear message instead of spinning", async () => {
    const brain: Brain = () => ({ status: 529, error: { type: "overloaded_error", message: "Overloaded" }, headers: { "retry-after-ms": "1" } });
    fake = await startFakeAnthropic(brain);
    const r = await loop([]); // no experiment limit: only the pause ends it
    expect(r.code).toBe(1);
    expect(r.session).toMatchObject({
      status: "paused",
      stopReason: expect.stringMatching(/^paused: 3 proposals in a row failed, the last because the Claude API answered 529 overloaded_error: Overloaded/),
    });
    expect(r.experiments.filter((e) => e.status === "proposal_failed")).toHaveLength(3);
    expect(r.out).toMatch(/resume with: overseer loop --resume \d+/);
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
