/**
 * The session table's rows, newest first: experiments, fetched a page at a time, with each steering note placed
 * just before (above) the experiments proposed after it. Pure, so the arithmetic has tests.
 */

/** A note and how many experiments were created at or after it (they sit above it). */
export interface PlacedNote {
  id: number;
  newer: number;
}

export type TableRow = { kind: "note"; noteId: number } | { kind: "experiment"; offset: number };

/** Rows [start, end) of `experiments` experiments and the notes (any order), as notes or experiment offsets (0 = newest). */
export function tableRows(experiments: number, notes: readonly PlacedNote[], start: number, end: number): TableRow[] {
  // Newest note first; a note's row is after its `newer` experiments and the notes newer than it.
  const placed = [...notes].sort((a, b) => a.newer - b.newer || b.id - a.id).map((n, i) => ({ id: n.id, row: n.newer + i }));
  const rows: TableRow[] = [];
  let k = 0; // notes before row i
  const total = experiments + notes.length;
  for (let i = 0; i < Math.min(end, total); i++) {
    while (k < placed.length && placed[k]!.row < i) k++;
    const note = placed[k]?.row === i ? placed[k] : undefined;
    if (i >= start) rows.push(note ? { kind: "note", noteId: note.id } : { kind: "experiment", offset: i - k });
  }
  return rows;
}

/** The pages of `size` experiments that hold the given rows' experiments. */
export function pagesFor(rows: readonly TableRow[], size: number): number[] {
  return [...new Set(rows.flatMap((r) => (r.kind === "experiment" ? [Math.floor(r.offset / size)] : [])))];
}
