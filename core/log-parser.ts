/**
 * Streaming parser for trainer output (stdout and stderr together, as `> run.log 2>&1` writes it).
 * Understands autoresearch's format — progress records separated by `\r`, `FAIL`, a `---` summary — and
 * one JSON object per line. Pure: bytes in, events out; the caller stamps times and stores them.
 *
 * A progress record is emitted as soon as it is complete, not when the next `\r` arrives: autoresearch ends
 * each record with spaces and no terminator, so a pair is taken from an unterminated tail once something
 * follows its value (a value at the very end might still be growing: "3.8" + "12345").
 */
import { isOutOfMemoryLine } from "./oom";

export type LogEvent =
  | { kind: "progress"; step: number; values: Record<string, number> }
  | { kind: "summary"; key: string; raw: string; value: number | null }
  | { kind: "fail"; text: string }
  /** CUDA out of memory (core/oom), usually the last line of a Python traceback. */
  | { kind: "oom"; text: string }
  /** A `---` line or a JSON summary object: the summary starts (the run-integrity guard counts them). */
  | { kind: "summary_start" }
  /** A `key: value` line outside the summary (a metric printed there is suspicious). */
  | { kind: "keyed_line"; key: string; raw: string }
  | { kind: "warning"; message: string };

/** Longest unterminated text kept; past it the line is skipped (a 10 MB line must not eat memory). */
export const MAX_LINE_CHARS = 64 * 1024;

const STEP_RE = /^\s*step\s+(\d+)/;
const PAIR_RE = /([A-Za-z_][\w/.-]*)\s*[:=]\s*([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(ms|s|%)?(?=(\s|\||$))/g;
const SUMMARY_RE = /^\s*([A-Za-z_][\w/.-]*)\s*:\s*(.*?)\s*$/;
const NUMBER_RE = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?$|^[-+]?\.\d+$/;

export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return null;
  const n = Number(t.replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}

export class LogParser {
  private decoder = new TextDecoder("utf-8");
  private pending = "";
  /** Keys of the pending (unterminated) progress record already emitted. */
  private emittedKeys = new Set<string>();
  private skippingLongLine = false;
  private inSummary = false;
  private jsonIndex = 0;

  /** Feeds a chunk of output; returns the events it completes. */
  feed(chunk: Uint8Array | string): LogEvent[] {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    const events: LogEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */ || c === 10 /* \n */) {
        this.append(text.slice(start, i), events);
        this.completeSegment(events);
        start = i + 1;
      }
    }
    this.append(text.slice(start), events);
    this.emitEarly(events);
    return events;
  }

  /** Ends the stream: the unterminated tail is a complete segment now. */
  end(): LogEvent[] {
    const events: LogEvent[] = [];
    this.append(this.decoder.decode(), events);
    this.completeSegment(events);
    return events;
  }

  private append(text: string, events: LogEvent[]): void {
    if (this.skippingLongLine || text.length === 0) return;
    if (this.pending.length + text.length > MAX_LINE_CHARS) {
      events.push({ kind: "warning", message: `skipped a line longer than ${MAX_LINE_CHARS / 1024} KiB` });
      this.pending = "";
      this.emittedKeys.clear();
      this.skippingLongLine = true;
      return;
    }
    this.pending += text;
  }

  private completeSegment(events: LogEvent[]): void {
    const segment = this.pending;
    this.pending = "";
    const wasSkipping = this.skippingLongLine;
    this.skippingLongLine = false;
    const emitted = this.emittedKeys;
    this.emittedKeys = new Set();
    if (wasSkipping || segment.trim() === "") return;
    this.parseSegment(segment, emitted, events);
  }

  private parseSegment(segment: string, emitted: Set<string>, events: LogEvent[]): void {
    const trimmed = segment.trim();
    if (isOutOfMemoryLine(trimmed)) {
      events.push({ kind: "oom", text: trimmed });
      return;
    }
    if (STEP_RE.test(segment)) {
      const record = parseProgress(segment, false);
      if (record) pushNewValues(record, emitted, events);
      // autoresearch prints FAIL right after the last record, on the same physical line.
      if (/(^|\s)FAIL$/.test(trimmed)) events.push({ kind: "fail", text: trimmed });
      // A "---" glued to the last record still starts a summary: the integrity guard must count it.
      if (/\s---$/.test(trimmed)) {
        this.inSummary = true;
        events.push({ kind: "summary_start" });
      }
      return;
    }
    if (trimmed === "FAIL") {
      events.push({ kind: "fail", text: trimmed });
      return;
    }
    if (trimmed === "---") {
      this.inSummary = true;
      events.push({ kind: "summary_start" });
      return;
    }
    if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
      this.parseJsonLine(trimmed, events);
      return;
    }
    const m = SUMMARY_RE.exec(segment);
    if (!m?.[1] || m[2] === undefined || m[2] === "") return;
    if (this.inSummary) events.push({ kind: "summary", key: m[1], raw: m[2], value: parseNumber(m[2]) });
    else events.push({ kind: "keyed_line", key: m[1], raw: m[2] });
  }

  private parseJsonLine(text: string, events: LogEvent[]): void {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return; // a line that only looks like JSON is an ordinary log line
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return;
    const record = obj as Record<string, unknown>;
    if (typeof record.summary === "object" && record.summary !== null) {
      events.push({ kind: "summary_start" });
      for (const [key, v] of Object.entries(record.summary as Record<string, unknown>)) {
        if (typeof v === "number" || typeof v === "string") {
          events.push({ kind: "summary", key, raw: String(v), value: typeof v === "number" ? (Number.isFinite(v) ? v : null) : parseNumber(v) });
        }
      }
      return;
    }
    const values: Record<string, number> = {};
    for (const [key, v] of Object.entries(record)) {
      if (key !== "step" && typeof v === "number" && Number.isFinite(v)) values[key] = v;
    }
    const step = typeof record.step === "number" && Number.isFinite(record.step) ? record.step : this.jsonIndex;
    this.jsonIndex++;
    if (Object.keys(values).length > 0) events.push({ kind: "progress", step, values });
  }

  /** Emits the pairs of an unterminated progress record that are certainly complete. */
  private emitEarly(events: LogEvent[]): void {
    if (this.skippingLongLine || !STEP_RE.test(this.pending)) return;
    const record = parseProgress(this.pending, true);
    if (record) pushNewValues(record, this.emittedKeys, events);
  }
}

