import { OUTCOME_SQL } from '../ingest/index.ts';
import { isAdmin, problem, type Caller, type Ctx, iso } from '../kernel/index.ts';

/** One day of ingest work (dates are Asia/Shanghai days, as people count them). */
export interface DayFigures {
  day: string;
  jobs: number;
  failed: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Mean quality score of the day's finished jobs, weighted by rows read; null on a day without one. */
  quality: number | null;
}

export interface FailedJob {
  jobId: string;
  datasetCode: string;
  sourceName: string;
  error: string | null;
  finishedAt: string | null;
}

export interface FailingSource {
  sourceId: string;
  name: string;
  datasetCode: string;
  error: string | null;
  finishedAt: string | null;
}

export type TodoKind = 'failedJobs' | 'partialJobs' | 'failingSources' | 'emptyDatasets' | 'unreadNotices';

export interface Overview {
  /** `department` (the caller's) or `city` (admins). */
  scope: 'department' | 'city';
  departmentId: string | null;
  days: DayFigures[];
  totals: { datasets: number; rows: number; jobs: number; rowsRejected: number; failedJobs: number };
  failedJobs: FailedJob[];
  failingSources: FailingSource[];
  /** What waits for someone to act, with how many. */
  todos: { kind: TodoKind; count: number }[];
}

const TZ = 'Asia/Shanghai';

/**
 * What an officer needs each morning, for one scope: their department (officers, analysts,
 * handlers) or the whole city (admins) — every figure the same scope. Citizens have no dashboard.
 */
