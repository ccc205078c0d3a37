import fs from 'node:fs';
import path from 'node:path';
import { datasets } from '../catalog/index.ts';
import { recordFailedRun } from '../ingest/index.ts';
import type { Queryable } from '../control/index.ts';
import { type Caller, type Ctx, Problem, problem, notFound, OWNER } from '../kernel/index.ts';
import { runDbSync } from './db/dbSync.ts';
import { acquireLease, withLease } from './lease.ts';
import { raiseNotice } from '../identity/index.ts';
import { DEFAULT_RETRY, withRetry } from './retry.ts';
import { sourcePassword } from './passwords.ts';
import { emptyTally, runStore, type RunTally } from './runs.ts';
import { connectDb, ConnectFailure, recordConnectFailure } from './sourceConnect.ts';
import { isDbSettings, sourceById, type StoredSource } from './store.ts';
import type { DbSettings, RunTrigger, SourceRun, SyncMode } from './types.ts';

/** Sources running in this process (one run per source at a time; the lease covers other processes). */
const running = new Set<string>();

/** Who a scheduled run acts as: the source itself, with an officer's rights in its dataset's department. */
export function sourceCaller(s: { name: string; departmentId: string }): Caller {
  return { id: null, username: `source:${s.name}`.slice(0, 64), displayName: `数据源 ${s.name}`, role: 'officer', departmentId: s.departmentId };
}

const message = (err: unknown) => (err instanceof Problem ? err.detail ?? err.message : err instanceof Error ? err.message : String(err));

export interface StartedRun {
  run: SourceRun;
  /** Settles when the run has finished (never rejects: the outcome is in the run record). */
  done: Promise<SourceRun>;
}

/**
 * Start one sync of a database source: take the source's lease, record a run, then read and
 * ingest with retries (exponential backoff on network / server failures; each attempt resumes
 * from the committed cursor). A failed run raises a notice to the dataset's officers and admins.
 * `caller` is who the ingest acts as; permissions were checked by the caller of this function.
 */
export async function startRun(ctx: Ctx, caller: Caller, sourceId: string, trigger: RunTrigger, opts: { full?: boolean } = {}): Promise<StartedRun> {
  const source = await sourceById(ctx.db, sourceId);
  if (!source) throw notFound('source', sourceId);
  if (!isDbSettings(source)) throw problem('bad-request', '传感器数据源持续接收，无需手动运行 / sensor sources receive continuously; there is nothing to run');
  if (running.has(sourceId)) throw problem('conflict', `数据源正在同步 / source ${source.name} is already running`);
  running.add(sourceId);
  try {
    const lease = await acquireLease(ctx.db, sourceId);
    if (!lease.ok) throw problem('conflict', `数据源正在其他服务器上同步 / source ${source.name} is running on ${lease.previous}`);
    if (lease.previous) await runStore.abandon(ctx.db, sourceId, lease.previous);
    await runStore.abandon(ctx.db, sourceId, OWNER); // left by this process before a restart with the same pid
  } catch (err) {
    running.delete(sourceId);
    throw err;
  }
  const s = source as StoredSource & { settings: DbSettings };
  const mode: SyncMode = opts.full ? 'full' : s.settings.mode;
  const runId = await runStore.start(ctx.db, { sourceId, trigger, mode, owner: OWNER, createdBy: caller.id, cursorFrom: s.state.cursor ?? null });
  const run = (await runStore.get(ctx.db, runId))!;
  const done = withLease(ctx.db, sourceId, () => execute(ctx, caller, s, runId, mode)).finally(() => running.delete(sourceId));
  return { run, done };
}

