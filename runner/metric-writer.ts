/**
 * Turns parsed progress records into metric points and writes them in batched transactions: one transaction
 * per batch is what makes 100k+ points/s possible; a record after a quiet spell is written at once, so the
 * browser is milliseconds behind the trainer. It also keeps each series decimated as it grows, and stores that every
 * couple of seconds and at the end, so the dashboard never reads a long run's every point.
 */
import { SeriesSummary } from "../core/series-summary";
import type { Db } from "../db/open";
import { currentSummaries, insertPoints, saveSeriesSummaries, SUMMARY_BUCKETS, type PointInput } from "../db/queries/metrics";

const SUMMARY_EVERY_POINTS = 5_000;

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
  private summarisedAt = 0;
  private flushedAt = 0;
  private summarisedCount = 0;

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
    if (this.buffer.length >= this.maxBatch) this.flush();
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
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.flushedAt + this.flushDelayMs - Date.now()));
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    this.flushedAt = Date.now();
    const batch = this.buffer;
    this.buffer = [];
    this.pointCount += batch.length;
    this.lastId = insertPoints(this.db, this.runId, batch, { lastStep: this.lastStep, pointCount: this.pointCount });
    for (const p of batch) {
      let summary = this.summaries.get(p.series);
      if (!summary) this.summaries.set(p.series, (summary = new SeriesSummary(SUMMARY_BUCKETS)));
      summary.add({ step: p.step, tMs: p.tMs, value: p.value });
    }
    // Every couple of seconds, and sooner when points pour in: the dashboard reads the points after the
    // summary one by one, and must never have more than a few thousand to read.
    if (Date.now() - this.summarisedAt >= this.summaryEveryMs || this.pointCount - this.summarisedCount >= SUMMARY_EVERY_POINTS) this.saveSummaries();
  }

  /** Writes what is buffered and the summaries as of the last point: call it when the run ends. */
  finish(): void {
    this.flush();
    this.saveSummaries();
  }

  private saveSummaries(): void {
    this.summarisedAt = Date.now();
    this.summarisedCount = this.pointCount;
    if (this.lastId === this.summarisedThrough) return;
    const states = new Map([...this.summaries].map(([series, s]) => [series, s.state()]));
    saveSeriesSummaries(this.db, this.runId, this.lastId, states);
    this.summarisedThrough = this.lastId;
  }
}
