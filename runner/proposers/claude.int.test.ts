/** The claude proposer through the real @anthropic-ai/sdk against the fake Claude API, which holds it to the documented contract. */
import { afterEach, describe, expect, it } from "vitest";
import { costOf } from "../../core/claude/prices";
import { startFakeAnthropic, userText, type Brain, type FakeAnthropic, type Reply } from "../../test/helpers/fake-anthropic";
import { FAKE_MODELS } from "../../test/fake-anthropic/models";
import { claudeProposer, type ClaudeOptions } from "./claude";
import type { MeteredCall, ProposalContext } from "./types";
import type { Workbench } from "./workbench";

const calls: MeteredCall[] = [];
const meter = (c: MeteredCall) => calls.push(c);

const workbench: Workbench = {
  listFiles: async () => ["train.py", "prepare.py"],
  readFile: async (p) => (p === "prepare.py" ? { text: "def evaluate_bpb(): ..." } : { error: `${p} is not a file of the workspace` }),
  listExperiments: () => [{ idx: 0, status: "kept", title: "baseline", hypothesis: null, metric: 0.9979, delta: 0, peakMemoryMb: 45060, steps: 953, tokensPerSecond: 1664000, mfuPercent: 39.8 }],
  experimentDiff: (i) => (i === 1 ? { diff: "-LR = 0.04\n+LR = 0.08" } : { error: `no #${i}` }),
  runLog: (i, o) => ({ text: `log of #${i}${o.grep ? ` matching ${o.grep}` : ""}` }),
  runCurve: (i, s) => ({
    series: ["loss"],
    points: [
      { step: 0, value: 9 },
      { step: 10, value: 3 },
    ]
      .map((p) => ({ ...p, value: p.value + i }))
      .filter(() => s === "loss"),
  }),
};

const ctx: ProposalContext = {
  instructions: "# Brief\nMake val_bpb go down. Never touch prepare.py.",
  files: { "train.py": "LR = 0.04\nDEPTH = 8\n" },
  protectedFiles: ["prepare.py"],
  readOnlyFiles: { "prepare.py": "TIME_BUDGET = 300\ndef evaluate_bpb(): ...\n" },
  metric: { name: "val_bpb", goal: "minimize" },
  best: 0.9979,
  bestCommit: "abcdef1234567",
  budgetSeconds: 300,
  noise: { sigma: 0.0004, keepThreshold: 0.0008, minImprovement: 0.0003, baselineRuns: 3 },
  history: [
    {
      idx: 0,
      title: "baseline",
      status: "kept",
      metricValue: 0.9979,
      delta: 0,
      reason: "baseline",
      diff: null,
      result: { peakMemoryMb: 45060, steps: 953, tokensPerSecond: 1664000, mfuPercent: 39.8, trainingSeconds: 300, hardware: "NVIDIA H100" },
    },
    {
      idx: 1,
      title: "LR 0.04 → 0.08",
      status: "discarded",
      metricValue: 1.01,
      delta: -0.012,
      reason: "worse",
      diff: "--- a/train.py\n+++ b/train.py\n-LR = 0.04\n+LR = 0.08\n",
      notebook: { learned: "a higher LR is worse", next: ["fewer layers"] },
    },
  ],
  lastCrash: null,
  steering: ["try fewer layers"],
  humanNotes: [
    { kind: "steering", at: Date.UTC(2026, 11, 1, 9, 30), text: "try fewer layers" },
    { kind: "rejection", at: Date.UTC(2026, 11, 1, 10, 0), text: "do not touch the evaluation", idx: 2, title: "Patch the eval" },
  ],
  recentBlocks: [{ idx: 3, title: "Print a better val_bpb", reasons: ["prints output that looks like the summary"] }],
  tried: new Set(),
  seed: 0,
  workbench,
  meter: (c) => meter(c),
};

