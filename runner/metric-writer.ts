/**
 * Turns parsed progress records into metric points and writes them in batched transactions: one transaction
 * per batch is what makes 100k+ points/s possible; a record after a quiet spell is written at once, so the
 * browser is milliseconds behind the trainer. It also keeps each series decimated as it grows, and stores that every
 * couple of seconds and at the end, so the dashboard never reads a long run's every point.
 */
import { SeriesSummary } from "../core/series-summary";
import { databaseFault, type DatabaseFault } from "../db/faults";
import type { Db } from "../db/open";
import { currentSummaries, insertPoints, saveSeriesSummaries, SUMMARY_BUCKETS, type PointInput } from "../db/queries/metrics";

const SUMMARY_EVERY_POINTS = 5_000;
/** While the database cannot be written (disk full, locked), points wait in memory and a write is tried this often. */
const STALLED_RETRY_MS = 1000;

/** A spell when the database could not be written, for the run's warnings. */
export interface WriteStall {
  fault: DatabaseFault;
  firstAt: number;
  lastAt: number;
}

export interface MetricWriterOptions {
  flushDelayMs?: number;
  maxBatch?: number;
  summaryEveryMs?: number;
}

export class MetricWriter {
  private buffer: PointInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pointCount = 0;
  private lastStep: number | null = null;
  private readonly flushDelayMs: number;
  private readonly maxBatch: number;
  private readonly summaryEveryMs: number;
  private readonly summaries = new Map<string, SeriesSummary>();
  private lastId = 0;
  private summarisedThrough = 0;
  // Monotonic (performance.now()): a jump of the wall clock must not hold points back.
  private summarisedAt = -Infinity;
  private flushedAt = -Infinity;
  private summarisedCount = 0;
  private stalledUntil = 0;
  /** Spells when writing failed; the points were kept and written later. */
  readonly stalls: WriteStall[] = [];

  constructor(
    private readonly db: Db,
    private readonly runId: number,
    opts: MetricWriterOptions = {},
  ) {
    this.flushDelayMs = opts.flushDelayMs ?? 20;
    this.maxBatch = opts.maxBatch ?? 5000;
    this.summaryEveryMs = opts.summaryEveryMs ?? 2000;
  }

  /** A writer that goes on with a run another runner began (after a crash): its counts and summaries continue. */
  static resume(db: Db, run: { id: number; pointCount: number; lastStep: number | null }, opts: MetricWriterOptions = {}): MetricWriter {
    const writer = new MetricWriter(db, run.id, opts);
    const { summaries, lastId } = currentSummaries(db, run.id);
    for (const [series, summary] of summaries) writer.summaries.set(series, summary);
    writer.lastId = lastId;
    writer.pointCount = run.pointCount;
    writer.summarisedCount = run.pointCount;
    writer.lastStep = run.lastStep;
    return writer;
  }

  add(step: number, values: Record<string, number>, tMs: number): void {
    for (const [series, value] of Object.entries(values)) this.buffer.push({ series, step, tMs, value });
    this.lastStep = step;
    if (this.buffer.length >= this.maxBatch && performance.now() >= this.stalledUntil) this.flush();
    else this.scheduleFlush();
  }

  /** Samples taken by time, not by the trainer's steps (GPU telemetry): x is seconds since the start. */
  addTelemetry(values: Record<string, number>, tMs: number): void {
    for (const [series, value] of Object.entries(values)) this.buffer.push({ series, step: tMs / 1000, tMs, value });
    this.scheduleFlush();
  }

  /**
   * A record after a quiet spell is written at once (after the rest of the chunk being parsed); records
   * that follow within flushDelayMs wait to share one transaction.
   */
  private scheduleFlush(): void {
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.flushedAt + this.flushDelayMs - performance.now()));
  }

  /** Writes what is buffered; if the database is full or locked, keeps it and tries again in a second. */
  flush(): void {
    try {
      this.write();
    } catch (e) {
      const fault = databaseFault(e);
      if (!fault) throw e;
      const now = performance.now();
      const last = this.stalls.at(-1);
      if (last && now - last.lastAt <= 2 * STALLED_RETRY_MS + 100) last.lastAt = now;
      else this.stalls.push({ fault, firstAt: now, lastAt: now });
      this.stalledUntil = now + STALLED_RETRY_MS;
      this.timer ??= setTimeout(() => this.flush(), STALLED_RETRY_MS);
    }
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    this.flushedAt = performance.now();
    const batch = this.buffer;
    // The buffer is let go only once the transaction committed: a failed one leaves every point to write again.
    this.lastId = insertPoints(this.db, this.runId, batch, { lastStep: this.lastStep, pointCount: this.pointCount + batch.length });
    this.buffer = [];
    this.pointCount += batch.length;
    for (const p of batch) {
      let summary = this.summaries.get(p.series);
      if (!summary) this.summaries.set(p.series, (summary = new SeriesSummary(SUMMARY_BUCKETS)));
      summary.add({ step: p.step, tMs: p.tMs, value: p.value });
    }
    // Every couple of seconds, and sooner when points pour in: the dashboard reads the points after the
    // summary one by one, and must never have more than a few thousand to read.
    if (performance.now() - this.summarisedAt >= this.summaryEveryMs || this.pointCount - this.summarisedCount >= SUMMARY_EVERY_POINTS) this.saveSummaries();
  }

  /**
   * Writes what is buffered and the summaries as of the last point: call it when the run ends. A full or
   * locked database throws (with nothing lost), for the caller to try again (db/faults.ts persistently).
   */
  finish(): void {
    this.write();
    this.saveSummaries();
  }

  private saveSummaries(): void {
    this.summarisedAt = performance.now();
    this.summarisedCount = this.pointCount;
    if (this.lastId === this.summarisedThrough) return;
    const states = new Map([...this.summaries].map(([series, s]) => [series, s.state()]));
    saveSeriesSummaries(this.db, this.runId, this.lastId, states);
    this.summarisedThrough = this.lastId;
  }
}
