/**
 * Turns parsed progress records into metric points and writes them in batched transactions: one transaction
 * per batch is what makes 100k+ points/s possible, and a short flush delay keeps the browser within a
 * fraction of a second of the trainer.
 */
import type { Db } from "../db/open";
import { insertPoints, type PointInput } from "../db/queries/metrics";

export interface MetricWriterOptions {
  flushDelayMs?: number;
  maxBatch?: number;
}

export class MetricWriter {
  private buffer: PointInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pointCount = 0;
  private lastStep: number | null = null;
  private readonly flushDelayMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly db: Db,
    private readonly runId: number,
    opts: MetricWriterOptions = {},
  ) {
    this.flushDelayMs = opts.flushDelayMs ?? 20;
    this.maxBatch = opts.maxBatch ?? 5000;
  }

  add(step: number, values: Record<string, number>, tMs: number): void {
    for (const [series, value] of Object.entries(values)) this.buffer.push({ series, step, tMs, value });
    this.lastStep = step;
    if (this.buffer.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushDelayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.pointCount += batch.length;
    insertPoints(this.db, this.runId, batch, { lastStep: this.lastStep, pointCount: this.pointCount });
  }
}