const proposal = {
  title: "Fewer layers",
  hypothesis: "A shallower model takes more steps in the budget.",
  edits: [{ file: "train.py", old: "DEPTH = 8", new: "DEPTH = 6" }],
  fixes_experiment: 0,
  learned: "LR up hurt.",
  next_ideas: ["DEPTH 4"],
};
const good: Reply = { toolInput: proposal };

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
  calls.length = 0;
});

const proposer = (over: Partial<ClaudeOptions> = {}) => claudeProposer({ apiKey: "test-key", baseURL: fake!.url, model: "claude-sonnet-5-5", maxRetries: 2, timeoutMs: 10_000, ...over });

describe("the claude proposer's requests, per model family", () => {
  for (const model of ["claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1", "claude-haiku-5-5"]) {
    it(`${model}: tool_choice auto with a strict proposal tool, adaptive thinking at the session's effort, streamed, cached prefix`, async () => {
      fake = await startFakeAnthropic([good]);
      const out = await proposer({ model, effort: "high" }).propose(ctx);
      expect(out).toMatchObject({
        kind: "proposal",
        title: "Fewer layers",
        edits: [{ file: "train.py", old: "DEPTH = 8", new: "DEPTH = 6" }],
        notebook: { learned: "LR up hurt.", next: ["DEPTH 4"] },
      });
      expect(fake.requests.filter((r) => r.error)).toEqual([]);
      const b = fake.requests[0]!.body;
      expect(b).toMatchObject({ model, tool_choice: { type: "auto" }, thinking: { type: "adaptive" }, output_config: { effort: "high" }, stream: true, max_tokens: 32_000 });
      for (const k of ["temperature", "top_p", "top_k"]) expect(b).not.toHaveProperty(k);
      expect(b.tools!.find((t) => t.name === "propose_experiment")).toMatchObject({ strict: true });
      // The static prefix (protocol and brief; the read-only files and the code) ends in 1-hour breakpoints: a 300 s budget.
      expect((b.system as { cache_control: unknown }[])[0]!.cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
      const [code, state] = b.messages[0]!.content as { text: string; cache_control?: unknown }[];
      expect(code!.cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
      expect(code!.text).toContain("TIME_BUDGET = 300");
      expect(code!.text).toContain("LR = 0.04\nDEPTH = 8");
      expect(state!).not.toHaveProperty("cache_control");
      // Its cost is the one call's, priced by the table.
      const usage = fake.requests[0]!.response!.usage as {
        input_tokens: number;
        output_tokens: number;
        cache_creation: { ephemeral_1h_input_tokens: number; ephemeral_5m_input_tokens: number };
        cache_read_input_tokens: number;
      };
      const expected = costOf(model, {
        input: usage.input_tokens,
        output: usage.output_tokens,
        cacheWrite5m: usage.cache_creation.ephemeral_5m_input_tokens,
        cacheWrite1h: usage.cache_creation.ephemeral_1h_input_tokens,
        cacheRead: usage.cache_read_input_tokens,
      });
      expect(out.costUsd).toBeCloseTo(expected!, 12);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ role: "proposer", model, outcome: "ok", stopReason: "tool_use", costUsd: expected });
    });
  }

  it("the request the previous proposer sent (forced tool use) is refused by every 5.5 model and Fable 5.1, as documented", async () => {
    fake = await startFakeAnthropic([good]);
    const { default: Anthropic } = await import("@anthropic-ai/sdk");
    const client = new Anthropic({ apiKey: "test-key", baseURL: fake.url, maxRetries: 0 });
    for (const model of ["claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1"]) {
      const tools = [{ name: "propose_experiment", description: "x", input_schema: { type: "object" as const, properties: {} } }];
      await expect(
        client.messages.create({ model, max_tokens: 4096, tools, tool_choice: { type: "tool", name: "propose_experiment" }, messages: [{ role: "user", content: "go" }] }),
      ).rejects.toMatchObject({ status: 400, error: { error: { type: "invalid_request_error", message: 'tool_choice: type "tool" and "any" are not supported for this model.' } } });
    }
  });

  it("carries the noise, the keep rule, each result's summary, the notebook, the humans' notes with times and the gate's blocks", async () => {
    fake = await startFakeAnthropic([good]);
    await proposer().propose(ctx);
    const text = userText(fake.requests[0]!);
    expect(text).toMatch(/σ = 0\.0004.*more than 0\.0008/s);
    expect(text).toContain("0\tkept\t0.9979\t0\tbaseline\t44.0 GB · 953 steps · 1.66M tok/s · MFU 39.8% · NVIDIA H100");
    expect(text).toContain("#1 LR 0.04 → 0.08 (discarded): learned: a higher LR is worse — next: fewer layers");
    expect(text).toContain("[2026-12-01 09:30 UTC] try fewer layers");
    expect(text).toContain("[2026-12-01 10:00 UTC] #2 Patch the eval: do not touch the evaluation");
    expect(text).toContain("#3 Print a better val_bpb: prints output that looks like the summary");
    expect(JSON.stringify(fake.requests[0]!.body.system)).toContain("Make val_bpb go down. Never touch prepare.py.");
  });
});

