/**
 * Attacks on the session report by what the proposer writes (its training script's constants, its titles and
 * diffs), found by a red-team session that read the code: the report is still written, text stays text, and
 * parsing the script stays linear.
 */
import { describe, expect, test } from "vitest";
import { topLevelConstants } from "./constants";
import { changedNames, type HyperparameterViews, importanceRanking, numericValue } from "./hyperparameters";
import { reportHtml, type SessionReport, svgOf } from "./report-html";

/** A minimal report whose experiments differ only in one constant, with the values the proposer wrote. */
function report(values: string[], metric = (i: number) => 3 - i * 0.01): SessionReport {
  const rows: HyperparameterViews["rows"] = values.map((v, i) => ({
    id: i + 1,
    idx: i,
    sessionTag: "t",
    title: `exp ${i}`,
    status: i === 0 ? "kept" : "discarded",
    metricValue: metric(i),
    parentId: i === 0 ? null : 1,
    values: { EPS: v },
    axis: "EPS",
  }));
  return {
    generatedAt: 0,
    session: { id: 1, tag: "t", branch: "b", status: "stopped", proposer: "claude", createdAt: 0, endedAt: 1000, origin: "cli" },
    workspace: { name: "w", path: "/w" },
    metric: { name: "val_bpb", goal: "minimize" },
    stats: { proposals: values.length, kept: 1, discarded: values.length - 1, crashed: 0, keepRate: 0.5, baseline: 3, gain: 0, gainPercent: 0 },
    best: 3,
    progress: { dots: [], best: [] },
    chain: [],
    topDiscards: [],
    noise: { sigma: null },
    cost: { usd: 0, calls: 0, inputTokens: 0, outputTokens: 0 },
    time: { trainingMs: 0, wallMs: 1000 },
    gpus: null,
    hyperparameters: {
      scope: { kind: "session", id: 1, name: "t" },
      metric: { name: "val_bpb", goal: "minimize" },
      names: changedNames(rows),
      unchanged: {},
      rows,
      importance: importanceRanking(rows, "minimize"),
      withoutCode: 0,
    },
  };
}

const svgs = (html: string) => html.match(/<svg[\s>]/g)?.length ?? 0;

describe("a constant's value cannot stop the report being written", () => {
  // `EPS = 1e-20` changed to `2e-20`: ECharts' interval scale asserted on the tiny span (outside production
  // builds, as under bin/overseer) and the report failed with an empty message.
  test.each([
    ["1e-20", "2e-20"],
    ["0", "1e-20"],
    ["-1e-300", "1e-300"],
  ])("tiny values %s / %s are drawn, as categories", (a, b) => {
    const values = [...topLevelConstants(`EPS = ${a}\n`), ...topLevelConstants(`EPS = ${b}\n`)].map((c) => c.value);
    expect(values).toEqual([a, b]);
    const html = reportHtml(report([a, b, a, b]));
    expect(svgs(html)).toBe(2); // the scatter and the parallel coordinates (no progress dots here)
    expect(html).toContain(`>${b}<`);
  });

  test("a metric ECharts cannot scale leaves a note where its chart would be, and the rest of the report", () => {
    const html = reportHtml(report(["1", "2", "3"], (i) => (i + 1) * 1e-20));
    expect(html).toContain("<h2>Hyperparameters</h2>");
    expect(html).not.toMatch(/could not be drawn from these values: <|<script/);
  });

  test("a chart's failure is escaped text", () => {
    const note = svgOf({ xAxis: { type: "value" }, yAxis: { type: "value" }, series: [{ type: "no-such-chart<script>" }] }, 100, 100);
    expect(note).not.toContain("<script");
  });
});

describe("parsing the proposer's script stays linear", () => {
  // The regexes before backtracked: 2,000 spaces inside a value took 3 s and grew with their cube; 20,000 digits
  // that are not a number in the end took 0.65 s and grew with their square. These sizes would take hours.
  test("a value with a long run of inner whitespace, and an annotation of spaces with no `=`", () => {
    const t0 = performance.now();
    expect(topLevelConstants(`X = 1${" ".repeat(50_000)}+ 2\nY:${" ".repeat(50_000)}\n`).map((c) => c.name)).toEqual(["X"]);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  test("numericValue of a long run of digits that is not a number", () => {
    const t0 = performance.now();
    for (const text of [`${"1".repeat(200_000)} * 1 + 0`, `${"1".repeat(200_000)}.`, `1${"_1".repeat(100_000)}x`]) expect(numericValue(text)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
