import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { datasets } from '../catalog/index.ts';
import { type Ctx, callerOf, Literals, SYSTEM } from '../kernel/index.ts';
import { entityDecisions } from './decisions.ts';
import { ENTITY_KINDS, ENTITY_INPUTS, type EntityKind } from './kinds.ts';
import { entityProfiles } from './profiles.ts';
import { entityReview } from './review.ts';
import { entityRuns } from './runs.ts';
import { entitySources } from './sources.ts';

const Kind = Type.Object({ kind: Literals(ENTITY_KINDS) });
const ClusterParams = Type.Object({ kind: Literals(ENTITY_KINDS), clusterId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
const Rid = Type.String({ minLength: 3, maxLength: 200 });
const Reason = Type.String({ minLength: 1, maxLength: 500, description: '理由（审计留痕）/ reason (audited)' });
const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const TAG = ['entity'];

/** After a decision the clusters are computed again from the stored pairs (no pair is re-scored). */
async function recluster(ctx: Ctx, kind: EntityKind) {
  return entityRuns.runNow(ctx, SYSTEM, kind, { mode: 'recluster' });
}

export function entityRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    /** The distinct profiles of these records, in the records' order. */
    const clustersOf = async (kind: EntityKind, rids: string[]) => {
      const rows = await ctx.db.query<{ rid: string; cluster_id: string }>('SELECT rid, cluster_id FROM entity_members WHERE kind = $1 AND rid = ANY($2::text[])', [kind, rids]);
      const of = new Map(rows.map((r) => [r.rid, r.cluster_id]));
      return [...new Set(rids.map((r) => of.get(r)).filter((c): c is string => !!c))];
    };

    // runs this server started: closing waits for them (a run cut off by a closed control plane fails noisily)
    const started = new Set<Promise<unknown>>();
    const track = (done: Promise<unknown>) => {
      const settled = done.catch(() => {});
      started.add(settled);
      void settled.finally(() => started.delete(settled));
    };
    // new versions of source datasets are linked incrementally, soon after they arrive
    const POLL_SECONDS = Number(process.env.GOVHUB_ENTITY_POLL_SECONDS ?? 60);
    let closing = false;
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onClose', async () => {
      closing = true;
      clearInterval(timer);
      await Promise.allSettled([...started]);
    });
    if (POLL_SECONDS > 0) {
      timer = setInterval(() => {
        for (const kind of ENTITY_KINDS) {
          const polled = entityRuns.due(ctx, kind)
            .then(async (due) => (due && !closing ? track((await entityRuns.start(ctx, SYSTEM, kind, { mode: 'incremental' })).done) : null))
            .catch((err) => ctx.log.error({ err, kind }, 'entity: incremental run could not start'));
          track(polled);
        }
      }, POLL_SECONDS * 1000);
      timer.unref();
    }

    app.get('/entities/:kind/overview', {
      schema: { tags: TAG, summary: '档案概览：记录、档案、多源档案、待审核 / index overview', params: Kind, response: { 200: Open('overview') } },
    }, async (req) => {
      const o = await entityProfiles.overview(ctx, callerOf(req), req.params.kind);
      return { ...o, lastRun: (await entityRuns.list(ctx, req.params.kind, 1))[0] ?? null };
    });

    app.get('/entities/:kind/search', {
      schema: {
        tags: TAG, summary: '档案检索（按姓名/名称、身份证号/信用代码、电话；经共享守卫，按授权脱敏）/ search profiles through the share guard',
        params: Kind,
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 100 }),
          by: Type.Optional(Literals(['name', 'id_number', 'phone', 'code'] as const)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        }),
        response: { 200: Open('profiles found, the datasets searched and those skipped with the reason') },
      },
    }, async (req) => entityProfiles.search(ctx, callerOf(req), req.params.kind, { q: req.query.q, by: req.query.by ?? 'name', limit: req.query.limit ?? 20 }));

    app.get('/entities/:kind/profiles/:clusterId', {
      schema: { tags: TAG, summary: '档案：黄金记录、来源记录、时间线、关联与人工决定 / a profile', params: ClusterParams, response: { 200: Open('profile') } },
    }, async (req) => entityProfiles.get(ctx, callerOf(req), req.params.kind, req.params.clusterId));

    app.get('/entities/:kind/explain', {
      schema: {
        tags: TAG, summary: '关联解释：各字段的比对级别与匹配权重（瀑布图）/ why two records link: levels and match weights',
        params: Kind, querystring: Type.Object({ left: Rid, right: Rid }), response: { 200: Open('pair explanation') },
      },
    }, async (req) => entityProfiles.explain(ctx, callerOf(req), req.params.kind, req.query.left, req.query.right));

    app.post('/entities/:kind/merge', {
      schema: {
        tags: TAG, summary: '合并两个档案（写明理由，审计；重跑后仍保留）/ merge two profiles',
        params: Kind, body: Type.Object({ clusterIds: Type.Tuple([Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 })]), reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.Object({ clusterId: Type.String(), decisionId: Type.String() }) },
      },
    }, async (req) => {
      const { kind } = req.params;
      const { decisionId, rid } = await entityDecisions.merge(ctx, callerOf(req), kind, req.body.clusterIds, req.body.reason);
      await recluster(ctx, kind);
      return { clusterId: (await clustersOf(kind, [rid]))[0]!, decisionId };
    });

    app.post('/entities/:kind/profiles/:clusterId/split', {
      schema: {
        tags: TAG, summary: '从档案中拆出记录（写明理由，审计；重跑后仍保留）/ split records off a profile',
        params: ClusterParams, body: Type.Object({ rids: Type.Array(Rid, { minItems: 1, maxItems: 500 }), reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.Object({ clusterIds: Type.Array(Type.String()), decisionId: Type.String() }) },
      },
    }, async (req) => {
      const { kind, clusterId } = req.params;
      const { decisionId, stay, out } = await entityDecisions.split(ctx, callerOf(req), kind, clusterId, req.body.rids, req.body.reason);
      await recluster(ctx, kind);
      // the profiles of the records that stay first, then of those split off
      return { clusterIds: await clustersOf(kind, [...stay, ...out]), decisionId };
    });

    app.get('/entities/:kind/review', {
      schema: {
        tags: TAG, summary: '人工审核队列：阈值附近的关联 / clerical review queue', params: Kind,
        querystring: Type.Object({
          status: Type.Optional(Literals(['pending', 'match', 'no_match'] as const)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Open('review items') },
      },
    }, async (req) => entityReview.list(ctx, callerOf(req), req.params.kind, { status: req.query.status ?? 'pending', limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));

    app.post('/entities/:kind/review/:id', {
      schema: {
        tags: TAG, summary: '审核一对关联：是/不是同一对象 / decide a review item', params: Type.Object({ kind: Literals(ENTITY_KINDS), id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ decision: Literals(['match', 'no_match'] as const), reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.Object({ decisionId: Type.String() }) },
      },
    }, async (req) => {
      const decisionId = await entityDecisions.review(ctx, callerOf(req), req.params.kind, req.params.id, req.body.decision, req.body.reason);
      await recluster(ctx, req.params.kind);
      return { decisionId };
    });

    app.get('/entities/:kind/runs', {
      schema: { tags: TAG, summary: '关联运行记录 / linkage runs', params: Kind, response: { 200: Type.Object({ items: Type.Array(Open('run')) }) } },
    }, async (req) => ({ items: await entityRuns.list(ctx, req.params.kind) }));

    app.get('/entities/:kind/runs/:id', {
      schema: { tags: TAG, summary: '一次关联运行 / one linkage run', params: Type.Object({ kind: Literals(ENTITY_KINDS), id: Type.String({ format: 'uuid' }) }), response: { 200: Open('run') } },
    }, async (req) => entityRuns.get(ctx, req.params.kind, req.params.id));

    app.post('/entities/:kind/runs', {
      schema: {
        tags: TAG, summary: '启动关联（管理员）：全量或增量，可重新训练模型 / start a linkage run (admin)', params: Kind,
        body: Type.Object({ mode: Literals(['full', 'incremental'] as const), retrain: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 202: Type.Object({ id: Type.String() }) },
      },
    }, async (req, reply) => {
      const { run, done } = await entityRuns.start(ctx, callerOf(req), req.params.kind, { mode: req.body.mode, retrain: req.body.retrain });
      track(done);
      return reply.code(202).send({ id: run.id });
    });

    app.get('/entities/:kind/sources', {
      schema: { tags: TAG, summary: '参与关联的数据集及字段映射 / datasets feeding the index and their field mapping', params: Kind, response: { 200: Type.Object({ items: Type.Array(Open('source')), inputs: Type.Array(Type.String()) }) } },
    }, async (req) => ({ items: await entitySources.list(ctx, req.params.kind), inputs: ENTITY_INPUTS[req.params.kind] }));

    app.put('/entities/:kind/sources/:code', {
      schema: {
        tags: TAG, summary: '设置参与关联的数据集（管理员；不给 roles 时按数据元推荐）/ add or change a source (admin)',
        params: Type.Object({ kind: Literals(ENTITY_KINDS), code: Type.String({ maxLength: 64 }) }),
        body: Type.Object({
          roles: Type.Optional(Type.Array(Type.Object({ role: Type.String({ maxLength: 32 }), fields: Type.Record(Type.String(), Type.String({ maxLength: 64 })) }), { maxItems: 8 })),
          trust: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
          enabled: Type.Optional(Type.Boolean()),
        }, { additionalProperties: false }),
        response: { 200: Open('source') },
      },
    }, async (req) => {
      const caller = callerOf(req);
      const ds = await datasets.get(ctx, caller, req.params.code);
      return entitySources.put(ctx, caller, req.params.kind, ds, req.body);
    });
  };
}
