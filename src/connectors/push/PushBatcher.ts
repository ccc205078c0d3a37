import fs from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../../catalog/index.ts';
import { type Caller, type Ctx, newId, isAdmin } from '../../kernel/index.ts';
import type { Queryable } from '../../control/index.ts';
import { ingestFile, makeWorkDir, removeWorkDir } from '../../ingest/index.ts';
import { completeKey, releaseKey } from './idempotency.ts';
import type { PreparedPush } from './preparePush.ts';
import type { QuarantineFailure, RecordError } from './recordErrors.ts';

/** Most per-record errors one answer lists. */
export const MAX_ERRORS = 1000;
/** Most records one coalesced version takes. */
const MAX_BATCH_LINES = 100_000;

export interface PushResult {
  status: 'accepted' | 'partial' | 'rejected';
  records: number;
  accepted: number;
  rejected: number;
  /** The version the accepted records landed in (shared with pushes coalesced into it). */
  version: number | null;
  jobId: string | null;
  errors: RecordError[];
  errorsTruncated: boolean;
  ignoredFields: string[];
}

interface Member {
  caller: Caller;
  push: PreparedPush;
  key: string | null;
  scope: string;
  resolve: (r: PushResult) => void;
  reject: (e: unknown) => void;
}

interface Batch {
  ds: Dataset;
  members: Member[];
  lines: number;
  timer: NodeJS.Timeout | null;
  due: boolean;
}

/** A member's answer from the batch's failures; `start` is its first line's 0-based position in the batch. */
function resultFor(m: Member, start: number, failures: QuarantineFailure[], version: number | null, jobId: string | null): PushResult {
  const n = m.push.lines.length;
  const mine = failures.filter((f) => f.row > start && f.row <= start + n);
  const rejectedRows = new Set(mine.map((f) => f.row)).size;
  const accepted = version === null ? 0 : n - rejectedRows;
  const rejected = n - accepted;
  return {
    status: rejected === 0 ? 'accepted' : accepted === 0 ? 'rejected' : 'partial',
    records: n, accepted, rejected, version: accepted ? version : null, jobId,
    errors: mine.slice(0, MAX_ERRORS).map((f) => ({ index: f.row - start - 1, field: f.field, rule: f.rule, reason: f.reason, value: f.value })),
    errorsTruncated: mine.length > MAX_ERRORS, ignoredFields: m.push.ignored,
  };
}

/**
 * Micro-batching of the push API. Pushes to one dataset arriving within `windowMs` of each other
 * (or while the previous batch is still being written) are written as one version through the
 * ingest pipeline; every caller still gets the result of its own records. Writes to one dataset
 * run one after another.
 */
export class PushBatcher {
  private open = new Map<string, Batch>();
  private busy = new Map<string, Promise<void>>();

  constructor(private ctx: Ctx, readonly windowMs: number) {}

  submit(caller: Caller, ds: Dataset, push: PreparedPush, key: string | null, scope: string): Promise<PushResult> {
    return new Promise<PushResult>((resolve, reject) => {
      let b = this.open.get(ds.id);
      if (!b) {
        b = { ds, members: [], lines: 0, timer: null, due: false };
        const batch = b;
        b.timer = setTimeout(() => {
          batch.timer = null;
          batch.due = true;
          if (!this.busy.has(ds.id)) this.flush(ds.id);
        }, this.windowMs);
        this.open.set(ds.id, b);
      }
      b.members.push({ caller, push, key, scope, resolve, reject });
      b.lines += push.lines.length;
      if (b.lines >= MAX_BATCH_LINES && !this.busy.has(ds.id)) this.flush(ds.id);
    });
  }

  private flush(datasetId: string): void {
    const b = this.open.get(datasetId);
    if (!b) return;
    this.open.delete(datasetId);
    if (b.timer) clearTimeout(b.timer);
    const run = this.write(b)
      .catch(() => {})
      .finally(() => {
        this.busy.delete(datasetId);
        const next = this.open.get(datasetId);
        if (next && (next.due || next.lines >= MAX_BATCH_LINES)) this.flush(datasetId);
      });
    this.busy.set(datasetId, run);
  }

  /** Write one batch: stage NDJSON, ingest it, answer every member. */
  private async write(b: Batch): Promise<void> {
    const { ctx } = this;
    const ds = b.ds;
    const starts: number[] = [];
    let at = 0;
    for (const m of b.members) {
      starts.push(at);
      at += m.push.lines.length;
    }
    const first = b.members[0]!.caller;
    // the ingest acts for the department (every member's right to push was checked already)
    const writer: Caller = isAdmin(first) ? first : { ...first, role: 'officer', departmentId: ds.departmentId };
    const dir = makeWorkDir(ctx.config.dataDir, 'work', `push-${newId()}`);
    const file = path.join(dir, 'records.ndjson');
    let results: PushResult[] | null = null;
    const answer = async (q: Queryable | null, failures: QuarantineFailure[], version: number | null, jobId: string | null) => {
      results = b.members.map((m, i) => resultFor(m, starts[i]!, failures, version, jobId));
      for (const [i, m] of b.members.entries()) {
        const r = results[i]!;
        const event = {
          action: 'dataset.push', objectType: 'dataset', objectId: ds.code, departmentId: ds.departmentId,
          details: { jobId, version: r.version, records: r.records, accepted: r.accepted, rejected: r.rejected, idempotencyKey: m.key },
        };
        if (q) await ctx.audit.append(q, m.caller, event);
        else await ctx.audit.record(m.caller, event);
        if (m.key) await completeKey(q ?? ctx.db, ds.id, m.scope, m.key, r);
      }
    };
    try {
      fs.writeFileSync(file, b.members.map((m) => m.push.lines.join('\n')).join('\n') + '\n');
      const anyObject = b.members.some((m) => m.push.lines.some((l) => l.startsWith('{')));
      if (!anyObject) {
        // nothing parseable: no job to run, every record answers for itself
        const failures = b.members.flatMap((m, i) => m.push.lines.map((l, k) => ({ row: starts[i]! + k + 1, field: null, rule: 'parse', reason: 'not a JSON object', value: l.slice(0, 200) })));
        await answer(null, failures, null, null);
      } else {
        const mode = ds.primaryKey.length ? 'upsert' : 'append';
        let failures: QuarantineFailure[] = [];
        const job = await ingestFile(ctx, writer, {
          datasetCode: ds.code, file, sourceName: 'push', origin: 'push', format: 'ndjson', encoding: 'utf-8', mode, staged: true,
          mapping: Object.fromEntries(ds.fields.map((f) => [f.name, f.name])),
          onFailures: (f) => { failures = f; },
          onCommit: async (tx, v) => answer(tx, failures, v.version, v.jobId),
        });
        if (!results) await answer(null, failures, null, job.jobId);
      }
      b.members.forEach((m, i) => m.resolve(results![i]!));
    } catch (err) {
      await Promise.all(b.members.filter((m) => m.key).map((m) => releaseKey(ctx.db, ds.id, m.scope, m.key!).catch(() => {})));
      for (const m of b.members) m.reject(err);
    } finally {
      removeWorkDir(dir);
    }
  }

  /** Wait for every batch in progress and every open one (on shutdown). */
  async drain(): Promise<void> {
    for (const id of [...this.open.keys()]) if (!this.busy.has(id)) this.flush(id);
    while (this.busy.size || this.open.size) {
      await Promise.all([...this.busy.values()]);
      for (const id of [...this.open.keys()]) if (!this.busy.has(id)) this.flush(id);
    }
  }
}
