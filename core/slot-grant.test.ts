import { describe, expect, it } from "vitest";
import { grantableSlots, type SlotWant } from "./slot-grant";

const want = (holder: string, count: number, allowed: number[], since: number): SlotWant => ({ holder, count, allowed, since });

describe("grantableSlots", () => {
  const cases: { name: string; free: number[]; wants: SlotWant[]; holder: string; allowed: number[]; expected: number[] }[] = [
    { name: "nobody waits: every free slot it may use", free: [0, 2, 3], wants: [], holder: "runs", allowed: [0, 1, 2], expected: [0, 2] },
    { name: "the first in line takes what it needs first", free: [0, 1], wants: [want("session:1", 1, [0, 1], 1), want("runs", 1, [0, 1], 2)], holder: "runs", allowed: [0, 1], expected: [1] },
    { name: "the first in line sees every free slot", free: [0, 1], wants: [want("session:1", 1, [0, 1], 1), want("runs", 1, [0, 1], 2)], holder: "session:1", allowed: [0, 1], expected: [0, 1] },
    {
      name: "a baseline waiting for both slots keeps the one free from a later single run",
      free: [1],
      wants: [want("session:1", 2, [0, 1], 1), want("runs", 1, [0, 1], 2)],
      holder: "runs",
      allowed: [0, 1],
      expected: [],
    },
    {
      name: "a waiter's reservation covers only the slots it may use",
      free: [1, 2],
      wants: [want("session:1", 2, [0, 1], 1), want("runs", 1, [0, 1, 2], 2)],
      holder: "runs",
      allowed: [0, 1, 2],
      expected: [2],
    },
    { name: "a holder not in the queue comes after everyone in it", free: [0], wants: [want("session:1", 1, [0], 5)], holder: "session:2", allowed: [0], expected: [] },
    { name: "the CPU slot alone, two waiters: the earlier gets it", free: [0], wants: [want("runs", 1, [0], 3), want("session:1", 1, [0], 4)], holder: "session:1", allowed: [0], expected: [] },
    { name: "the CPU slot alone, two waiters: the earlier gets it (its view)", free: [0], wants: [want("runs", 1, [0], 3), want("session:1", 1, [0], 4)], holder: "runs", allowed: [0], expected: [0] },
    { name: "equal times are ordered by holder, the same in every view", free: [0], wants: [want("session:2", 1, [0], 3), want("runs", 1, [0], 3)], holder: "session:2", allowed: [0], expected: [] },
    { name: "nothing free", free: [], wants: [], holder: "runs", allowed: [0], expected: [] },
  ];
  for (const c of cases) it(c.name, () => expect(grantableSlots(c.free, c.wants, c.holder, c.allowed)).toEqual(c.expected));

  it("never grants one slot to two holders", () => {
    const wants = [want("a", 1, [0, 1, 2], 1), want("b", 2, [1, 2], 2), want("c", 1, [0, 1, 2], 3)];
    const free = [0, 1, 2];
    const a = grantableSlots(free, wants, "a", [0, 1, 2]).slice(0, 1);
    const b = grantableSlots(free, wants, "b", [1, 2]).slice(0, 2);
    const c = grantableSlots(free, wants, "c", [0, 1, 2]).slice(0, 1);
    expect(a).toEqual([0]);
    expect(b).toEqual([1, 2]);
    expect(c).toEqual([]);
  });
});
