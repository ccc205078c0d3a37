import fs from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../../catalog/index.ts';
import type { Ctx } from '../../kernel/index.ts';
import type { Queryable } from '../../control/index.ts';
import { ingestFile, type IngestJob } from '../../ingest/index.ts';
import { sourceCaller } from '../runner.ts';
import { saveState, type StoredSource } from '../store.ts';
import type { SensorJournal } from './SensorJournal.ts';

/** Most closed segments written as one version when catching up. */
const MAX_SEGMENTS_PER_WRITE = 64;
const MAX_BACKOFF_MS = 30_000;

export interface SegmentWriterHooks {
  /** Inside the transaction that commits a batch's version (after the source's segment state). */
  onCommit(tx: Queryable, last: number): Promise<void>;
  /** A batch is done: in the lake, or — nothing accepted — all in the quarantine. */
  onWritten(job: IngestJob, last: number): Promise<void> | void;
  /** A batch could not be written; it stays queued and is tried again with backoff. */
  onFailure(err: unknown, failures: number): Promise<void> | void;
}

/**
 * Writes the closed journal segments of a sensor source to its dataset, oldest first, through the
 * ingest pipeline (several queued segments as one version when catching up). The number of the
 * last segment written commits with the version; then the segments are removed. A failure leaves
 * them queued and on disk, retried after 1 s, 2 s, 4 s … up to 30 s.
 */
export class SegmentWriter {
  private queue: number[] = [];
  private writing: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;

  constructor(
    private ctx: Ctx,
    private source: StoredSource,
    private ds: Dataset,
    private journal: SensorJournal,
    private columns: readonly string[],
    private hooks: SegmentWriterHooks,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  add(...segments: number[]): void {
    this.queue.push(...segments);
    this.kick();
  }

  private kick(): void {
    if (this.writing || this.retryTimer || !this.queue.length) return;
    this.writing = this.writeQueued()
      .then(() => {
        this.failures = 0;
      })
      .catch(async (err) => {
        this.failures++;
        await Promise.resolve(this.hooks.onFailure(err, this.failures)).catch(() => {});
        if (!this.closed) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.kick();
          }, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1)));
        }
      })
      .finally(() => {
        this.writing = null;
        if (!this.retryTimer && !this.closed) this.kick();
      });
  }

  /** Write the queued segments (up to MAX_SEGMENTS_PER_WRITE) as one version. */
  private async writeQueued(): Promise<void> {
    const batch = this.queue.slice(0, MAX_SEGMENTS_PER_WRITE);
    const last = batch[batch.length - 1]!;
    let file = this.journal.file(batch[0]!);
    if (batch.length > 1) {
      file = path.join(this.journal.dir, `batch-${batch[0]}-${last}.tsv`);
      fs.writeFileSync(file, `${this.columns.join('\t')}\n`);
      for (const s of batch) {
        const seg = fs.readFileSync(this.journal.file(s));
        fs.appendFileSync(file, seg.subarray(seg.indexOf(0x0a) + 1)); // without its header line
      }
    }
    try {
      const synced = new Date().toISOString();
      const job = await ingestFile(this.ctx, sourceCaller(this.source), {
        datasetCode: this.ds.code, file, sourceName: `mqtt:${this.source.name}`, origin: 'source', format: 'tsv', delimiter: '\t', encoding: 'utf-8', staged: true,
        mode: this.ds.primaryKey.length ? 'upsert' : 'append', mapping: Object.fromEntries(this.columns.map((c) => [c, c])),
        onCommit: async (tx, v) => {
          await saveState(tx, this.source.id, { segment: last, lastVersion: v.version, lastSyncAt: synced });
          await this.hooks.onCommit(tx, last);
        },
      });
      if (job.status !== 'succeeded') {
        // nothing accepted (every reading quarantined, with its reason): move past the segments
        if (job.rejected === 0) throw new Error(job.error ?? 'batch not written');
        await saveState(this.ctx.db, this.source.id, { segment: last, lastSyncAt: synced });
      }
      this.queue.splice(0, batch.length);
      this.journal.remove(batch);
      await this.hooks.onWritten(job, last);
    } finally {
      if (batch.length > 1) fs.rmSync(file, { force: true });
    }
  }

  /** Write everything queued now, retrying without backoff until `timeoutMs`; true when nothing is left. */
  async drain(timeoutMs: number): Promise<boolean> {
    const until = performance.now() + timeoutMs;
    while ((this.queue.length || this.writing) && performance.now() < until) {
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
      }
      if (!this.writing) this.kick();
      await this.writing;
      if (this.queue.length && !this.writing) await new Promise((r) => setTimeout(r, 200));
    }
    return !this.queue.length;
  }

  /** No more retries (what is queued stays in the journal for the next start). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.writing;
  }
}
