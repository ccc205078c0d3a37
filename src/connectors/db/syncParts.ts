/** What the full and the incremental sync share: their input, the row meter, the run tally. */
import type { Dataset } from '../../catalog/index.ts';
import type { Caller, Ctx } from '../../kernel/index.ts';
import type { Queryable } from '../../control/index.ts';
import type { ErrorLimit, IngestJob } from '../../ingest/index.ts';
import type { SourceDb } from './SourceDb.ts';
import type { RunTally } from '../runs.ts';
import type { StoredSource } from '../store.ts';
import type { Throttle } from './Throttle.ts';
import type { TsvWriter } from './TsvWriter.ts';
import type { DbSettings, SyncMode } from '../types.ts';

export const DEFAULT_BATCH_ROWS = 100_000;

export interface DbSyncInput {
  ctx: Ctx;
  /** Who the ingest runs as (the person who pressed run, or the source itself on a schedule). */
  caller: Caller;
  source: StoredSource & { settings: DbSettings };
  /** How this run reads: every row, or past the cursor (an incremental source may run a full refresh). */
  mode: SyncMode;
  dataset: Dataset;
  /** One connection; more are opened for a parallel split. */
  db: SourceDb;
  openMore: () => Promise<SourceDb>;
  workDir: string;
  /** Added up over the run; also written in each version's transaction. */
  tally: RunTally;
  progress: (stage: string, rows: number) => void;
  /** In each committed version's transaction: record the run's tally. */
  onVersion: (tx: Queryable, t: RunTally) => Promise<void>;
}

export function exceeds(job: IngestJob, l: ErrorLimit | undefined): boolean {
  if (!l) return false;
  if (l.count !== undefined && job.rejected > l.count) return true;
  return l.share !== undefined && job.rowsRead > 0 && job.rejected / job.rowsRead > l.share;
}

/** Text form of a cursor value (as the source returned it; bound back as a parameter next time). */
export function cursorText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** A row sink + throttle gate for one stream (each stream counts its own rows; the throttle is shared). */
export function meter(writer: TsvWriter, throttle: Throttle, onRow?: (row: unknown[]) => void) {
  let pending = 0;
  return {
    sink: (row: unknown[]) => {
      writer.row(row);
      pending++;
      onRow?.(row);
    },
    gate: throttle.enabled ? () => { const w = throttle.take(pending); pending = 0; return w; } : undefined,
  };
}


/** A copy of the tally with more added (for the version's transaction, before the job's final counts are known). */
export function added(t: RunTally, more: Omit<RunTally, 'cursorTo'> & { cursorTo?: string | null }): RunTally {
  return {
    rowsRead: t.rowsRead + more.rowsRead, rowsAccepted: t.rowsAccepted + more.rowsAccepted, rowsRejected: t.rowsRejected + more.rowsRejected,
    versions: t.versions + more.versions, jobIds: [...t.jobIds, ...more.jobIds.filter(Boolean)], cursorTo: more.cursorTo ?? t.cursorTo,
  };
}

export function count(t: RunTally, job: IngestJob, versions: number) {
  t.rowsRead += job.rowsRead;
  t.rowsAccepted += job.status === 'succeeded' ? job.accepted : 0;
  t.rowsRejected += job.rejected;
  t.versions += job.status === 'succeeded' ? versions : 0;
  t.jobIds.push(job.jobId);
}

