/**
 * Trusted evaluation where nothing confines training (OVERSEER_ISOLATION=none): the evaluation's data is
 * fingerprinted before and after, so a run that rewrote it is tampered, not scored on easier text.
 */
process.env.OVERSEER_ISOLATION = "none";
import { describe, expect, it } from "vitest";
import { trustedRun as run } from "../test/helpers/trusted-run";

describe("trusted evaluation without a sandbox", () => {
  it("finds a run that rewrote the evaluation's data tampered", async () => {
    const { final } = await run({ QUALITY: "2.5", TAMPER: "1" });
    expect(final.status).toBe("tampered");
    expect(final.reason).toMatch(/val\.txt changed during the run: its result is not used/);
  });
});