describe("an agent turn", () => {
  it("calls each read-only tool, gets their answers, passes its thinking back unchanged, then proposes", async () => {
    const rounds: Reply[] = [
      {
        turn: {
          thinking: "What is there?",
          toolCalls: [
            { name: "list_files", input: {} },
            { name: "read_file", input: { path: "prepare.py" } },
            { name: "list_experiments", input: {} },
          ],
        },
      },
      {
        turn: {
          thinking: "The last one.",
          toolCalls: [
            { name: "show_diff", input: { experiment: 1 } },
            { name: "run_log", input: { experiment: 1, grep: "loss" } },
            { name: "run_curve", input: { experiment: 1, series: "loss" } },
            { name: "human_notes", input: {} },
            { name: "read_file", input: { path: "../secrets" } },
          ],
        },
      },
      good,
    ];
    fake = await startFakeAnthropic(rounds);
    const out = await proposer().propose(ctx);
    expect(out.kind).toBe("proposal");
    expect(fake.requests.map((r) => r.error?.message ?? "ok")).toEqual(["ok", "ok", "ok"]);
    const last = fake.requests[2]!.body.messages;
    // Each assistant turn went back exactly as it came, thinking block and signature included.
    expect(last[1]!.content).toEqual(fake.requests[0]!.response!.content);
    expect(last[3]!.content).toEqual(fake.requests[1]!.response!.content);
    const results = JSON.stringify([last[2], last[4]]);
    for (const s of [
      "train.py\\nprepare.py",
      "def evaluate_bpb(): ...",
      '\\"steps\\":953',
      "-LR = 0.04\\n+LR = 0.08",
      "log of #1 matching loss",
      '\\"value\\":4',
      "do not touch the evaluation",
      "is not a file of the workspace",
    ])
      expect(results).toContain(s);
    expect(calls.map((c) => c.outcome)).toEqual(["ok", "ok", "ok"]);
    expect(out.callIds).toHaveLength(3);
    expect(out.costUsd).toBeCloseTo(
      calls.reduce((a, c) => a + c.costUsd!, 0),
      12,
    );
    // The turn's prefix was cached: later rounds read what the first wrote.
    expect(calls[0]!.tokens.cacheWrite1h).toBeGreaterThan(0);
    expect(calls[2]!.tokens.cacheRead).toBeGreaterThan(calls[0]!.tokens.cacheRead);
  });

  it("past its tool budget the tools answer 'propose now'", async () => {
    const brain: Brain = (_req, n) => (n < 3 ? { turn: { toolCalls: [{ name: "list_files", input: {} }] } } : good);
    fake = await startFakeAnthropic(brain);
    const out = await proposer({ maxToolCalls: 2 }).propose(ctx);
    expect(out.kind).toBe("proposal");
    expect(JSON.stringify(fake.requests[3]!.body.messages.at(-1))).toContain("Tool budget spent (2 calls): call propose_experiment now.");
  });

  it("a proposal with a bad edit gets one repair turn through its tool_result", async () => {
    fake = await startFakeAnthropic([{ toolInput: { ...proposal, edits: [{ file: "train.py", old: "", new: "x" }] } }, good]);
    const out = await proposer().propose(ctx);
    expect(out.kind).toBe("proposal");
    const repair = JSON.stringify(fake.requests[1]!.body.messages.at(-1));
    expect(repair).toContain('"is_error":true');
    expect(repair).toContain("old must not be empty");
    expect(out.costUsd).toBeCloseTo(calls[0]!.costUsd! + calls[1]!.costUsd!, 12); // both calls are paid for
  });

  it("edits that do not apply to the code it was shown are sent back in the same conversation", async () => {
    fake = await startFakeAnthropic([{ toolInput: { ...proposal, edits: [{ file: "train.py", old: "DEPTH = 12", new: "DEPTH = 6" }] } }, good]);
    expect((await proposer().propose(ctx)).kind).toBe("proposal");
    expect(JSON.stringify(fake.requests[1]!.body.messages.at(-1))).toContain("the edits do not apply to the code at the best commit: edit 1: the text to replace was not found in train.py");
  });

  it("an answer that ends without proposing gets one repair turn; twice, the proposal fails", async () => {
    fake = await startFakeAnthropic([{ text: "I think you should lower the LR." }, good]);
    expect((await proposer().propose(ctx)).kind).toBe("proposal");
    expect(fake.requests[1]!.body.messages.at(-1)).toEqual({ role: "user", content: "You ended your turn without calling propose_experiment. Call it now with your proposal." });
    await fake.close();
    fake = await startFakeAnthropic([{ text: "no" }]);
    expect(await proposer().propose(ctx)).toMatchObject({ kind: "failed", reason: expect.stringContaining("twice without calling propose_experiment") });
  });

  it("an answer cut at max_tokens is asked again with room to finish, not repaired", async () => {
    fake = await startFakeAnthropic([{ turn: { thinking: "long", toolCalls: [{ name: "propose_experiment", input: proposal }], outputTokens: 50_000 } }, good]);
    const out = await proposer().propose(ctx);
    expect(out.kind).toBe("proposal");
    expect(fake.requests[0]!.response!.stop_reason).toBe("max_tokens");
    expect(fake.requests.map((r) => r.body.max_tokens)).toEqual([32_000, 128_000]);
    expect(fake.requests[1]!.body.messages).toHaveLength(1); // the same question, not a repair
  });

  it("a refusal is recorded as refused, with its explanation", async () => {
    fake = await startFakeAnthropic([{ turn: { stop: "refusal", refusal: { category: "cyber", explanation: "This looks like an attack on the evaluation." } } }]);
    expect(await proposer().propose(ctx)).toMatchObject({ kind: "refused", reason: "Claude declined to propose (cyber): This looks like an attack on the evaluation." });
    expect(calls[0]).toMatchObject({ outcome: "ok", stopReason: "refusal" });
  });
});

