import { describe, expect, it } from "vitest";
import { drawnSeries, insertPoints } from "../db/queries/metrics";
import { createRun } from "../db/queries/runs";
import { upsertWorkspace } from "../db/queries/workspaces";
import { tempDb } from "../test/helpers/temp";
import { MetricWriter } from "./metric-writer";

function setup() {
  const { db } = tempDb();
  const ws = upsertWorkspace(db, { name: "w", path: `/tmp/w-${Math.random()}`, repoRoot: "/tmp", subdir: "", configJson: "{}", configError: null }, Date.now());
  return { db, run: createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() }) };
}

describe("the metric writer's series summaries", () => {
  it("let the dashboard draw a long run, spikes included, and the points written after the last summary", () => {
    const { db, run } = setup();
    const writer = new MetricWriter(db, run.id, { maxBatch: 1000, summaryEveryMs: 60_000 });
    for (let step = 1; step <= 50_000; step++) writer.add(step, { loss: step === 31_337 ? 99 : 3 - step / 50_000, ...(step % 200 === 0 ? { lr: 0.01 } : {}) }, step);
    writer.finish();
    insertPoints(db, run.id, [{ series: "loss", step: 50_001, tMs: 50_001, value: 0.5 }], { lastStep: 50_001, pointCount: 50_501 }); // after the summary

    const drawn = drawnSeries(db, run.id).series;
    expect(Object.keys(drawn)).toEqual(["loss", "lr"]);
    expect(drawn.loss!.length).toBeLessThanOrEqual(1_000);
    expect(drawn.loss!.find((p) => p.value === 99)?.step).toBe(31_337);
    expect(drawn.loss![0]!.step).toBe(1);
    expect(drawn.loss!.at(-1)).toEqual({ step: 50_001, tMs: 50_001, value: 0.5 });
    expect(drawn.lr!.length).toBe(250); // a short series is drawn whole
    const stored = db.$client.prepare("SELECT COUNT(*) AS n FROM series_summaries WHERE run_id = ?").get(run.id) as { n: number };
    expect(stored.n).toBe(2);
  });

  it("are optional: a run written without them is drawn from every point", () => {
    const { db, run } = setup();
    insertPoints(
      db,
      run.id,
      Array.from({ length: 5000 }, (_, i) => ({ series: "loss", step: i, tMs: i, value: i === 2500 ? 50 : 1 })),
      { lastStep: 4999, pointCount: 5000 },
    );
    const drawn = drawnSeries(db, run.id).series.loss!;
    expect(drawn.length).toBeLessThanOrEqual(1_000);
    expect(drawn.some((p) => p.value === 50)).toBe(true);
  });
});