function pushNewValues(record: { step: number; values: Record<string, number> }, emitted: Set<string>, events: LogEvent[]): void {
  const fresh: Record<string, number> = {};
  for (const [k, v] of Object.entries(record.values)) {
    if (!emitted.has(k)) {
      fresh[k] = v;
      emitted.add(k);
    }
  }
  if (Object.keys(fresh).length > 0) events.push({ kind: "progress", step: record.step, values: fresh });
}

/** Parses `step 00042 (14.1%) | loss: 3.81 | dt: 315ms | tok/sec: 1,664,000 | …`. */
export function parseProgress(segment: string, unterminated: boolean): { step: number; values: Record<string, number> } | null {
  const stepMatch = STEP_RE.exec(segment);
  if (!stepMatch?.[1]) return null;
  // In an unterminated tail the step itself may still be growing ("step 0004" + "2").
  if (unterminated && stepMatch[0].length === segment.length) return null;
  const step = Number(stepMatch[1]);
  const values: Record<string, number> = {};
  const rest = segment.slice(stepMatch[0].length);
  for (const m of rest.matchAll(PAIR_RE)) {
    const key = m[1];
    const raw = m[2];
    if (!key || !raw) continue;
    const end = (m.index ?? 0) + m[0].length;
    if (unterminated && end >= rest.length) continue; // nothing follows yet: the value may be cut
    const n = Number(raw.replace(/,/g, ""));
    if (Number.isFinite(n)) values[key] = n;
  }
  return { step, values };
}
