import fs from 'node:fs';
import path from 'node:path';
import { problem } from '../../kernel/index.ts';
import { ingestFile } from '../../ingest/index.ts';
import type { SourceDb } from './SourceDb.ts';
import { emptyReplace } from './emptyReplace.ts';
import type { ReadPlan } from './readPlan.ts';
import { saveState } from '../store.ts';
import { added, count, cursorText, meter, type DbSyncInput } from './syncParts.ts';
import type { Throttle } from './Throttle.ts';
import { TsvWriter } from './TsvWriter.ts';

/** Ranges of an integer key: [first bound, …] so range i is [b(i), b(i+1)); the first is open below, the last above. */
function splitBounds(lo: bigint, hi: bigint, n: number): bigint[] {
  const span = hi - lo + 1n;
  const parts = BigInt(Math.max(1, Math.min(n, Number(span > 1_000_000n ? 1_000_000n : span))));
  const step = (span + parts - 1n) / parts;
  return Array.from({ length: Number(parts) - 1 }, (_, i) => lo + step * BigInt(i + 1));
}

/**
 * Full sync: every row (optionally read as N key ranges at once) → one staged TSV → one `replace`
 * version. Also the full refresh of an incremental source, which is how rows deleted at the source
 * leave the dataset; it then moves the cursor too.
 */
export async function fullSync(x: DbSyncInput, plan: ReadPlan, throttle: Throttle): Promise<void> {
  const s = x.source.settings;
  const select = `SELECT ${plan.list} FROM ${plan.from}`;
  const columns = await x.db.columns(select);
  // a full refresh of an incremental source: the cursor moves to the newest row that existed before
  // the read (every such row is read; rows added meanwhile come with the next incremental run)
  let cursor: { cursor: string | null } | null = null;
  if (s.mode === 'incremental' && s.cursorColumn) {
    const [max] = (await x.db.one(`SELECT MAX(${x.db.quote(s.cursorColumn)}) FROM ${plan.from}`)) ?? [];
    cursor = { cursor: cursorText(max) };
    x.tally.cursorTo = cursor.cursor;
  }
  const file = path.join(x.workDir, 'full.tsv');
  const writer = new TsvWriter(file);
  writer.header(columns);
  const ticker = setInterval(() => x.progress('read', writer.rows), 1000);
  try {
    const ranges: { where: string; params: unknown[] }[] = [];
    if (s.splitColumn && (s.parallel ?? 1) > 1) {
      const c = x.db.quote(s.splitColumn);
      const [lo, hi] = (await x.db.one(`SELECT MIN(${c}), MAX(${c}) FROM ${plan.from}`)) ?? [];
      if (lo !== null && lo !== undefined && hi !== null && hi !== undefined) {
        const b = splitBounds(BigInt(String(lo)), BigInt(String(hi)), s.parallel!);
        const p = (i: number) => x.db.param(i);
        if (!b.length) ranges.push({ where: '', params: [] });
        else {
          ranges.push({ where: `WHERE ${c} < ${p(1)} OR ${c} IS NULL`, params: [String(b[0])] });
          for (let i = 1; i < b.length; i++) ranges.push({ where: `WHERE ${c} >= ${p(1)} AND ${c} < ${p(2)}`, params: [String(b[i - 1]), String(b[i])] });
          ranges.push({ where: `WHERE ${c} >= ${p(1)}`, params: [String(b[b.length - 1])] });
        }
      }
    }
    if (!ranges.length) ranges.push({ where: '', params: [] });
    const extra: SourceDb[] = [];
    try {
      await Promise.all(ranges.map(async (r, i) => {
        const db = i === 0 ? x.db : await x.openMore().then((d) => (extra.push(d), d));
        const m = meter(writer, throttle);
        await db.stream(`${select} ${r.where}`, r.params, m.sink, m.gate);
      }));
    } finally {
      await Promise.all(extra.map((d) => d.close()));
    }
  } finally {
    clearInterval(ticker);
    writer.close();
  }
  const rows = writer.rows;
  x.progress('ingest', rows);
  const synced = new Date().toISOString();
  if (rows === 0) {
    // the source is empty: the dataset becomes empty too (a replace with no rows)
    await emptyReplace(x.ctx, x.caller, x.dataset, `source:${x.source.name}`, async (tx, v) => {
      x.tally.versions++;
      await saveState(tx, x.source.id, { lastVersion: v.version, lastSyncAt: synced, ...cursor });
      await x.onVersion(tx, x.tally);
    });
    return;
  }
  const job = await ingestFile(x.ctx, x.caller, {
    datasetCode: x.dataset.code, file, sourceName: `source:${x.source.name}`, origin: 'source', format: 'tsv', delimiter: '\t', encoding: 'utf-8', mode: 'replace', staged: true,
    mapping: plan.mapping ?? undefined, errorLimit: s.errorLimit,
    onProgress: (p) => x.progress(`ingest:${p.stage}`, rows),
    onCommit: async (tx, v) => {
      await saveState(tx, x.source.id, { lastVersion: v.version, lastSyncAt: synced, ...cursor });
      await x.onVersion(tx, added(x.tally, { rowsRead: rows, rowsAccepted: v.rowsAdded, rowsRejected: 0, versions: 1, jobIds: [v.jobId ?? ''] }));
    },
  });
  fs.rmSync(file, { force: true });
  count(x.tally, job, 1);
  if (job.status !== 'succeeded') throw problem('unprocessable', `同步未写入新版本：${job.error ?? ''} / the sync wrote no version (job ${job.jobId})`);
}

