import { describe, expect, it } from "vitest";
import { MAX_TAGS, parseTags, storedTags } from "./tags";

describe("tags", () => {
  it.each([
    ["architecture", ["architecture"]],
    ["LR-Sweep, architecture  depth", ["architecture", "depth", "lr-sweep"]],
    ["a a A", ["a"]],
    ["", []],
    ["v1.2 warm_up", ["v1.2", "warm_up"]],
  ])("reads %j", (text, tags) => {
    expect(parseTags(text)).toEqual({ ok: true, tags });
  });

  it.each([["-leading"], ["semi;colon"], ["<script>"], [`${"x".repeat(33)}`], [Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`).join(" ")]])("refuses %j, saying why", (text) => {
    const r = parseTags(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/a tag is a word|at most 12 tags/);
  });

  it("reads what is stored, and nothing from what is not a list of tags", () => {
    expect(storedTags('["b","a"]')).toEqual(["a", "b"]);
    expect(storedTags(null)).toEqual([]);
    expect(storedTags("not json")).toEqual([]);
    expect(storedTags('[1, "<x>"]')).toEqual([]);
  });
});
