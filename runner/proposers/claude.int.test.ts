/** The real @anthropic-ai/sdk against a local fake Messages API server. */
import { afterEach, describe, expect, it } from "vitest";
import { startFakeAnthropic, userText, type FakeAnthropic, type Reply } from "../../test/helpers/fake-anthropic";
import { claudeProposer } from "./claude";
import type { ProposalContext } from "./types";

const ctx: ProposalContext = {
  instructions: "# Brief\nMake val_bpb go down. Never touch prepare.py.",
  files: { "train.py": "LR = 0.04\nDEPTH = 8\n" },
  protectedFiles: ["prepare.py"],
  metric: { name: "val_bpb", goal: "minimize" },
  best: 0.9979,
  budgetSeconds: 300,
  history: [
    { idx: 0, title: "baseline", status: "kept", metricValue: 0.9979, delta: 0, reason: "baseline", diff: null },
    { idx: 1, title: "LR 0.04 → 0.08", status: "discarded", metricValue: 1.01, delta: -0.012, reason: "worse", diff: "--- a/train.py\n+++ b/train.py\n-LR = 0.04\n+LR = 0.08\n" },
  ],
  lastCrash: null,
  steering: ["try fewer layers"],
  tried: new Set(),
  seed: 0,
};

const good: Reply = { toolInput: { title: "Fewer layers", hypothesis: "A shallower model takes more steps in the budget.", edits: [{ file: "train.py", old: "DEPTH = 8", new: "DEPTH = 6" }] } };

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const proposer = (over: { maxRetries?: number; timeoutMs?: number } = {}) =>
  claudeProposer({ apiKey: "test-key", baseURL: fake!.url, model: "claude-sonnet-5-5", maxRetries: over.maxRetries ?? 2, timeoutMs: over.timeoutMs ?? 10_000 });

describe("the claude proposer", () => {
  it("sends the brief, the protocol, the results, the code and the steering, and returns the tool's proposal", async () => {
    fake = await startFakeAnthropic([good]);
    const out = await proposer().propose(ctx);
    expect(out).toMatchObject({ kind: "proposal", title: "Fewer layers", edits: [{ file: "train.py", old: "DEPTH = 8", new: "DEPTH = 6" }] });
    expect(out.costUsd).toBeCloseTo((1000 * 3 + 200 * 15) / 1e6, 9);

    const req = fake.requests[0]!;
    expect(req.headers.authorization).toBe("Bearer test-key");
    expect(req.body.model).toBe("claude-sonnet-5-5");
    expect(req.body.tool_choice).toEqual({ type: "tool", name: "propose_experiment" });
    expect(req.body.system?.[0]?.cache_control).toEqual({ type: "ephemeral" });
    expect(req.body.system?.[0]?.text).toContain("Make val_bpb go down. Never touch prepare.py.");
    expect(req.body.system?.[0]?.text).toMatch(/You may edit only these files: train.py. Never touch: prepare.py/);
    const text = userText(req);
    expect(text).toContain("idx\tstatus\tval_bpb\tdelta\tdescription\n0\tkept\t0.9979\t0\tbaseline\n1\tdiscarded\t1.01\t-0.012\tLR 0.04 → 0.08");
    expect(text).toContain("LR = 0.04\nDEPTH = 8");
    expect(text).toContain("- try fewer layers");
    expect(text).toContain("+LR = 0.08");
  });

  it("asks once more after a malformed answer, telling it what was wrong", async () => {
    fake = await startFakeAnthropic([{ toolInput: { title: "Fewer layers" } }, good]);
    const out = await proposer().propose(ctx);
    expect(out.kind).toBe("proposal");
    expect(fake.requests).toHaveLength(2);
    const repair = JSON.stringify(fake.requests[1]!.body.messages.at(-1));
    expect(repair).toContain('"is_error":true');
    expect(repair).toMatch(/hypothesis: .*edits: /);
    expect(out.costUsd).toBeCloseTo(2 * (1000 * 3 + 200 * 15) / 1e6, 9); // both calls are paid for
  });

  it("fails the proposal after a second malformed answer, or an answer without the tool", async () => {
    fake = await startFakeAnthropic([{ text: "I think you should lower the LR." }, { toolInput: { edits: [] } }]);
    const out = await proposer().propose(ctx);
    expect(out).toMatchObject({ kind: "failed", reason: expect.stringContaining("malformed twice") });
  });

  it("waits as retry-after says on 429, then succeeds", async () => {
    fake = await startFakeAnthropic([{ status: 429, error: { type: "rate_limit_error", message: "slow down" }, headers: { "retry-after": "1" } }, good]);
    const started = Date.now();
    const out = await proposer().propose(ctx);
    expect(out.kind).toBe("proposal");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests).toHaveLength(2);
  });

  it("retries 529 (overloaded) and 500", async () => {
    fake = await startFakeAnthropic([
      { status: 529, error: { type: "overloaded_error", message: "Overloaded" }, headers: { "retry-after-ms": "50" } },
      { status: 500, error: { type: "api_error", message: "oops" }, headers: { "retry-after-ms": "50" } },
      good,
    ]);
    expect((await proposer().propose(ctx)).kind).toBe("proposal");
    expect(fake.requests).toHaveLength(3);
  });

  it("gives up with a reason when the errors outlast the retries", async () => {
    fake = await startFakeAnthropic([{ status: 529, error: { type: "overloaded_error", message: "Overloaded" }, headers: { "retry-after-ms": "10" } }]);
    const out = await proposer({ maxRetries: 1 }).propose(ctx);
    expect(out).toMatchObject({ kind: "failed", reason: expect.stringMatching(/answered 529/) });
    expect(fake.requests).toHaveLength(2);
  });

  it("reports a timeout as a failed proposal", async () => {
    fake = await startFakeAnthropic([{ hang: true }]);
    const out = await proposer({ maxRetries: 0, timeoutMs: 300 }).propose(ctx);
    expect(out).toMatchObject({ kind: "failed", reason: "the Claude API timed out (after retries)" });
  });
});
