import fs from 'node:fs';
import path from 'node:path';
import type { Caller, Ctx } from '../context.ts';
import { problem } from '../server/errors.ts';
import { ingestJobs } from './jobs.ts';
import { QUARANTINE_DIR } from './quarantine.ts';
import { literal } from './sql.ts';

export interface QuarantineEntry {
  row: number;
  field: string | null;
  header: string | null;
  rule: string;
  reason: string | null;
  value: string | null;
  record: string | null;
}

async function files(ctx: Ctx, caller: Caller, jobId: string) {
  const job = await ingestJobs.get(ctx, caller, jobId);
  if (!job.quarantineFile) throw problem('not-found', `该任务没有被拒绝的行 / job ${jobId} rejected no rows`);
  const root = path.join(ctx.config.dataDir, QUARANTINE_DIR);
  const parquet = path.resolve(ctx.config.dataDir, job.quarantineFile);
  if (!parquet.startsWith(root + path.sep) || !fs.existsSync(parquet)) throw problem('not-found', `隔离文件已不存在 / quarantine of job ${jobId} is gone`);
  return { job, parquet, csv: parquet.replace(/\.parquet$/, '.csv') };
}

/**
 * Rejected rows of a job (raw data: only the dataset's department and admins; every read audited).
 */
export const quarantine = {
  /** One page of failures (one entry per failed rule and row), in row order. */
  async entries(ctx: Ctx, caller: Caller, jobId: string, page: { limit: number; offset: number }) {
    const { job, parquet } = await files(ctx, caller, jobId);
    const scan = `read_parquet(${literal(parquet)})`;
    const [items, count] = await Promise.all([
      ctx.lake.query<QuarantineEntry>(`SELECT * FROM ${scan} ORDER BY row, field NULLS FIRST LIMIT ${Math.floor(page.limit)} OFFSET ${Math.floor(page.offset)}`),
      ctx.lake.query<{ n: number }>(`SELECT count(*) AS n FROM ${scan}`),
    ]);
    await ctx.audit.record(caller, {
      action: 'ingest.quarantine_read', objectType: 'ingest_job', objectId: job.jobId, departmentId: job.departmentId,
      details: { dataset: job.datasetCode, format: 'json', offset: page.offset, rows: items.length },
    });
    return { items, total: Number(count[0]?.n ?? 0), limit: page.limit, offset: page.offset };
  },

  /** The CSV of rejected rows (original columns, _row, _errors), ready to correct and ingest again. */
  async csv(ctx: Ctx, caller: Caller, jobId: string): Promise<{ stream: fs.ReadStream; filename: string; bytes: number }> {
    const { job, csv } = await files(ctx, caller, jobId);
    if (!fs.existsSync(csv)) throw problem('not-found', `隔离文件已不存在 / quarantine of job ${jobId} is gone`);
    await ctx.audit.record(caller, {
      action: 'ingest.quarantine_read', objectType: 'ingest_job', objectId: job.jobId, departmentId: job.departmentId,
      details: { dataset: job.datasetCode, format: 'csv', rows: job.rejected },
    });
    return { stream: fs.createReadStream(csv), filename: `${job.datasetCode}-rejected-${job.jobId}.csv`, bytes: fs.statSync(csv).size };
  },
};
