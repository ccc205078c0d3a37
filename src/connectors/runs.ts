import type { Queryable } from '../control/index.ts';
import { newId } from '../kernel/index.ts';
import type { RunProgress, RunStatus, RunTrigger, SourceRun, SyncMode } from './types.ts';

interface Row {
  id: string; source_id: string; trigger: RunTrigger; status: RunStatus; started_at: Date; finished_at: Date | null;
  rows_read: number | string; rows_accepted: number | string; rows_rejected: number | string; versions: number;
  job_ids: string[] | string; cursor_from: string | null; cursor_to: string | null; progress: RunProgress | string | null;
  attempts: number; error: string | null; mode?: SyncMode | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export function toRun(r: Row): SourceRun {
  const started = new Date(r.started_at);
  const finished = r.finished_at ? new Date(r.finished_at) : null;
  return {
    id: r.id, sourceId: r.source_id, trigger: r.trigger, mode: r.mode ?? null, status: r.status, startedAt: started.toISOString(),
    finishedAt: finished?.toISOString() ?? null, durationMs: finished ? finished.getTime() - started.getTime() : null,
    rowsRead: Number(r.rows_read), rowsAccepted: Number(r.rows_accepted), rowsRejected: Number(r.rows_rejected), versions: Number(r.versions),
    jobIds: json(r.job_ids), cursorFrom: r.cursor_from, cursorTo: r.cursor_to, progress: r.progress ? json(r.progress) : null,
    attempts: Number(r.attempts), error: r.error,
  };
}

/** What a run has done so far (added up over its versions). */
export interface RunTally {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  versions: number;
  jobIds: string[];
  cursorTo: string | null;
}

export const emptyTally = (): RunTally => ({ rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, versions: 0, jobIds: [], cursorTo: null });

/** Run history of sources (source_runs). */
export const runStore = {
  async start(q: Queryable, r: { sourceId: string; trigger: RunTrigger; mode?: SyncMode | null; owner: string; createdBy: string | null; cursorFrom: string | null }): Promise<string> {
    const id = newId();
    await q.query(
      `INSERT INTO source_runs (id, source_id, trigger, status, owner, created_by, cursor_from, progress, mode)
       VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8)`,
      [id, r.sourceId, r.trigger, r.owner, r.createdBy, r.cursorFrom, JSON.stringify({ stage: 'connect', rows: 0, at: new Date().toISOString() }), r.mode ?? null],
    );
    return id;
  },

  async progress(q: Queryable, id: string, p: RunProgress, attempts?: number): Promise<void> {
    await q.query(`UPDATE source_runs SET progress = $2, attempts = coalesce($3, attempts) WHERE id = $1 AND status = 'running'`, [id, JSON.stringify(p), attempts ?? null]);
  },

  /** Record the tally so far (in the transaction of each version, so history never trails the lake). */
  async tally(q: Queryable, id: string, t: RunTally): Promise<void> {
    await q.query(
      `UPDATE source_runs SET rows_read = $2, rows_accepted = $3, rows_rejected = $4, versions = $5, job_ids = $6, cursor_to = $7 WHERE id = $1`,
      [id, t.rowsRead, t.rowsAccepted, t.rowsRejected, t.versions, JSON.stringify(t.jobIds), t.cursorTo],
    );
  },

  async finish(q: Queryable, id: string, status: 'succeeded' | 'failed', t: RunTally, error: string | null): Promise<void> {
    await q.query(
      `UPDATE source_runs SET status = $2, finished_at = now(), rows_read = $3, rows_accepted = $4, rows_rejected = $5, versions = $6,
         job_ids = $7, cursor_to = $8, error = $9, progress = NULL WHERE id = $1`,
      [id, status, t.rowsRead, t.rowsAccepted, t.rowsRejected, t.versions, JSON.stringify(t.jobIds), t.cursorTo, error?.slice(0, 4000) ?? null],
    );
  },

  /** Runs left `running` by a process that is gone. */
  async abandon(q: Queryable, sourceId: string, owner: string | null): Promise<void> {
    await q.query(
      `UPDATE source_runs SET status = 'failed', finished_at = now(), progress = NULL,
         error = coalesce(error, '进程中断，未提交的部分将在下次运行时重读 / interrupted: the process ended; uncommitted rows are read again by the next run')
       WHERE source_id = $1 AND status = 'running' AND ($2::text IS NULL OR owner = $2)`,
      [sourceId, owner],
    );
  },

  async get(q: Queryable, id: string): Promise<SourceRun | undefined> {
    const r = await q.one<Row>('SELECT * FROM source_runs WHERE id = $1', [id]);
    return r && toRun(r);
  },
};
