/**
 * Trusted evaluation where nothing confines training (OVERSEER_ISOLATION=none): the evaluation's data is
 * fingerprinted before and after, so a run that rewrote it is tampered, not scored on easier text; and the
 * runner's git never follows a .git file the run rewrote.
 */
process.env.OVERSEER_ISOLATION = "none";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/helpers/temp";
import { trustedRun as run } from "../test/helpers/trusted-run";

describe("trusted evaluation without a sandbox", () => {
  it("finds a run that rewrote the evaluation's data tampered", async () => {
    const { final } = await run({ QUALITY: "2.5", TAMPER: "1" });
    expect(final.status).toBe("tampered");
    expect(final.reason).toMatch(/val\.txt changed during the run: its result is not used/);
  });

  it("never lets the runner's git follow a .git the run rewrote, where nothing stops the rewrite", async () => {
    const marker = path.join(tempDir("overseer-escape-"), "escaped");
    const { final, log } = await run({ QUALITY: "2.5", GITFILE: marker });
    expect(log).toContain("TRAINING redirected .git");
    expect(fs.existsSync(marker)).toBe(false);
    expect(final.status).toBe("finished");
  });
});