describe("errors", () => {
  it("a refused key is fatal, with the API's message and what to do", async () => {
    fake = await startFakeAnthropic([good], { apiKey: "the-real-key" });
    expect(await proposer().propose(ctx)).toMatchObject({ kind: "failed", fatal: true, reason: expect.stringMatching(/refused the key \(401 .*invalid x-api-key\): check ANTHROPIC_API_KEY/) });
  });

  it("a model that does not exist is fatal", async () => {
    fake = await startFakeAnthropic([good]);
    expect(await proposer({ model: "claude-sonnet-9" }).propose(ctx)).toMatchObject({
      kind: "failed",
      fatal: true,
      reason: expect.stringMatching(/has no model claude-sonnet-9 \(404 not_found_error: model: claude-sonnet-9\)/),
    });
  });

  it("a 400 is fatal: Overseer built a request the API refused", async () => {
    fake = await startFakeAnthropic([{ status: 400, error: { type: "invalid_request_error", message: "messages.0: something" } }]);
    expect(await proposer().propose(ctx)).toMatchObject({
      kind: "failed",
      fatal: true,
      reason: expect.stringContaining("refused a request Overseer built (400 invalid_request_error: messages.0: something)"),
    });
  });

  it("waits as retry-after says on 429, retries 529 and 500, and gives up with a reason, not fatal", async () => {
    fake = await startFakeAnthropic([
      { status: 429, error: { type: "rate_limit_error", message: "slow down" }, headers: { "retry-after": "1" } },
      { status: 529, error: { type: "overloaded_error", message: "Overloaded" }, headers: { "retry-after-ms": "50" } },
      { status: 500, error: { type: "api_error", message: "oops" }, headers: { "retry-after-ms": "50" } },
      good,
    ]);
    const started = Date.now();
    expect((await proposer({ maxRetries: 3 }).propose(ctx)).kind).toBe("proposal");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await fake.close();
    fake = await startFakeAnthropic([{ status: 529, error: { type: "overloaded_error", message: "Overloaded" }, headers: { "retry-after-ms": "10" } }]);
    expect(await proposer({ maxRetries: 1 }).propose(ctx)).toMatchObject({ kind: "failed", fatal: false, reason: expect.stringMatching(/answered 529 overloaded_error: Overloaded/) });
  });

  it("a timeout, and a stream that breaks off, fail the proposal; the tokens already reported are recorded", async () => {
    fake = await startFakeAnthropic([{ hang: true }]);
    expect(await proposer({ maxRetries: 0, timeoutMs: 300 }).propose(ctx)).toMatchObject({ kind: "failed", fatal: false, reason: "the Claude API timed out (after retries)" });
    await fake.close();
    calls.length = 0;
    fake = await startFakeAnthropic([{ dropAfterStart: true }]);
    const out = await proposer({ maxRetries: 0 }).propose(ctx);
    expect(out).toMatchObject({ kind: "failed", fatal: false });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.outcome).toBe("error");
    expect(calls[0]!.tokens.input + calls[0]!.tokens.cacheWrite1h).toBeGreaterThan(500);
    expect(calls[0]!.costUsd).toBeGreaterThan(0);
  });
});

