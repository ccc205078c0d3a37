import fs from 'node:fs';
import path from 'node:path';
import { type Caller, type Ctx, problem } from '../../kernel/index.ts';
import { datasetByCode } from '../../catalog/index.ts';
import { quarantineReader, type QuarantineFile } from '../../share/index.ts';
import { ingestJobs } from './jobs.ts';
import { QUARANTINE_DIR } from '../pipeline/quarantine.ts';

/** A job's quarantine, for a caller who may see the job (its department's officers, admins). */
async function quarantineOf(ctx: Ctx, caller: Caller, jobId: string): Promise<QuarantineFile> {
  const job = await ingestJobs.get(ctx, caller, jobId);
  if (!job.quarantineFile) throw problem('not-found', `该任务没有被拒绝的行 / job ${jobId} rejected no rows`);
  const root = path.join(ctx.config.dataDir, QUARANTINE_DIR);
  const file = path.resolve(ctx.config.dataDir, job.quarantineFile);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file)) throw problem('not-found', `隔离文件已不存在 / quarantine of job ${jobId} is gone`);
  const dataset = (await datasetByCode(ctx.db, job.datasetCode))!;
  return { dataset, jobId: job.jobId, file, mapping: job.mapping ?? {}, rows: job.rejected };
}

/** Rejected rows of a job: read through the share guard (masked for readers outside the department, audited). */
export const quarantine = {
  async entries(ctx: Ctx, caller: Caller, jobId: string, page: { limit: number; offset: number }) {
    return quarantineReader.entries(ctx, caller, await quarantineOf(ctx, caller, jobId), page);
  },
  async rows(ctx: Ctx, caller: Caller, jobId: string, page: { limit: number; offset: number }) {
    return quarantineReader.rows(ctx, caller, await quarantineOf(ctx, caller, jobId), page);
  },
  async csv(ctx: Ctx, caller: Caller, jobId: string) {
    return quarantineReader.csv(ctx, caller, await quarantineOf(ctx, caller, jobId));
  },
};
