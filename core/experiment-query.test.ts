import { describe, expect, it } from "vitest";
import { DEFAULT_EXPERIMENT_QUERY, type ExperimentQuery, isDefaultQuery, isFiltered, queryFromParams, queryToParams, sortedBy } from "./experiment-query";

const parse = (search: string) => queryFromParams(new URLSearchParams(search));

describe("the experiment table's query in the URL", () => {
  it.each<[string, ExperimentQuery]>([
    ["", DEFAULT_EXPERIMENT_QUERY],
    ["sort=metric", { sort: "metric", desc: false }],
    ["sort=-delta&status=kept", { sort: "delta", desc: true, status: "kept" }],
    ["kind=human-edited&gate=high&proposer=claude&q=learning%20rate", { sort: "idx", desc: true, kind: "human-edited", gate: "high", proposer: "claude", text: "learning rate" }],
    ["tried=attention()&sort=-metric", { sort: "metric", desc: true, tried: "attention()" }],
    ["min=0.9&max=1.25", { sort: "idx", desc: true, metricMin: 0.9, metricMax: 1.25 }],
    ["tag=lr-sweep", { sort: "idx", desc: true, tag: "lr-sweep" }],
  ])("reads ?%s", (search, query) => {
    expect(parse(search)).toEqual(query);
    // And writes it back as it was (parameters in one order).
    expect(parse(queryToParams(query).toString())).toEqual(query);
  });

  it.each([
    ["sort=nonsense", DEFAULT_EXPERIMENT_QUERY],
    ["status=exploded", DEFAULT_EXPERIMENT_QUERY],
    ["gate=extreme&kind=other", DEFAULT_EXPERIMENT_QUERY],
    ["min=abc&max=Infinity", DEFAULT_EXPERIMENT_QUERY],
    ["q=", DEFAULT_EXPERIMENT_QUERY],
    ["tag=%3Cscript%3E", DEFAULT_EXPERIMENT_QUERY],
    [`q=${"x".repeat(201)}`, DEFAULT_EXPERIMENT_QUERY],
    ["sort=-metric&status=nope", { sort: "metric", desc: true }],
  ] as const)("leaves out what it does not know: ?%s", (search, query) => {
    expect(parse(search)).toEqual(query);
  });

  it("writes nothing for the default table", () => {
    expect(queryToParams(DEFAULT_EXPERIMENT_QUERY).toString()).toBe("");
    expect(isDefaultQuery(DEFAULT_EXPERIMENT_QUERY)).toBe(true);
    expect(isFiltered({ sort: "metric", desc: false })).toBe(false);
    expect(isDefaultQuery({ sort: "metric", desc: false })).toBe(false);
    expect(isFiltered({ ...DEFAULT_EXPERIMENT_QUERY, metricMax: 2 })).toBe(true);
  });

  it("sorts by a header's column, then turns its order over", () => {
    const byMetric = sortedBy(DEFAULT_EXPERIMENT_QUERY, "metric");
    expect(byMetric).toEqual({ sort: "metric", desc: true });
    expect(sortedBy(byMetric, "metric")).toEqual({ sort: "metric", desc: false });
    expect(sortedBy(DEFAULT_EXPERIMENT_QUERY, "title")).toEqual({ sort: "title", desc: false });
    expect(sortedBy(DEFAULT_EXPERIMENT_QUERY, "idx")).toEqual({ sort: "idx", desc: false });
  });
});
