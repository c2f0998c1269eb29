import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { LogParser, MAX_LINE_CHARS, type LogEvent } from "./log-parser";

const RECORD = "step 00042 (14.1%) | loss: 3.812345 | lrm: 1.00 | dt: 315ms | tok/sec: 1,664,000 | mfu: 39.8% | epoch: 0 | remaining: 258s    ";

function feedAll(chunks: (string | Uint8Array)[]): LogEvent[] {
  const p = new LogParser();
  return [...chunks.flatMap((c) => p.feed(c)), ...p.end()];
}

/** Merges progress events by step, as the store sees them. */
function byStep(events: LogEvent[]): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  for (const e of events) if (e.kind === "progress") out.set(e.step, { ...out.get(e.step), ...e.values });
  return out;
}

describe("LogParser", () => {
  it("reports CUDA out of memory from the traceback's last line, whatever stream printed it", () => {
    const oom = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.00 GiB. GPU 0 has a total capacity of 79.19 GiB";
    const events = feedAll([`${RECORD}\n`, "Traceback (most recent call last):\n", '  File "train.py", line 512, in <module>\n', `${oom}\n`]);
    expect(events.filter((e) => e.kind === "oom")).toEqual([{ kind: "oom", text: oom }]);
    expect(events.filter((e) => e.kind === "keyed_line")).toEqual([]); // not mistaken for a "key: value" line
  });

  it("reads every key: number pair of an autoresearch record, units and thousands separators removed", () => {
    const steps = byStep(feedAll([`\r${RECORD}`]));
    expect(steps.get(42)).toEqual({ loss: 3.812345, lrm: 1, dt: 315, "tok/sec": 1664000, mfu: 39.8, epoch: 0, remaining: 258 });
  });

  it("emits a record as soon as it is complete, before the next \\r arrives", () => {
    const p = new LogParser();
    const events = p.feed(`\r${RECORD}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "progress", step: 42, values: { loss: 3.812345, remaining: 258 } });
    // The terminator that follows adds nothing twice.
    expect(p.feed("\r")).toEqual([]);
  });

  it("never takes a value that may still be growing, and completes it when the rest arrives", () => {
    const p = new LogParser();
    const first = p.feed("\rstep 00001 (1.0%) | loss: 3.8");
    expect(first).toEqual([]);
    const second = p.feed("12345 | lrm: 0.5");
    expect(second).toEqual([{ kind: "progress", step: 1, values: { loss: 3.812345 } }]);
    const third = p.feed("0 | dt: 3");
    expect(third).toEqual([{ kind: "progress", step: 1, values: { lrm: 0.5 } }]);
    expect(p.feed("1ms   \r")).toEqual([{ kind: "progress", step: 1, values: { dt: 31 } }]);
  });

  it("gives the same values however the output is cut into chunks", () => {
    const text = `Vocab size: 8,192\n\r${RECORD}\rstep 00043 (14.5%) | loss: 3.801 | remaining: 257s    \n---\nval_bpb:          0.997900\nnum_steps:        953\n`;
    const whole = byStep(feedAll([text]));
    for (const size of [1, 2, 3, 7, 13]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(byStep(feedAll(chunks))).toEqual(whole);
    }
    expect(whole.get(43)).toEqual({ loss: 3.801, remaining: 257 });
  });

  it("handles \\r and \\n mixed, and \\r\\n line ends", () => {
    const events = feedAll(["line one\r\n\rstep 00001 (1%) | loss: 2.0 \r\nstep 00002 (2%) | loss: 1.5 \n\rstep 00003 (3%) | loss: 1.0   \r"]);
    expect([...byStep(events).entries()]).toEqual([
      [1, { loss: 2 }],
      [2, { loss: 1.5 }],
      [3, { loss: 1 }],
    ]);
  });

  it("recognises FAIL on the same physical line as the last record", () => {
    const events = feedAll([`\r${RECORD}`, "\rstep 00043 (14.5%) | loss: nan | remaining: 257s    FAIL\n"]);
    expect(events.filter((e) => e.kind === "fail")).toHaveLength(1);
    expect(byStep(events).get(43)).toEqual({ remaining: 257 }); // nan is not a point
  });

  it("recognises FAIL alone on its line", () => {
    expect(feedAll(["training\nFAIL\n"]).some((e) => e.kind === "fail")).toBe(true);
  });

  it("does not take FAIL inside an ordinary line", () => {
    expect(feedAll(["FAILED to open cache, rebuilding\n"]).some((e) => e.kind === "fail")).toBe(false);
  });

  it("reads the summary after ---, keeping the raw text, and not key: value lines before it", () => {
    const events = feedAll(["Time budget: 300s\n---\nval_bpb:          0.997900\ntraining_seconds: 300.1\ndepth:            8\nnote: text value\n"]);
    const summary = events.filter((e) => e.kind === "summary");
    expect(summary).toEqual([
      { kind: "summary", key: "val_bpb", raw: "0.997900", value: 0.9979 },
      { kind: "summary", key: "training_seconds", raw: "300.1", value: 300.1 },
      { kind: "summary", key: "depth", raw: "8", value: 8 },
      { kind: "summary", key: "note", raw: "text value", value: null },
    ]);
  });

  it("reads a summary with the metric missing as just the other keys", () => {
    const summary = feedAll(["---\ntraining_seconds: 300.1\n"]).filter((e) => e.kind === "summary");
    expect(summary.map((e) => e.kind === "summary" && e.key)).toEqual(["training_seconds"]);
  });

  it("reads the last line of the summary without a trailing newline", () => {
    const summary = feedAll(["---\nval_bpb: 0.5"]).filter((e) => e.kind === "summary");
    expect(summary).toHaveLength(1);
  });

  it("reads one JSON object per line, with the step as x or the line's index", () => {
    const events = feedAll(['{"step": 10, "loss": 2.3, "name": "x"}\n{"loss": 2.1}\n{"summary": {"val_bpb": 1.5}}\n{not json}\n']);
    expect([...byStep(events).entries()]).toEqual([
      [10, { loss: 2.3 }],
      [1, { loss: 2.1 }],
    ]);
    expect(events.filter((e) => e.kind === "summary")).toEqual([{ kind: "summary", key: "val_bpb", raw: "1.5", value: 1.5 }]);
  });

  it("survives binary garbage without inventing points", () => {
    const garbage = new Uint8Array(2048).map((_, i) => (i * 7919) % 256);
    const events = feedAll([garbage, "\n\rstep 00001 (1%) | loss: 2.0   \n"]);
    expect([...byStep(events).keys()]).toEqual([1]);
  });

  it("skips a line longer than the limit with a warning, and parses what follows", () => {
    const p = new LogParser();
    const events: LogEvent[] = [];
    const chunk = "x".repeat(1024 * 1024);
    for (let i = 0; i < 10; i++) events.push(...p.feed(chunk));
    events.push(...p.feed("\rstep 00005 (1%) | loss: 1.25   \n---\nval_bpb: 0.9\n"), ...p.end());
    expect(events.filter((e) => e.kind === "warning")).toHaveLength(1);
    expect(byStep(events).get(5)).toEqual({ loss: 1.25 });
    expect(events.some((e) => e.kind === "summary" && e.value === 0.9)).toBe(true);
    expect(MAX_LINE_CHARS).toBeLessThan(1024 * 1024);
  });

  it("decodes UTF-8 split across chunks", () => {
    const bytes = Buffer.from("---\nnote: café\n");
    const cut = bytes.indexOf(0xc3) + 1;
    const summary = feedAll([bytes.subarray(0, cut), bytes.subarray(cut)]).filter((e) => e.kind === "summary");
    expect(summary).toEqual([{ kind: "summary", key: "note", raw: "café", value: null }]);
  });
});

describe("LogParser on an autoresearch run.log (test/fixtures/autoresearch/run.log, its exact format)", () => {
  const text = fs.readFileSync(path.join(__dirname, "..", "test", "fixtures", "autoresearch", "run.log"), "utf8");

  it("reads every step, and the summary with its keys in order, whether the log comes at once or byte by byte", () => {
    const whole = feedAll([text]);
    const bytes = new TextEncoder().encode(text);
    const trickle = feedAll(Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.slice(i * 7, i * 7 + 7)));
    for (const events of [whole, trickle]) {
      const steps = byStep(events);
      expect([...steps.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(steps.get(0)).toEqual({ loss: 12, lrm: 1, dt: 20315, "tok/sec": 25808, mfu: 0.8, epoch: 0, remaining: 300 });
      const summary = events.filter((e) => e.kind === "summary");
      expect(summary.map((e) => e.key)).toEqual(["val_bpb", "training_seconds", "total_seconds", "peak_vram_mb", "mfu_percent", "total_tokens_M", "num_steps", "num_params_M", "depth"]);
      expect(summary[0]).toEqual({ kind: "summary", key: "val_bpb", raw: "0.990512", value: 0.990512 });
      expect(events.some((e) => e.kind === "fail" || e.kind === "warning")).toBe(false);
    }
  });
});

describe("LogParser on autoresearch runs that fail (test/fixtures/autoresearch, its exact format)", () => {
  const read = (name: string) => fs.readFileSync(path.join(__dirname, "..", "test", "fixtures", "autoresearch", name), "utf8");

  it("sees FAIL printed after the last record, on the same physical line, and keeps the finite records", () => {
    const events = feedAll([read("run-fail.log")]);
    expect(events.filter((e) => e.kind === "fail")).toHaveLength(1);
    expect([...byStep(events).keys()]).toEqual(expect.arrayContaining([0, 1, 2]));
    expect(byStep(events).get(2)?.loss).toBe(48.5);
    expect(events.some((e) => e.kind === "summary" || e.kind === "summary_start")).toBe(false);
  });

  it("sees CUDA out of memory in the traceback that starts on the last record's line", () => {
    const events = feedAll([read("run-oom.log")]);
    expect([...byStep(events).keys()]).toEqual([0, 1, 2]);
    const oom = events.filter((e) => e.kind === "oom");
    expect(oom).toHaveLength(1);
    expect(oom[0]).toMatchObject({ text: expect.stringMatching(/^torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 4\.00 GiB\./) });
  });
});