async function execute(ctx: Ctx, caller: Caller, s: StoredSource & { settings: DbSettings }, runId: string, mode: SyncMode): Promise<SourceRun> {
  const workDir = path.join(ctx.config.dataDir, 'ingest', 'sources', s.id, runId);
  const tally: RunTally = emptyTally();
  let attempts = 1;
  let lastProgress = 0;
  const t0 = performance.now();
  const progress = (stage: string, rows: number) => {
    const now = performance.now();
    if (now - lastProgress < 1000 && stage !== 'ingest') return;
    lastProgress = now;
    const rate = rows / Math.max((now - t0) / 1000, 0.001);
    void runStore.progress(ctx.db, runId, { stage, rows, rowsPerSecond: Math.round(rate), at: new Date().toISOString() }, attempts).catch(() => {});
  };
  try {
    // staged files of runs of this source that died (this run holds the source's lease)
    fs.rmSync(path.dirname(workDir), { recursive: true, force: true });
    const ds = await datasets.require(ctx.db, s.datasetCode);
    const password = await sourcePassword(ctx, s, s.settings);
    const connect = () => connectDb(ctx, s.kind as 'mysql' | 'postgres', s.settings, password);
    await withRetry(s.settings.retry ?? DEFAULT_RETRY, async (attempt) => {
      attempts = attempt;
      fs.rmSync(workDir, { recursive: true, force: true });
      const db = await connect();
      try {
        await runDbSync({
          ctx, caller, source: s, mode, dataset: ds, db, openMore: connect, workDir, tally, progress,
          onVersion: (tx, t) => runStore.tally(tx, runId, t),
        });
      } finally {
        await db.close();
      }
    }, (err, attempt, wait) => {
      ctx.log.warn({ sourceId: s.id, source: s.name, attempt, wait, err: err instanceof ConnectFailure ? err.detail : message(err) }, 'source sync failed; retrying');
      return runStore.progress(ctx.db, runId, { stage: `retry in ${Math.round(wait / 1000)}s: ${message(err).slice(0, 200)}`, rows: tally.rowsRead, at: new Date().toISOString() }, attempt + 1);
    });
    if (tally.rowsRead > 0 && tally.rowsAccepted === 0)
      throw problem('unprocessable', `读取的 ${tally.rowsRead} 行全部未通过校验，已进入隔离区 / all ${tally.rowsRead} rows read were rejected (see the quarantine of jobs ${tally.jobIds.join(', ')})`);
    await runStore.finish(ctx.db, runId, 'succeeded', tally, null);
  } catch (err) {
    // a connection that failed answers CONNECT_FAILED in the run, its notice and its audit event; the cause is logged for admins
    const why = message(err);
    if (err instanceof ConnectFailure) await recordConnectFailure(ctx, caller, s.id, `${s.settings.host}:${s.settings.port}`, err);
    else ctx.log.error({ sourceId: s.id, source: s.name, err: why }, 'source sync failed');
    // the failed run and its notice commit together: whoever sees the failure also finds the notice
    await ctx.db.transaction(async (tx) => {
      await runStore.finish(tx, runId, 'failed', tally, why);
      // the job list shows the failed run even when it never reached ingest
      const run = (await runStore.get(tx, runId))!;
      await recordFailedRun(tx, { datasetId: s.datasetId, sourceName: `source:${s.name}`, mode: mode === 'full' ? 'replace' : 'upsert', since: run.startedAt, error: why, createdBy: caller.id });
      await reportFailure(ctx, s, runId, why, tx);
    }).catch((e) => ctx.log.error({ err: e }, 'could not record the failed run and its notice'));
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return (await runStore.get(ctx.db, runId))!;
}

/** A failed run: a notice to the dataset's officers and the admins, and an audit event. */
export async function reportFailure(ctx: Ctx, s: StoredSource, runId: string | null, why: string, within?: Queryable): Promise<void> {
  const write = async (tx: Queryable) => {
    await raiseNotice(tx, {
      kind: 'source.failed', objectType: 'source', objectId: s.id, departmentId: s.departmentId,
      title: `数据源同步失败：${s.name} / source failed: ${s.name}`,
      body: `数据集 ${s.datasetCode}：${why.slice(0, 1000)}`,
    });
    await ctx.audit.append(tx, sourceCaller(s), {
      action: 'source.run_failed', objectType: 'source', objectId: s.id, departmentId: s.departmentId,
      details: { name: s.name, dataset: s.datasetCode, runId, error: why.slice(0, 500) },
    });
  };
  if (within) await write(within);
  else await ctx.db.transaction(write);
}
