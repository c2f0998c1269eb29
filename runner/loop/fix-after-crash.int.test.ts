import { afterEach, describe, expect, it } from "vitest";
import { listExperiments } from "../../db/queries/experiments";
import { proposing, startFakeAnthropic, userText, type FakeAnthropic } from "../../test/helpers/fake-anthropic";
import { loopSetup } from "../../test/helpers/loop";
import { claudeProposer } from "../proposers/claude";
import { runSession } from "./engine";

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

/**
 * A scripted model: while no crash is shown it proposes learning rates that crash the quadratic trainer
 * (LR above 1.5), then a width change; shown a crash, it proposes a fix of that idea with a smaller LR.
 */
function model(fixedLr: string) {
  let ideas = 0;
  return startFakeAnthropic((req) => {
    const crash = /## Last crash: #(\d+)/.exec(userText(req));
    if (crash) {
      return proposing({
        title: `LR ${fixedLr} (fix)`,
        hypothesis: "Same idea, a learning rate that does not explode.",
        fixes_experiment: Number(crash[1]),
        edits: [{ file: "train.mjs", old: "const LR = 0.4;", new: `const LR = ${fixedLr};` }],
      });
    }
    ideas++;
    if (ideas === 1) return proposing({ title: "LR 2", hypothesis: "A much larger learning rate.", edits: [{ file: "train.mjs", old: "const LR = 0.4;", new: "const LR = 2;" }] });
    return proposing({ title: `WIDTH 3 → 4 (${ideas})`, hypothesis: "Wider.", edits: [{ file: "train.mjs", old: "const WIDTH = 3;", new: "const WIDTH = 4;" }] });
  });
}

describe("a fix after a crash, with the claude proposer", () => {
  it("shows the model the crash's log tail, and records its fix as a fix of that experiment", async () => {
    fake = await model("0.2");
    const proposer = claudeProposer({ apiKey: "test-key", baseURL: fake.url, model: "claude-sonnet-5-5" });
    const { db, session, deps } = await loopSetup({ proposer: "claude", maxExperiments: 3, maxFixAttempts: 2 }, { proposer });
    const final = await runSession(session.id, deps);
    expect(final.status).toBe("finished");

    const exps = listExperiments(db, session.id);
    const crashed = exps.find((e) => e.title === "LR 2")!;
    expect(crashed).toMatchObject({ status: "crashed", kind: "proposal", reason: expect.stringContaining("RuntimeError: loss exploded to inf at step 3") });
    const fix = exps.find((e) => e.kind === "fix")!;
    expect(fix).toMatchObject({ title: "LR 0.2 (fix)", fixOf: crashed.idx });
    expect(["kept", "discarded"]).toContain(fix.status); // it ran, and did not crash
    // The request that produced the fix carried the crash: its number, title and the log's last lines.
    const asked = fake.requests.find((r) => userText(r).includes(`## Last crash: #${crashed.idx} LR 2`))!;
    expect(userText(asked)).toContain("RuntimeError: loss exploded to inf at step 3");
  });

  it("stops offering fixes of one idea after maxFixAttempts", async () => {
    fake = await model("1.6"); // every "fix" explodes again
    const proposer = claudeProposer({ apiKey: "test-key", baseURL: fake.url, model: "claude-sonnet-5-5" });
    const { db, session, deps } = await loopSetup({ proposer: "claude", maxExperiments: 5, maxFixAttempts: 1 }, { proposer });
    await runSession(session.id, deps);
    const exps = listExperiments(db, session.id);
    const fixes = exps.filter((e) => e.kind === "fix");
    expect(fixes.map((f) => [f.status, exps.find((e) => e.idx === f.fixOf)!.kind])).toEqual([["crashed", "proposal"]]);
    // The crashed fix was shown to no one: no later request names it as the last crash.
    expect(fake.requests.some((r) => userText(r).includes(`## Last crash: #${fixes[0]!.idx} `))).toBe(false);
  });
});
