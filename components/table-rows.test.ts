import { describe, expect, it } from "vitest";
import { pagesFor, tableRows } from "./table-rows";

const show = (rows: ReturnType<typeof tableRows>) => rows.map((r) => (r.kind === "note" ? `n${r.noteId}` : `e${r.offset}`));

describe("the session table's rows", () => {
  it("place each note above the experiments created after it, newest first", () => {
    // Five experiments (e0 newest); note 1 came before the two newest, note 2 after all of them, note 3 before any.
    const notes = [
      { id: 1, newer: 2 },
      { id: 2, newer: 0 },
      { id: 3, newer: 5 },
    ];
    expect(show(tableRows(5, notes, 0, 100))).toEqual(["n2", "e0", "e1", "n1", "e2", "e3", "e4", "n3"]);
    expect(show(tableRows(5, notes, 3, 6))).toEqual(["n1", "e2", "e3"]);
  });
  it("order notes made between the same two experiments by when they were added", () => {
    expect(
      show(
        tableRows(
          2,
          [
            { id: 4, newer: 1 },
            { id: 5, newer: 1 },
          ],
          0,
          10,
        ),
      ),
    ).toEqual(["e0", "n5", "n4", "e1"]);
  });
  it("name the pages that hold a window's experiments", () => {
    const rows = tableRows(10_000, [{ id: 1, newer: 150 }], 95, 160);
    expect(rows).toHaveLength(65);
    expect(pagesFor(rows, 100)).toEqual([0, 1]);
    expect(rows.at(-1)).toEqual({ kind: "experiment", offset: 158 });
  });
});