describe("a stop while Claude thinks", () => {
  it("aborts the request, and the call is still recorded, as aborted", async () => {
    fake = await startFakeAnthropic([{ hang: true }]);
    const stop = new AbortController();
    setTimeout(() => stop.abort("shutdown"), 150);
    expect(await proposer().propose(ctx, stop.signal)).toMatchObject({ kind: "failed", fatal: false, reason: "the request was stopped" });
    expect(calls).toMatchObject([{ outcome: "aborted", role: "proposer" }]);
  });
});

describe("models Overseer does not know", () => {
  it("works from what the Models API says, and its cost is unknown rather than guessed", async () => {
    const nova = { ...FAKE_MODELS[0]!, id: "claude-nova-6", displayName: "Claude Nova 6", maxTokens: 20_000, effort: ["low", "medium"] as ("low" | "medium")[] };
    const lines: string[] = [];
    fake = await startFakeAnthropic([good], { extraModels: [nova] });
    const out = await proposer({ model: "claude-nova-6", effort: "high", log: (l) => lines.push(l) }).propose(ctx);
    expect(out.kind).toBe("proposal");
    expect(fake.requests[0]!.body).toMatchObject({ max_tokens: 20_000, output_config: { effort: "medium" }, thinking: { type: "adaptive" } });
    expect(calls[0]!.costUsd).toBeNull();
    expect(lines.join("\n")).toMatch(/does not take effort high: medium is sent[\s\S]*knows no price for claude-nova-6/);
  });

  it("without a Models API (a compatible server), thinking and effort are left to the model", async () => {
    fake = await startFakeAnthropic([good], { noModelsApi: true });
    expect((await proposer({ effort: "high" }).propose(ctx)).kind).toBe("proposal");
    expect(fake.requests[0]!.body).not.toHaveProperty("thinking");
    expect(fake.requests[0]!.body).not.toHaveProperty("output_config");
  });
});
