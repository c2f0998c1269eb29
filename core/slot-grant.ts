/**
 * Who may take which free slot (a GPU, or the CPU on a machine without one) when single runs and sessions
 * share a runner. First come, first served, with reservation: a holder that waits for more slots than are free
 * (a baseline needs every slot of its session) keeps the free ones it could use, so a stream of one-slot runs
 * cannot starve it. A holder that is granted slots leaves the queue; wanting more puts it at the back.
 */

export interface SlotWant {
  holder: string;
  /** Slots it needs at once. */
  count: number;
  /** Slot numbers it may use (a session's GPUs). */
  allowed: readonly number[];
  /** When it began to wait: the queue's order. */
  since: number;
}

/** The free slots `holder` may take now, lowest first (it takes as many as it needs of them, or waits). */
export function grantableSlots(free: readonly number[], wants: readonly SlotWant[], holder: string, allowed: readonly number[]): number[] {
  let available = [...free].sort((a, b) => a - b);
  const queue = [...wants].sort((a, b) => a.since - b.since || (a.holder < b.holder ? -1 : 1));
  for (const w of queue) {
    if (w.holder === holder) break;
    // Granted, or reserved until enough are free: either way not this holder's.
    const theirs = available.filter((slot) => w.allowed.includes(slot)).slice(0, w.count);
    available = available.filter((slot) => !theirs.includes(slot));
  }
  return available.filter((slot) => allowed.includes(slot));
}
