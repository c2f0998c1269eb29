/** The reviewer model through the real @anthropic-ai/sdk against a local fake Messages API; and inside the loop. */
import { afterEach, describe, expect, it } from "vitest";
import { listExperiments } from "../db/queries/experiments";
import { getSession, updateSession } from "../db/queries/sessions";
import { startFakeAnthropic, userText, type FakeAnthropic } from "../test/helpers/fake-anthropic";
import { loopSetup } from "../test/helpers/loop";
import { runSession } from "./loop/engine";
import { claudeReviewer } from "./reviewer";

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const rules = { level: "low" as const, needsApproval: false, reasons: [{ rule: "constants-only", message: "sets LR from 0.4 to 0.05", file: "train.mjs", line: 3, level: "low" as const }] };
const input = { diff: "--- a/train.mjs\n+++ b/train.mjs\n@@ -3 +3 @@\n-const LR = 0.4;\n+const LR = 0.05;\n", rules, protectedFiles: ["prepare.mjs"], metricName: "val_bpb" };

describe("the reviewer model", () => {
  it("sends the diff and the rules' findings under its own prompt, and returns its risk, reasons and cost", async () => {
    fake = await startFakeAnthropic([{ toolInput: { risk: "high", reasons: ["the learning rate change hides a budget change"] }, usage: { input_tokens: 1000, output_tokens: 100 } }]);
    const review = await claudeReviewer({ apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5", maxRetries: 0 })(input);
    expect(review).toEqual({ model: "claude-sonnet-5-5", level: "high", reasons: ["the learning rate change hides a budget change"], costUsd: (1000 * 3 + 100 * 15) / 1e6 });
    const req = fake.requests[0]!;
    expect(req.body.system).toEqual(expect.stringContaining("You review changes that an AI research agent proposes"));
    expect(req.body.tool_choice).toEqual({ type: "tool", name: "report_review" });
    expect(userText(req)).toContain("+const LR = 0.05;");
    expect(userText(req)).toContain("low constants-only: sets LR from 0.4 to 0.05 (train.mjs:3)");
  });

  it("counts as medium (a human looks) when the API fails or the answer is malformed", async () => {
    fake = await startFakeAnthropic([{ status: 500, error: { type: "api_error", message: "boom" } }, { toolInput: { risk: "whatever" } }]);
    const reviewer = claudeReviewer({ apiKey: "k", baseURL: fake.url, model: "m", maxRetries: 0 });
    expect(await reviewer(input)).toMatchObject({ level: "medium", reasons: [expect.stringContaining("the Claude API answered 500")] });
    expect(await reviewer(input)).toMatchObject({ level: "medium", reasons: [expect.stringContaining("malformed")] });
  });

  it("makes a loop wait for a human when the reviewer is stricter than the rules, and records both", async () => {
    fake = await startFakeAnthropic(() => ({ toolInput: { risk: "high", reasons: ["suspicious"] }, usage: { input_tokens: 100, output_tokens: 10 } }));
    const { db, session, deps } = await loopSetup({ maxExperiments: 1, reviewer: "claude", approve: "risky" });
    deps.settings = { ...deps.settings, anthropic: { apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5" } };
    const stop = setInterval(() => {
      if (listExperiments(db, session.id)[1]?.status === "awaiting_approval") updateSession(db, session.id, { requested: "stop" }, Date.now());
    }, 50);
    await runSession(session.id, deps).finally(() => clearInterval(stop));
    const exp = listExperiments(db, session.id)[1]!;
    const verdict = JSON.parse(exp.verdictJson!);
    expect(verdict).toMatchObject({ level: "high", reviewer: { model: "claude-sonnet-5-5", level: "high", reasons: ["suspicious"] }, reasons: [{ rule: "constants-only" }] });
    expect(exp.costUsd).toBeCloseTo((100 * 3 + 10 * 15) / 1e6, 9);
    expect(getSession(db, session.id)!.costUsd).toBeCloseTo(exp.costUsd, 9);
  });
});
