import { expect, test } from "vitest";
import { nextSort, parseSort, RUN_SORTS, showSort } from "./list-sort";

const fallback = { sort: "id", desc: true } as const;

test.each([
  ["metric", { sort: "metric", desc: false }],
  ["-duration", { sort: "duration", desc: true }],
  ["-bogus", fallback],
  ["", fallback],
  [null, fallback],
])("parseSort(%j)", (raw, expected) => expect(parseSort(raw, RUN_SORTS, fallback)).toEqual(expected));

test("showSort and parseSort round-trip", () => {
  for (const sort of RUN_SORTS) for (const desc of [true, false]) expect(parseSort(showSort({ sort, desc }), RUN_SORTS, fallback)).toEqual({ sort, desc });
});

test("nextSort turns the sorted column around, and starts another column highest first", () => {
  expect(nextSort({ sort: "metric", desc: true }, "metric")).toEqual({ sort: "metric", desc: false });
  expect(nextSort({ sort: "metric", desc: false }, "status")).toEqual({ sort: "status", desc: true });
});
