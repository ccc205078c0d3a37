import fs from 'node:fs';
import path from 'node:path';
import { problem } from '../../kernel/index.ts';
import { ingestFile } from '../../ingest/index.ts';
import { columnIndex, type ReadPlan } from './readPlan.ts';
import { saveState } from '../store.ts';
import { added, count, cursorText, exceeds, meter, DEFAULT_BATCH_ROWS, type DbSyncInput } from './syncParts.ts';
import type { Throttle } from './Throttle.ts';
import { TsvWriter } from './TsvWriter.ts';

/**
 * Incremental sync: rows with cursor > the committed cursor, in cursor order, `batchRows` at a time,
 * each batch one `upsert` version whose transaction saves the cursor.
 */
export async function incrementalSync(x: DbSyncInput, plan: ReadPlan, throttle: Throttle): Promise<void> {
  const s = x.source.settings;
  const c = x.db.quote(s.cursorColumn!);
  const batch = Math.max(1, s.batchRows ?? DEFAULT_BATCH_ROWS);
  const select = `SELECT ${plan.list} FROM ${plan.from}`;
  const columns = await x.db.columns(select);
  const at = columnIndex(columns, s.cursorColumn!);
  if (at < 0) throw problem('unprocessable', `查询结果中没有游标列 ${s.cursorColumn} / the cursor column ${s.cursorColumn} is not among the columns read`);
  // the committed cursor, read again at the start of every attempt
  const state = await x.ctx.db.one<{ state: { cursor?: string | null } | string }>('SELECT state FROM sources WHERE id = $1', [x.source.id]);
  let cursor = (typeof state?.state === 'string' ? JSON.parse(state.state) : state?.state)?.cursor ?? null;
  let total = 0;
  for (let chunk = 1; ; chunk++) {
    const file = path.join(x.workDir, `chunk-${chunk}.tsv`);
    const writer = new TsvWriter(file);
    writer.header(columns);
    let last: unknown = null;
    const ticker = setInterval(() => x.progress('read', total + writer.rows), 1000);
    let n: number;
    try {
      const m = meter(writer, throttle, (row) => {
        last = row[at];
      });
      const where = cursor === null ? `${c} IS NOT NULL` : `${c} > ${x.db.param(1)}`;
      n = (await x.db.stream(`${select} WHERE ${where} ORDER BY ${c} LIMIT ${batch}`, cursor === null ? [] : [cursor], m.sink, m.gate)).rows;
      if (n === batch) {
        // rows sharing the last cursor value may lie past the limit: take them all, so the next
        // chunk can start strictly after it (the upsert absorbs the ones read twice)
        const tie = meter(writer, throttle);
        await x.db.stream(`${select} WHERE ${c} = ${x.db.param(1)}`, [cursorText(last)], tie.sink, tie.gate);
      }
    } finally {
      clearInterval(ticker);
      writer.close();
    }
    if (n === 0) {
      fs.rmSync(file, { force: true });
      return;
    }
    const next = cursorText(last);
    const rows = writer.rows;
    total += rows;
    x.progress('ingest', total);
    const synced = new Date().toISOString();
    const job = await ingestFile(x.ctx, x.caller, {
      datasetCode: x.dataset.code, file, sourceName: `source:${x.source.name}`, origin: 'source', format: 'tsv', delimiter: '\t', encoding: 'utf-8', mode: 'upsert', staged: true,
      mapping: plan.mapping ?? undefined, errorLimit: s.errorLimit,
      onProgress: (p) => x.progress(`ingest:${p.stage}`, total),
      onCommit: async (tx, v) => {
        await saveState(tx, x.source.id, { cursor: next, lastVersion: v.version, lastSyncAt: synced });
        await x.onVersion(tx, added(x.tally, { rowsRead: rows, rowsAccepted: v.rowsAdded, rowsRejected: 0, versions: 1, jobIds: [v.jobId ?? ''], cursorTo: next }));
      },
    });
    fs.rmSync(file, { force: true });
    count(x.tally, job, 1);
    if (job.status !== 'succeeded') {
      // every row of the chunk was rejected: they are in the job's quarantine with their reasons;
      // within the error limit the cursor moves past them rather than stopping the source for good
      if (job.accepted > 0 || exceeds(job, s.errorLimit) || job.rejected === 0)
        throw problem('unprocessable', `同步未写入新版本：${job.error ?? ''} / the sync wrote no version (job ${job.jobId})`);
      await x.ctx.db.transaction(async (tx) => {
        await saveState(tx, x.source.id, { cursor: next, lastSyncAt: synced });
        await x.onVersion(tx, { ...x.tally, cursorTo: next });
      });
    }
    x.tally.cursorTo = next;
    cursor = next;
    if (n < batch) return;
  }
}
