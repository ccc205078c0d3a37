/**
 * Linkage runs: queued, run one at a time per kind in this process, progress kept in the control
 * plane (the console polls it), the result applied in one transaction — membership, aliases of
 * merged clusters, the review queue — so a failed run changes nothing.
 */
import { type Caller, type Ctx, iso, newId, notFound, requireRole } from '../kernel/index.ts';
import type { Queryable } from '../control/index.ts';
import type { EntityKind } from './kinds.ts';
import { decisionLinks } from './decisions.ts';
import { runPipeline, type RunMode, type RunStats } from './pipeline.ts';
import { entitySources } from './sources.ts';

export interface EntityRun {
  id: string;
  kind: EntityKind;
  mode: RunMode;
  status: 'queued' | 'running' | 'done' | 'failed';
  retrain: boolean;
  progress: { stage: string; done: number; total: number } | null;
  stats: RunStats | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface RunRow {
  id: string; kind: EntityKind; mode: RunMode; status: EntityRun['status']; retrain: boolean; progress: EntityRun['progress']; stats: RunStats | null;
  error: string | null; created_at: Date; started_at: Date | null; finished_at: Date | null;
}
const toRun = (r: RunRow): EntityRun => ({
  id: r.id, kind: r.kind, mode: r.mode, status: r.status, retrain: r.retrain, progress: r.progress, stats: r.stats, error: r.error,
  createdAt: iso(r.created_at)!, startedAt: iso(r.started_at), finishedAt: iso(r.finished_at),
});

/** Per kind, the tail of the queue of this process: runs of one kind never overlap. */
const queues = new Map<string, Promise<unknown>>();

async function apply(tx: Queryable, kind: EntityKind, runId: string, r: Awaited<ReturnType<typeof runPipeline>>): Promise<void> {
  if (r.removed.length) await tx.query('DELETE FROM entity_members WHERE kind = $1 AND rid = ANY($2::text[])', [kind, r.removed]);
  for (let i = 0; i < r.members.length; i += 1000) {
    const chunk = r.members.slice(i, i + 1000);
    await tx.query(
      `INSERT INTO entity_members (kind, rid, cluster_id, dataset_id, record_key, role, version, updated_at)
       SELECT $1, m.rid, m.cluster_id, m.dataset_id::uuid, m.record_key::jsonb, m.role, m.version, m.updated_at::timestamptz
         FROM jsonb_to_recordset($2::jsonb) AS m(rid text, cluster_id text, dataset_id text, record_key text, role text, version int, updated_at text)
       ON CONFLICT (kind, rid) DO UPDATE SET cluster_id = EXCLUDED.cluster_id, dataset_id = EXCLUDED.dataset_id, record_key = EXCLUDED.record_key,
         role = EXCLUDED.role, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
      [kind, JSON.stringify(chunk)]);
  }
  for (const a of r.aliases) {
    await tx.query(`INSERT INTO entity_aliases (kind, old_id, new_id, run_id, created_at) VALUES ($1, $2, $3, $4, now())
      ON CONFLICT (kind, old_id) DO UPDATE SET new_id = EXCLUDED.new_id, run_id = EXCLUDED.run_id, created_at = EXCLUDED.created_at`, [kind, a.old_id, a.new_id, runId]);
    // an alias that pointed to the id that is now merged away follows it
    await tx.query('UPDATE entity_aliases SET new_id = $3 WHERE kind = $1 AND new_id = $2', [kind, a.old_id, a.new_id]);
  }
  // the review queue: pairs near the threshold not yet decided; pending items no longer scored there are gone
  await tx.query(`UPDATE entity_review SET status = 'gone' WHERE kind = $1 AND status = 'pending'
    AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS x(rid_l text, rid_r text) WHERE x.rid_l = entity_review.rid_l AND x.rid_r = entity_review.rid_r)`,
    [kind, JSON.stringify(r.review.map(({ rid_l, rid_r }) => ({ rid_l, rid_r })))]);
  for (let i = 0; i < r.review.length; i += 1000) {
    await tx.query(
      `INSERT INTO entity_review (id, kind, rid_l, rid_r, probability, weight, status, run_id, created_at)
       SELECT gen_random_uuid(), $1, x.rid_l, x.rid_r, x.p, x.w, 'pending', $3, now() FROM jsonb_to_recordset($2::jsonb) AS x(rid_l text, rid_r text, p float8, w float8)
       ON CONFLICT (kind, rid_l, rid_r) DO UPDATE SET probability = EXCLUDED.probability, weight = EXCLUDED.weight,
         status = CASE WHEN entity_review.status = 'gone' THEN 'pending' ELSE entity_review.status END`,
      [kind, JSON.stringify(r.review.slice(i, i + 1000)), runId]);
  }
}

export const entityRuns = {
  async list(ctx: Ctx, kind: EntityKind, limit = 20): Promise<EntityRun[]> {
    return (await ctx.db.query<RunRow>('SELECT * FROM entity_runs WHERE kind = $1 ORDER BY created_at DESC LIMIT $2', [kind, limit])).map(toRun);
  },

  async get(ctx: Ctx, kind: EntityKind, id: string): Promise<EntityRun> {
    const r = await ctx.db.one<RunRow>('SELECT * FROM entity_runs WHERE kind = $1 AND id::text = $2', [kind, id]);
    if (!r) throw notFound('entityRun', id);
    return toRun(r);
  },

  /** Queue a run (admin, or the platform itself) and return it at once; `done` settles when it ends. */
  async start(ctx: Ctx, caller: Caller, kind: EntityKind, opts: { mode: RunMode; retrain?: boolean }): Promise<{ run: EntityRun; done: Promise<EntityRun> }> {
    requireRole(caller, 'admin');
    const id = newId();
    await ctx.db.query(`INSERT INTO entity_runs (id, kind, mode, status, retrain, requested_by, created_at) VALUES ($1, $2, $3, 'queued', $4, $5, now())`,
      [id, kind, opts.mode, !!opts.retrain, caller.id]);
    await ctx.audit.record(caller, { action: 'entity.run', objectType: 'entityRun', objectId: id, details: { kind, mode: opts.mode, retrain: !!opts.retrain } });
    const tail = queues.get(kind) ?? Promise.resolve();
    const done = tail.catch(() => {}).then(() => execute(ctx, id, kind, opts.mode, !!opts.retrain));
    queues.set(kind, done);
    return { run: await entityRuns.get(ctx, kind, id), done };
  },

  /** Start a run and wait for it (CLI, demo, tests). A failed run throws. */
  async runNow(ctx: Ctx, caller: Caller, kind: EntityKind, opts: { mode: RunMode; retrain?: boolean }): Promise<EntityRun> {
    const { done } = await entityRuns.start(ctx, caller, kind, opts);
    const r = await done;
    if (r.status === 'failed') throw new Error(`entity run failed: ${r.error}`);
    return r;
  },

  /** Is any source's current version newer than what the index took in? (An incremental run is due.) */
  async due(ctx: Ctx, kind: EntityKind): Promise<boolean> {
    const r = await ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM entity_sources s JOIN datasets d ON d.id = s.dataset_id
      WHERE s.kind = $1 AND s.enabled AND d.current_version > s.linked_version`, [kind]);
    return (r?.n ?? 0) > 0;
  },
};

