import { describe, expect, it } from "vitest";
import { alertOf, retryDelayMs, webhookRequest, type Alert, type AlertSource } from "./alerts";

const src = (over: Partial<AlertSource>): AlertSource => ({
  type: "experiment_approval_requested",
  at: 1000,
  payload: {},
  session: { id: 3, tag: "dec2", stopReason: null, bestValue: 0.98 },
  experiment: { id: 41, idx: 7, title: "Warm down to 10%", reason: null, diff: "-a\n+b", verdictLevel: "medium" },
  run: null,
  workspace: "nanogpt",
  metricName: "val_bpb",
  dashboard: "http://127.0.0.1:3000",
  ...over,
});

describe("alertOf", () => {
  it.each<[string, Partial<AlertSource>, Partial<Alert> | null]>([
    [
      "a candidate waits",
      {},
      { kind: "approval", title: "#7 waits for your approval", message: "Warm down to 10% (medium risk) in nanogpt, session dec2", url: "http://127.0.0.1:3000/experiments/41" },
    ],
    ["rebuilt riskier", { type: "experiment_reapproval_requested" }, { kind: "approval" }],
    [
      "within the noise",
      { type: "experiment_decision_requested", experiment: { ...src({}).experiment!, reason: "a gain of 0.002 is under the threshold 0.004 after 2 runs" } },
      { kind: "approval", title: "#7: keep or discard?" },
    ],
    [
      "a forged-looking keep",
      { type: "experiment_decision_requested", experiment: { ...src({}).experiment!, reason: "held for a human: the run looks forged (two summaries)\nmore" } },
      { kind: "suspicious", title: "#7 looks forged: its keep waits for you", message: "Warm down to 10% in nanogpt, session dec2: held for a human: the run looks forged (two summaries)" },
    ],
    ["a tampered run", { type: "run_ended", run: { id: 9, suspicion: null, outcome: "tampered" } }, { kind: "suspicious", title: "#7 tampered with what scores it" }],
    [
      "a suspicious run",
      { type: "run_ended", run: { id: 9, suspicion: "training_seconds far past the budget", outcome: "finished" } },
      { kind: "suspicious", message: "Warm down to 10% in nanogpt, session dec2: training_seconds far past the budget" },
    ],
    ["an ordinary run's end", { type: "run_ended", run: { id: 9, suspicion: null, outcome: "finished" } }, null],
    [
      "the loop paused itself",
      { type: "session_paused", session: { id: 3, tag: "dec2", stopReason: "3 proposals failed in a row", bestValue: 1 } },
      { kind: "paused", url: "http://127.0.0.1:3000/sessions/3", experimentId: null, diff: null },
    ],
    ["a human's pause", { type: "session_paused" }, null],
    [
      "a failed session",
      { type: "session_failed", session: { id: 3, tag: "dec2", stopReason: "the baseline crashed: x", bestValue: null } },
      { kind: "failed", message: "nanogpt, session dec2: the baseline crashed: x" },
    ],
    [
      "a new best",
      { type: "session_best_improved", payload: { bestValue: 0.9712345678 } },
      { kind: "new_best", title: "new best: val_bpb 0.971235", message: "#7 Warm down to 10% kept in nanogpt, session dec2" },
    ],
    ["anything else", { type: "experiment_created" }, null],
    ["no session", { session: null }, null],
  ])("%s", (_name, over, want) => {
    const a = alertOf(src(over));
    if (want === null) expect(a).toBeNull();
    else expect(a).toMatchObject(want);
  });
});

describe("webhookRequest", () => {
  const alert = alertOf(src({}))!;
  it("sends Slack its text, ntfy a plain body with headers, and anything else a JSON object, without code", () => {
    const slack = webhookRequest(alert, "slack", false);
    expect(slack.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(slack.body)).toEqual({ text: "*#7 waits for your approval*\nWarm down to 10% (medium risk) in nanogpt, session dec2\n<http://127.0.0.1:3000/experiments/41|Open in Overseer>" });
    const ntfy = webhookRequest(alert, "ntfy", false);
    expect(ntfy).toEqual({
      headers: { "content-type": "text/plain; charset=utf-8", Title: "#7 waits for your approval", Tags: "hourglass", Priority: "4", Click: "http://127.0.0.1:3000/experiments/41" },
      body: "Warm down to 10% (medium risk) in nanogpt, session dec2",
    });
    const json = JSON.parse(webhookRequest(alert, "json", false).body);
    expect(json).toEqual({ source: "overseer", kind: "approval", title: alert.title, message: alert.message, url: alert.url, at: 1000, sessionId: 3, experimentId: 41 });
    for (const f of ["slack", "ntfy", "json"] as const) expect(webhookRequest(alert, f, false).body).not.toContain("+b");
  });
  it("sends the diff only to a webhook that opts in, cut to size", () => {
    expect(JSON.parse(webhookRequest(alert, "json", true).body).diff).toBe("-a\n+b");
    expect(webhookRequest(alert, "ntfy", true).body).toContain("\n\n-a\n+b");
    const long = { ...alert, diff: "x".repeat(30_000) };
    expect(JSON.parse(webhookRequest(long, "json", true).body).diff).toMatch(/^x{20000}\n… \(cut at 20000 characters\)$/);
  });
  it("escapes Slack's control characters in what the proposer wrote", () => {
    const hostile = { ...alert, title: "<!channel> <https://evil.example|Approve #12> & more" };
    expect(JSON.parse(webhookRequest(hostile, "slack", false).body).text).toMatch(/^\*&lt;!channel&gt; &lt;https:\/\/evil\.example\|Approve #12&gt; &amp; more\*\n/);
  });
  it("keeps ntfy's headers to one printable line", () => {
    const odd = { ...alert, title: "line one\nline two 🎉" };
    expect(webhookRequest(odd, "ntfy", false).headers.Title).toBe("line one line two ??");
  });
  it("backs off 1 s, 2 s, 4 s … to a minute", () => {
    expect([1, 2, 3, 4, 7, 12].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
  });
});
