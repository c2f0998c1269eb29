/**
 * The runner's slots — one per GPU, or the CPU on a machine without one — shared by the single runs and the
 * sessions it drives, so they run side by side up to the slots. Who gets a free slot is core/slot-grant's rule;
 * this holds the state: which slot is taken, and who waits for how many.
 */
import type { GpuIdentity } from "../core/gpu";
import { grantableSlots, type SlotWant } from "../core/slot-grant";

export interface Slot {
  /** Its number in the pool. */
  n: number;
  gpu: GpuIdentity | null;
}

export interface SlotPool {
  readonly slots: readonly Slot[];
  /** Says `holder` waits for `count` of the `allowed` slots (0: it waits for none). Its place in line is kept. */
  want(holder: string, count: number, allowed: readonly Slot[]): void;
  /** The free slots `holder` may take now. */
  grantable(holder: string, allowed: readonly Slot[]): Slot[];
  /** Takes `count` slots if they may be granted now (and takes `holder` out of the line), or returns null. */
  claim(holder: string, count: number, allowed: readonly Slot[]): Slot[] | null;
  release(taken: readonly Slot[]): void;
  /** Leaves the line (a session that ended). */
  forget(holder: string): void;
  /** Resolves at the next release: a waiter wakes then rather than at its next poll. */
  released(): Promise<void>;
}

export function createSlotPool(gpus: readonly GpuIdentity[]): SlotPool {
  return poolOf(gpus.length ? gpus.map((gpu, n) => ({ n, gpu })) : [{ n: 0, gpu: null }]);
}

/** Slots that are jobs on a cluster: as many runs at once as the cluster may hold for a session; its GPUs are Slurm's to give. */
export function createJobSlots(count: number): SlotPool {
  return poolOf(Array.from({ length: Math.max(1, count) }, (_, n) => ({ n, gpu: null })));
}

function poolOf(slots: Slot[]): SlotPool {
  const taken = new Set<number>();
  const wants = new Map<string, SlotWant>();
  let wake: { promise: Promise<void>; resolve: () => void } | null = null;
  const numbers = (of: readonly Slot[]) => of.map((s) => s.n);
  const grantable = (holder: string, allowed: readonly Slot[]) => {
    const free = slots.filter((s) => !taken.has(s.n)).map((s) => s.n);
    return grantableSlots(free, [...wants.values()], holder, numbers(allowed)).map((n) => slots[n]!);
  };
  return {
    slots,
    want(holder, count, allowed) {
      if (count <= 0) return void wants.delete(holder);
      const since = wants.get(holder)?.since ?? performance.now();
      wants.set(holder, { holder, count: Math.min(count, allowed.length), allowed: numbers(allowed), since });
    },
    grantable,
    claim(holder, count, allowed) {
      const can = grantable(holder, allowed);
      if (can.length < count) return null;
      const got = can.slice(0, count);
      for (const s of got) taken.add(s.n);
      wants.delete(holder);
      return got;
    },
    release(done) {
      for (const s of done) taken.delete(s.n);
      wake?.resolve();
      wake = null;
    },
    forget(holder) {
      wants.delete(holder);
    },
    released() {
      if (!wake) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        wake = { promise, resolve };
      }
      return wake.promise;
    },
  };
}