export async function overview(ctx: Ctx, caller: Caller, q: { days: number }): Promise<Overview> {
  if (caller.role === 'citizen') throw problem('forbidden', '公众没有工作台 / citizens have no dashboard');
  const city = isAdmin(caller);
  if (!city && !caller.departmentId) throw problem('forbidden', '没有所属部门 / you belong to no department');
  const dept = city ? null : caller.departmentId;
  // $1: department or NULL for the whole city
  const inScope = (alias: string) => `($1::uuid IS NULL OR ${alias}.department_id = $1::uuid)`;
  const days = Math.trunc(q.days);

  const perDayQ = ctx.db.query<{ day: string; jobs: number; failed: number; accepted: number; rejected: number; quality: number | null }>(
    `WITH d AS (
       SELECT to_char(g::date, 'YYYY-MM-DD') AS day
       FROM generate_series((now() AT TIME ZONE '${TZ}')::date - ($2::int - 1), (now() AT TIME ZONE '${TZ}')::date, interval '1 day') g
     ), j AS (
       SELECT to_char((j.created_at AT TIME ZONE '${TZ}')::date, 'YYYY-MM-DD') AS day, j.status, j.accepted, j.rejected, j.rows_read,
              (j.quality->>'score')::float8 AS score
       FROM ingest_jobs j JOIN datasets ds ON ds.id = j.dataset_id
       WHERE ${inScope('ds')} AND j.created_at >= now() - ($2::int * interval '1 day') - interval '1 day'
     )
     SELECT d.day, count(j.status)::int AS jobs, count(*) FILTER (WHERE ${OUTCOME_SQL.failed})::int AS failed,
            coalesce(sum(j.accepted) FILTER (WHERE j.status = 'succeeded'), 0)::float8 AS accepted, coalesce(sum(j.rejected), 0)::float8 AS rejected,
            (sum(j.score * j.rows_read) FILTER (WHERE j.score IS NOT NULL) / nullif(sum(j.rows_read) FILTER (WHERE j.score IS NOT NULL), 0))::float8 AS quality
     FROM d LEFT JOIN j ON j.day = d.day GROUP BY d.day ORDER BY d.day`,
    [dept, days],
  );

  const totalsQ = ctx.db.query<{ datasets: number; rows: number; empty: number }>(
    `SELECT count(*)::int AS datasets, coalesce(sum(v.row_count), 0)::float8 AS rows, count(*) FILTER (WHERE ds.current_version = 0)::int AS empty
     FROM datasets ds LEFT JOIN dataset_versions v ON v.dataset_id = ds.id AND v.version = ds.current_version WHERE ${inScope('ds')}`,
    [dept],
  );

  const failedJobsQ = ctx.db.query<{ id: string; code: string; source_name: string; error: string | null; finished_at: Date | null }>(
    `SELECT j.id, ds.code, j.source_name, j.error, j.finished_at FROM ingest_jobs j JOIN datasets ds ON ds.id = j.dataset_id
     WHERE ${inScope('ds')} AND ${OUTCOME_SQL.failed} AND j.created_at >= now() - ($2::int * interval '1 day')
       AND NOT EXISTS (SELECT 1 FROM ingest_jobs r WHERE r.retry_of = j.id AND r.status = 'succeeded')
     ORDER BY j.created_at DESC LIMIT 20`,
    [dept, days],
  );
  const partialQ = ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ingest_jobs j JOIN datasets ds ON ds.id = j.dataset_id
     WHERE ${inScope('ds')} AND ${OUTCOME_SQL.partial} AND j.created_at >= now() - ($2::int * interval '1 day')
       AND NOT EXISTS (SELECT 1 FROM ingest_jobs r WHERE r.retry_of = j.id)`,
    [dept, days],
  );

  // sources whose newest finished run failed
  const failingSourcesQ = ctx.db.query<{ id: string; name: string; code: string; error: string | null; finished_at: Date | null }>(
    `SELECT s.id, s.name, ds.code, r.error, r.finished_at FROM sources s JOIN datasets ds ON ds.id = s.dataset_id
     JOIN LATERAL (SELECT status, error, finished_at FROM source_runs WHERE source_id = s.id AND status <> 'running' ORDER BY started_at DESC LIMIT 1) r ON true
     WHERE ${inScope('ds')} AND r.status = 'failed' ORDER BY r.finished_at DESC NULLS LAST LIMIT 20`,
    [dept],
  );

  const unreadQ = caller.id
    ? ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND read_at IS NULL`, [caller.id])
    : [{ n: 0 }];

  // the figures are independent of each other: ask for all of them at once
  const [perDay, [totals], failedJobs, [partial], failingSources, [unread]] = await Promise.all([perDayQ, totalsQ, failedJobsQ, partialQ, failingSourcesQ, unreadQ]);

  const dayFigures = perDay.map((d) => ({
    day: d.day, jobs: Number(d.jobs), failed: Number(d.failed), rowsAccepted: Number(d.accepted), rowsRejected: Number(d.rejected),
    quality: d.quality === null ? null : Math.round(Number(d.quality) * 100) / 100,
  }));
  const todos: Overview['todos'] = [
    { kind: 'failedJobs', count: failedJobs.length },
    { kind: 'partialJobs', count: Number(partial?.n ?? 0) },
    { kind: 'failingSources', count: failingSources.length },
    { kind: 'emptyDatasets', count: Number(totals?.empty ?? 0) },
    { kind: 'unreadNotices', count: Number(unread?.n ?? 0) },
  ];
  return {
    scope: city ? 'city' : 'department', departmentId: dept, days: dayFigures,
    totals: {
      datasets: Number(totals?.datasets ?? 0), rows: Number(totals?.rows ?? 0), jobs: dayFigures.reduce((n, d) => n + d.jobs, 0),
      rowsRejected: dayFigures.reduce((n, d) => n + d.rowsRejected, 0), failedJobs: dayFigures.reduce((n, d) => n + d.failed, 0),
    },
    failedJobs: failedJobs.map((j) => ({ jobId: j.id, datasetCode: j.code, sourceName: j.source_name, error: j.error, finishedAt: iso(j.finished_at) })),
    failingSources: failingSources.map((s) => ({ sourceId: s.id, name: s.name, datasetCode: s.code, error: s.error, finishedAt: iso(s.finished_at) })),
    todos,
  };
}
