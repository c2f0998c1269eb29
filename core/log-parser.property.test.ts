/** Property-based tests (fast-check): the parser's results do not depend on how the log is cut, and junk never breaks it. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LogParser, type LogEvent } from "./log-parser";

function parse(chunks: (string | Uint8Array)[]): LogEvent[] {
  const p = new LogParser();
  return [...chunks.flatMap((c) => p.feed(c)), ...p.end()];
}

/**
 * What the store keeps: each step's values merged (a record may be emitted in parts, as it arrives), and every
 * other event in order.
 */
function stored(events: LogEvent[]): { steps: [number, Record<string, number>][]; others: LogEvent[] } {
  const steps = new Map<number, Record<string, number>>();
  for (const e of events) if (e.kind === "progress") steps.set(e.step, { ...steps.get(e.step), ...e.values });
  return { steps: [...steps], others: events.filter((e) => e.kind !== "progress") };
}

/** Cuts text at the given fractions (sorted, deduplicated): any chunking a pipe could deliver. */
function cut<T extends { length: number; slice(a: number, b?: number): T }>(text: T, fractions: number[]): T[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
  const out: T[] = [];
  let from = 0;
  for (const p of points) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out;
}

const key = fc.stringMatching(/^[a-z][a-z_]{0,11}$/);
const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((v) => Number(v.toFixed(6)) + 0); // + 0: a log prints -0 as 0
const record = fc.record({
  step: fc.nat({ max: 99999 }),
  values: fc.dictionary(
    key.filter((k) => k !== "step"),
    value,
    { minKeys: 1, maxKeys: 5 },
  ),
});
const summary = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

function autoresearchLog(records: { step: number; values: Record<string, number> }[], summaryValues: Record<string, number>): string {
  const progress = records
    .map(
      (r) =>
        `\rstep ${String(r.step).padStart(5, "0")} | ${Object.entries(r.values)
          .map(([k, v]) => `${k}: ${v}`)
          .join(" | ")}    `,
    )
    .join("");
  return `${progress}\n---\n${Object.entries(summaryValues)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n")}\n`;
}

describe("LogParser properties", () => {
  it("reads back every progress value and summary metric it was given, wherever the stream is cut (bytes or text)", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), summary, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), (records, sum, fractions) => {
        const text = autoresearchLog(records, sum);
        const whole = parse([text]);
        expect(stored(parse(cut(text, fractions)))).toEqual(stored(whole));
        expect(stored(parse(cut(Buffer.from(text, "utf8"), fractions)))).toEqual(stored(whole));

        const last = new Map(stored(whole).steps);
        // A step printed twice keeps its last values, as the store does.
        const lastOfStep = new Map(records.map((r) => [r.step, r.values] as const));
        for (const [step, values] of lastOfStep) for (const [k, v] of Object.entries(values)) expect(last.get(step)?.[k]).toBeCloseTo(v, 6);
        const summaries = Object.fromEntries(whole.flatMap((e) => (e.kind === "summary" ? [[e.key, e.value]] : [])));
        expect(summaries).toEqual(sum);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on arbitrary bytes, and splits multi-byte characters across chunks without damage", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }), (bytes, fractions) => {
        const events = parse(cut(Buffer.from(bytes), fractions));
        expect(stored(events)).toEqual(stored(parse([Buffer.from(bytes)])));
        for (const e of events) if (e.kind === "progress") expect(Object.values(e.values).every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }), (text, fractions) => {
        const withSummary = `${text}\n---\nval_bpb: 0.99\n`;
        const events = parse(cut(Buffer.from(withSummary, "utf8"), fractions));
        expect(stored(events)).toEqual(stored(parse([withSummary])));
        expect(events).toContainEqual({ kind: "summary", key: "val_bpb", raw: "0.99", value: 0.99 });
      }),
      { numRuns: 300 },
    );
  });
});
