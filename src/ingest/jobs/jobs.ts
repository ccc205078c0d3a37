import { type Caller, type Ctx, isUuid, newId, notFound, problem, OWNER, ownerGone, isAdmin, managesDepartment, requireRole, iso } from '../../kernel/index.ts';
import { departmentScope, type Queryable } from '../../control/index.ts';
import type { IngestJob, IngestProgress, JobOrigin, JobOutcome, JobStatus, QualityReport } from '../types.ts';

interface JobRow {
  id: string; dataset_id: string; dataset_code: string; department_id: string; status: JobStatus; source_name: string;
  format: string | null; encoding: string | null; delimiter: string | null; mode: IngestJob['mode'];
  rows_read: string | number; accepted: string | number; rejected: string | number; quality: QualityReport | string | null;
  mapping: Record<string, string | null> | string | null; error: string | null; quarantine_path: string | null; quarantine_rows: string | number;
  version: number | null; retry_of: string | null; created_by: string | null; created_at: Date; started_at: Date | null; finished_at: Date | null;
  progress: IngestProgress | string | null; origin: JobOrigin | null;
}

const json = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** How a job ended as people read it: a job that wrote a version but rejected rows only partly succeeded. */
export const outcomeOf = (status: JobStatus, rejected: number): JobOutcome =>
  status === 'succeeded' ? (rejected > 0 ? 'partial' : 'succeeded') : status === 'failed' ? 'failed' : 'running';

/** SQL condition on a job aliased `j` for an outcome (the same rule as outcomeOf). */
export const OUTCOME_SQL: Record<JobOutcome, string> = {
  succeeded: `j.status = 'succeeded' AND j.rejected = 0`,
  partial: `j.status = 'succeeded' AND j.rejected > 0`,
  failed: `j.status = 'failed'`,
  running: `j.status IN ('queued', 'running')`,
};

export function toJob(r: JobRow): IngestJob & { departmentId: string } {
  const started = r.started_at ? new Date(r.started_at).getTime() : null;
  const finished = r.finished_at ? new Date(r.finished_at).getTime() : null;
  return {
    jobId: r.id, datasetId: r.dataset_id, datasetCode: r.dataset_code, departmentId: r.department_id, status: r.status,
    outcome: outcomeOf(r.status, Number(r.rejected)), origin: r.origin ?? 'upload', mode: r.mode,
    sourceName: r.source_name, format: r.format as IngestJob['format'], encoding: r.encoding as IngestJob['encoding'], delimiter: r.delimiter,
    rowsRead: Number(r.rows_read), accepted: Number(r.accepted), rejected: Number(r.rejected), version: r.version,
    seconds: started !== null && finished !== null ? Math.round(finished - started) / 1000 : 0,
    quality: json<QualityReport>(r.quality), quarantineFile: r.quarantine_path, quarantineRows: Number(r.quarantine_rows),
    mapping: json<Record<string, string | null>>(r.mapping), error: r.error, retryOf: r.retry_of, createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(), startedAt: iso(r.started_at), finishedAt: iso(r.finished_at),
    progress: r.status === 'running' ? json<IngestProgress>(r.progress) : null,
  };
}

const SELECT = `SELECT j.*, ds.code AS dataset_code, ds.department_id FROM ingest_jobs j JOIN datasets ds ON ds.id = j.dataset_id`;

export async function jobById(q: Queryable, id: string) {
  if (!isUuid(id)) return undefined;
  const r = await q.one<JobRow>(`${SELECT} WHERE j.id = $1`, [id]);
  return r && toJob(r);
}

export async function insertJob(q: Queryable, j: { id: string; datasetId: string; sourceName: string; mode: string; createdBy: string | null; retryOf?: string | null; origin?: JobOrigin }) {
  await q.query(
    `INSERT INTO ingest_jobs (id, dataset_id, status, source_name, mode, created_by, retry_of, started_at, owner, origin) VALUES ($1, $2, 'running', $3, $4, $5, $6, now(), $7, $8)`,
    [j.id, j.datasetId, j.sourceName.slice(0, 500), j.mode, j.createdBy, j.retryOf ?? null, OWNER, j.origin ?? 'upload'],
  );
}

/**
 * A connector run that failed before any job of its own (no connection, a query the source refused)
 * still shows in the job list: a failed job of origin `source` with the run's error. A run that
 * already recorded a job (which then failed or succeeded) adds nothing.
 */
