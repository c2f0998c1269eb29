/**
 * The machine's clock jumps (NTP stepping it, a VM resumed) while a run trains. The runner runs under
 * libfaketime (Debian's libfaketime, installed by .ci/run), whose offset file the test rewrites: the wall
 * clock goes back an hour, then forward an hour, while the monotonic clock runs on, as on a real machine.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seriesPoints } from "../db/queries/metrics";
import { readLease } from "../db/queries/runner-lease";
import { createRun, getRun } from "../db/queries/runs";
import { expectEveryPointOnce, startRunner, stopRunner } from "../test/helpers/runner-process";
import { registeredTrainer } from "../test/helpers/registered";
import { waitFor } from "../test/helpers/temp";
import { runEnded } from "../test/helpers/run-ended";

const LIBFAKETIME = ["x86_64-linux-gnu", "aarch64-linux-gnu"].map((arch) => `/usr/lib/${arch}/faketime/libfaketime.so.1`).find((f) => fs.existsSync(f));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a jump of the machine's clock while a run trains", () => {
  it("points keep arriving, the time axis neither bends nor breaks, the heartbeat goes on, and the run is not suspected", async () => {
    if (!LIBFAKETIME) throw new Error("libfaketime is not installed: apt-get install libfaketime (.ci/run does)");
    const { dataDir, db, ws } = await registeredTrainer("slow.mjs", { command: ["node", "train.mjs", "7"], budgetSeconds: 7, timeoutSeconds: 60 });
    const offset = path.join(dataDir, "clock-offset");
    fs.writeFileSync(offset, "+0\n");
    const runner = startRunner(dataDir, { LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: offset, FAKETIME_NO_CACHE: "1", FAKETIME_DONT_FAKE_MONOTONIC: "1" });
    try {
      const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
      await waitFor(() => (getRun(db, run.id)?.pointCount ?? 0) >= 5, 30_000, "the first points");

      fs.writeFileSync(offset, "-1h\n"); // back an hour
      await sleep(1200);
      const [points, beat] = [getRun(db, run.id)!.pointCount, readLease(db)!.heartbeatAt];
      await sleep(1500);
      expect(getRun(db, run.id)!.pointCount).toBeGreaterThan(points + 5); // still live
      expect(readLease(db)!.heartbeatAt).toBeGreaterThan(beat); // still beating
      expect(Math.abs(Date.now() - 3600_000 - readLease(db)!.heartbeatAt)).toBeLessThan(5000); // on the runner's (jumped) clock

      fs.writeFileSync(offset, "+0\n"); // and forward again
      const ended = await runEnded(db, run.id, 30_000, "the run to end");
      expect(ended).toMatchObject({ status: "finished", metricValue: 0.9, suspicion: null });
      expectEveryPointOnce(db, run.id);
      // Seconds since the start, in order, with no hour-long gap and nothing before zero.
      const t = seriesPoints(db, run.id, "loss").map((p) => p.tMs);
      expect(t[0]).toBeGreaterThanOrEqual(0);
      for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeGreaterThanOrEqual(0);
      expect(Math.max(...t.slice(1).map((x, i) => x - t[i]!))).toBeLessThan(3000);
      expect(t.at(-1)!).toBeLessThan(20_000);
      expect(runner.child.exitCode).toBeNull();
    } finally {
      await stopRunner(runner.child);
    }
  }, 90_000);
});
