/** The reviewer model through the real @anthropic-ai/sdk against the fake Claude API; and inside the loop. */
import { afterEach, describe, expect, it } from "vitest";
import { apiCallTotals, listApiCalls } from "../db/queries/api-calls";
import { listExperiments } from "../db/queries/experiments";
import { getSession, updateSession } from "../db/queries/sessions";
import { startFakeAnthropic, userText, type FakeAnthropic } from "../test/helpers/fake-anthropic";
import { loopSetup } from "../test/helpers/loop";
import { runSession } from "./loop/engine";
import type { MeteredCall } from "./proposers/types";
import { claudeReviewer } from "./reviewer";

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const before = "const WIDTH = 3;\nconst LR = 0.4;\nfunction step(w) {\n  const g = 2 * (w - 8);\n  return w - LR * g;\n}\n";
const after = before.replace("2 * (w - 8)", "2 * (w - 8) * 0.5");
const rules = { level: "medium" as const, needsApproval: true, reasons: [{ rule: "code-change", message: "changes code in train.mjs", file: "train.mjs", line: 4, level: "medium" as const }] };
const input = {
  diff: "--- a/train.mjs\n+++ b/train.mjs\n@@ -4 +4 @@\n-  const g = 2 * (w - 8);\n+  const g = 2 * (w - 8) * 0.5;\n",
  files: { "train.mjs": { before, after } },
  rules,
  protectedFiles: ["prepare.mjs"],
  metricName: "val_bpb",
};

describe("the reviewer model", () => {
  it("sends the diff, the changed function whole and the rules' findings under its own prompt; returns its risk, reasons and cost", async () => {
    fake = await startFakeAnthropic([{ toolInput: { risk: "high", reasons: ["the gradient is halved: a hidden learning-rate change"] } }]);
    const calls: MeteredCall[] = [];
    const review = await claudeReviewer({ apiKey: "test-key", baseURL: fake.url, model: "claude-opus-5-5", effort: "medium", maxRetries: 0 })(input, { meter: (c) => calls.push(c) });
    expect(review).toMatchObject({ model: "claude-opus-5-5", level: "high", reasons: ["the gradient is halved: a hidden learning-rate change"] });
    expect(review.costUsd).toBeGreaterThan(0);
    expect(review.costUsd).toBeCloseTo(calls[0]!.costUsd!, 12);
    const req = fake.requests[0]!;
    expect(req.error).toBeUndefined();
    expect(req.body).toMatchObject({ tool_choice: { type: "auto" }, thinking: { type: "adaptive" }, output_config: { effort: "medium" }, stream: true });
    expect(req.body.tools![0]).toMatchObject({ name: "report_review", strict: true });
    expect(JSON.stringify(req.body.system)).toContain("You review changes that an AI research agent proposes");
    const text = userText(req);
    expect(text).toContain("+  const g = 2 * (w - 8) * 0.5;");
    expect(text).toContain("medium code-change: changes code in train.mjs (train.mjs:4)");
    // The whole function, not three lines of context.
    expect(text).toContain("function step(w) {\n  const g = 2 * (w - 8) * 0.5;\n  return w - LR * g;\n}");
  });

  it("counts as medium (a human looks) when the API fails or the answer is malformed twice", async () => {
    fake = await startFakeAnthropic([{ status: 500, error: { type: "api_error", message: "boom" } }, { text: "looks fine" }, { text: "really fine" }]);
    const reviewer = claudeReviewer({ apiKey: "test-key", baseURL: fake.url, model: "claude-sonnet-5-5", maxRetries: 0 });
    expect(await reviewer(input)).toMatchObject({ level: "medium", reasons: [expect.stringContaining("the Claude API answered 500 api_error: boom")] });
    expect(await reviewer(input)).toMatchObject({ level: "medium", reasons: [expect.stringContaining("malformed")] });
    expect(fake.requests.at(-1)!.body.messages.at(-1)).toEqual({ role: "user", content: "Call report_review now with your verdict." });
  });

  it("makes a loop wait for a human when the reviewer is stricter than the rules; its cost is the experiment's and the session's", async () => {
    fake = await startFakeAnthropic(() => ({ toolInput: { risk: "high", reasons: ["suspicious"] } }));
    const { db, session, deps } = await loopSetup({ maxExperiments: 1, reviewer: "claude", approve: "risky" });
    deps.settings = { ...deps.settings, anthropic: { apiKey: "test-key", baseURL: fake.url, model: "claude-sonnet-5-5" } };
    const stop = setInterval(() => {
      if (listExperiments(db, session.id)[1]?.status === "awaiting_approval") updateSession(db, session.id, { requested: "stop" }, Date.now());
    }, 50);
    await runSession(session.id, deps).finally(() => clearInterval(stop));
    const exp = listExperiments(db, session.id)[1]!;
    const verdict = JSON.parse(exp.verdictJson!);
    expect(verdict).toMatchObject({ level: "high", reviewer: { model: "claude-sonnet-5-5", level: "high", reasons: ["suspicious"] }, reasons: [{ rule: "constants-only" }] });
    const calls = listApiCalls(db, { experimentId: exp.id });
    expect(calls).toMatchObject([{ role: "reviewer", outcome: "ok", sessionId: session.id }]);
    expect(exp.costUsd).toBeCloseTo(calls[0]!.costUsd!, 12);
    expect(getSession(db, session.id)!.costUsd).toBeCloseTo(apiCallTotals(db, { sessionId: session.id }).costUsd, 12);
  });
});