export async function recordFailedRun(q: Queryable, r: { datasetId: string; sourceName: string; mode: 'replace' | 'upsert'; since: string; error: string; createdBy: string | null }) {
  await q.query(
    `INSERT INTO ingest_jobs (id, dataset_id, status, source_name, mode, error, created_by, started_at, finished_at, origin)
     SELECT $1, $2, 'failed', $3, $4, $5, $6, $7::timestamptz, now(), 'source'
     WHERE NOT EXISTS (SELECT 1 FROM ingest_jobs WHERE dataset_id = $2 AND source_name = $3 AND created_at >= $7::timestamptz)`,
    [newId(), r.datasetId, r.sourceName.slice(0, 500), r.mode, r.error.slice(0, 2000), r.createdBy, r.since],
  );
}

/** Where a running job is (stage, percent); ignored once the job has ended. */
export async function setJobProgress(q: Queryable, id: string, p: IngestProgress) {
  await q.query(`UPDATE ingest_jobs SET progress = $2 WHERE id = $1 AND status = 'running'`, [id, JSON.stringify(p)]);
}

/**
 * Jobs left `running` by a process that has died on this host (a crash, a kill, a power cut) are
 * marked failed: they wrote no version (the lake commits a version last), and their files are
 * swept with the lake's orphans. Jobs of live processes and of other hosts are left alone.
 */
export async function failInterruptedJobs(q: Queryable): Promise<string[]> {
  const running = await q.query<{ id: string; owner: string | null }>(`SELECT id, owner FROM ingest_jobs WHERE status = 'running'`);
  const dead = running.filter((j) => j.owner && j.owner !== OWNER && ownerGone(j.owner)).map((j) => j.id);
  for (const id of dead)
    await updateJob(q, id, { status: 'failed', error: '进程中断，任务未完成，未写入新版本 / interrupted: the process running this job ended; no version was written' });
  return dead;
}

export interface JobUpdate {
  status: JobStatus;
  format?: string | null;
  encoding?: string | null;
  delimiter?: string | null;
  rowsRead?: number;
  accepted?: number;
  rejected?: number;
  quality?: QualityReport | null;
  mapping?: Record<string, string | null> | null;
  error?: string | null;
  quarantinePath?: string | null;
  quarantineRows?: number;
  version?: number | null;
}

/** Record how a job ended (or what it found so far). */
export async function updateJob(q: Queryable, id: string, u: JobUpdate) {
  await q.query(
    `UPDATE ingest_jobs SET status = $2, format = coalesce($3, format), encoding = coalesce($4, encoding), delimiter = coalesce($5, delimiter),
       rows_read = coalesce($6, rows_read), accepted = coalesce($7, accepted), rejected = coalesce($8, rejected), quality = coalesce($9, quality),
       mapping = coalesce($10, mapping), error = $11, quarantine_path = coalesce($12, quarantine_path), quarantine_rows = coalesce($13, quarantine_rows),
       version = coalesce($14, version), finished_at = CASE WHEN $2 IN ('succeeded', 'failed') THEN now() ELSE finished_at END,
       progress = CASE WHEN $2 IN ('succeeded', 'failed') THEN NULL ELSE progress END
     WHERE id = $1`,
    [id, u.status, u.format ?? null, u.encoding ?? null, u.delimiter ?? null, u.rowsRead ?? null, u.accepted ?? null, u.rejected ?? null,
      u.quality ? JSON.stringify(u.quality) : null, u.mapping ? JSON.stringify(u.mapping) : null, u.error ?? null, u.quarantinePath ?? null,
      u.quarantineRows ?? null, u.version ?? null],
  );
}


export const ingestJobs = {
  async list(ctx: Ctx, caller: Caller, q: { dataset?: string; status?: string; outcome?: JobOutcome; origin?: JobOrigin; source?: string; limit: number; offset: number }) {
    requireRole(caller, 'admin', 'officer');
    const f = departmentScope(caller, 'ds.department_id').eq('ds.code', q.dataset).eq('j.status', q.status).eq('j.origin', q.origin);
    if (q.outcome) f.add(`(${OUTCOME_SQL[q.outcome]})`);
    // a connector's jobs are named after it: `source:<name>` (databases), `mqtt:<name>` (sensors)
    if (q.source) f.add(`j.source_name IN (${f.param(`source:${q.source}`)}, ${f.param(`mqtt:${q.source}`)})`);
    return f.page(ctx.db, SELECT, 'j.created_at DESC, j.id DESC', q, (r: JobRow) => toJob(r));
  },

  async get(ctx: Ctx, caller: Caller, id: string) {
    const job = await jobById(ctx.db, id);
    // jobs and their rejected rows are the dataset department's business; to anyone else the job does not exist
    if (!job || !managesDepartment(caller, job.departmentId)) throw notFound('job', id);
    return job;
  },
};