async function execute(ctx: Ctx, id: string, kind: EntityKind, mode: RunMode, retrain: boolean): Promise<EntityRun> {
  await ctx.db.query(`UPDATE entity_runs SET status = 'running', started_at = now() WHERE id = $1`, [id]);
  let last = 0;
  const onProgress = (stage: string, done: number, total: number) => {
    const now = Date.now();
    if (now - last < 500) return;
    last = now;
    void ctx.db.query('UPDATE entity_runs SET progress = $2 WHERE id = $1', [id, JSON.stringify({ stage, done, total })]).catch(() => {});
  };
  try {
    const { mustLink, cannotLink } = await decisionLinks(ctx.db, kind);
    const result = await ctx.lake.privateSession(`entity.${kind}`, (run) => runPipeline(ctx, run, { kind, runId: id, mode, retrain, mustLink, cannotLink, onProgress }));
    try {
      await ctx.db.transaction(async (tx) => {
        await apply(tx, kind, id, result);
        await tx.query(`UPDATE entity_runs SET status = 'done', finished_at = now(), stats = $2, progress = NULL WHERE id = $1`, [id, JSON.stringify(result.stats)]);
        result.commit();
      });
    } catch (err) {
      result.discard();
      throw err;
    }
    await entitySources.markLinked(ctx, kind, result.versions);
    ctx.log.info({ kind, run: id, mode, stats: { ...result.stats, timings: undefined } }, 'entity: linkage run done');
  } catch (err) {
    ctx.log.error({ err, kind, run: id }, 'entity: linkage run failed');
    await ctx.db.query(`UPDATE entity_runs SET status = 'failed', finished_at = now(), error = $2, progress = NULL WHERE id = $1`, [id, (err as Error).message.slice(0, 2000)]);
  }
  return entityRuns.get(ctx, kind, id);
}
