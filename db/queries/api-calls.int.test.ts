/** The ledger of Claude API calls: each call and the costs it adds are one write, summed in SQL. */
import { describe, expect, it } from "vitest";
import { sessionOptionsSchema } from "../../core/session-options";
import { tempDb } from "../../test/helpers/temp";
import { apiCallTotals, linkApiCalls, recordApiCall } from "./api-calls";
import { createExperiment, getExperiment } from "./experiments";
import { createSession, getSession } from "./sessions";
import { upsertWorkspace } from "./workspaces";

function setup() {
  const { db } = tempDb();
  const ws = upsertWorkspace(db, { name: "w", path: "/tmp/w", repoRoot: "/tmp/w", subdir: "", configJson: "{}", configError: null }, Date.now());
  const s = createSession(db, { workspaceId: ws.id, tag: "t", branch: "overseer/t", origin: "cli", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: Date.now() });
  return { db, s };
}

const call = (sessionId: number, costUsd: number | null, experimentId: number | null = null) => ({
  sessionId,
  experimentId,
  role: "proposer" as const,
  model: "claude-sonnet-5-5",
  outcome: "ok" as const,
  stopReason: "tool_use",
  httpStatus: 200,
  inputTokens: 100,
  outputTokens: 10,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 50,
  cacheReadTokens: 850,
  costUsd,
  error: null,
  durationMs: 5,
  at: Date.now(),
});

describe("the API call ledger", () => {
  it("adds every call's cost to its session, and to its experiment when it has one, in SQL: interleaved writers lose nothing", async () => {
    const { db, s } = setup();
    const exp = createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "x", proposer: "claude", at: Date.now() });
    // Two writers that once read the session, awaited, and wrote back a sum (the reviewer's cost was lost that way).
    await Promise.all(
      [0, 1].map(async (w) => {
        for (let i = 0; i < 50; i++) {
          recordApiCall(db, call(s.id, 0.01, w === 1 ? exp.id : null));
          await new Promise((r) => setImmediate(r));
        }
      }),
    );
    expect(getSession(db, s.id)!.costUsd).toBeCloseTo(1.0, 9);
    expect(getExperiment(db, exp.id)!.costUsd).toBeCloseTo(0.5, 9);
    expect(apiCallTotals(db, { sessionId: s.id })).toMatchObject({ calls: 100, inputTokens: 10_000, cacheReadTokens: 85_000, cacheWriteTokens: 5_000, unpriced: 0 });
  });

  it("links a proposal's calls to its experiment once, with their cost; an unpriced call counts as unknown, not as zero", () => {
    const { db, s } = setup();
    const ids = [recordApiCall(db, call(s.id, 0.2)).id, recordApiCall(db, call(s.id, null)).id];
    const exp = createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "x", proposer: "claude", at: Date.now() });
    linkApiCalls(db, ids, exp.id);
    linkApiCalls(db, ids, exp.id); // again: nothing is added twice
    expect(getExperiment(db, exp.id)!.costUsd).toBeCloseTo(0.2, 9);
    expect(getSession(db, s.id)!.costUsd).toBeCloseTo(0.2, 9);
    expect(apiCallTotals(db, { experimentId: exp.id })).toMatchObject({ calls: 2, unpriced: 1, costUsd: 0.2 });
  });
});
