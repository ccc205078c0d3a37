import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { datasets } from '../catalog/index.ts';
import { type Ctx, callerOf, IdParams, Literals, Page, PageQuery, problem } from '../kernel/index.ts';
import { MAX_SAMPLE, suggestClassification } from './classify/index.ts';
import { MASK_KINDS } from '../lake/index.ts';
import { accessAlerts } from './alerts.ts';
import { runAnalystSql } from './analystSql.ts';
import { ANALYST_SQL_MAX_LENGTH, ANALYST_SQL_MAX_LIMIT } from './sql/index.ts';
import { isOwner } from './guard.ts';
import { dataServiceOpenApi } from './dataOpenApi.ts';
import { FilterSchema, parseFilter } from './filter.ts';
import { listGrants } from './grants.ts';
import { DATA_FORMATS, DATA_LIMIT_MAX, dataRead, readPage } from './reads.ts';
import { shareGrants, shareRequests } from './requests.ts';

const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

const Column = Type.Object({ name: Type.String(), title: Type.String(), type: Type.String(), sensitivity: Type.String(), masked: Type.Boolean(), mask: Type.Optional(Type.String()) });
const Masks = Type.Record(Type.String(), Literals(MASK_KINDS), { maxProperties: 200 });
const Fields = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 500 });
const Reason = Type.String({ minLength: 2, maxLength: 2000 });
const Dept = Nullable(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }));

const RequestSchema = Type.Object({
  id: Type.String(),
  dataset: Type.Object({ code: Type.String(), name: Type.String(), shareType: Type.String(), departmentCode: Type.String(), departmentName: Type.String() }),
  consumerDepartment: Dept, requestedBy: Type.String(), purpose: Type.String(), fields: Type.Array(Type.String()), filter: Nullable(FilterSchema), masks: Masks,
  validFrom: Type.String(), validUntil: Type.String(), status: Type.String(), dueAt: Nullable(Type.String()), overdue: Type.Boolean(),
  decidedBy: Nullable(Type.String()), decidedAt: Nullable(Type.String()), reason: Nullable(Type.String()), grantId: Nullable(Type.String()), createdAt: Type.String(),
});
const GrantSchema = Type.Object({
  id: Type.String(), requestId: Nullable(Type.String()),
  dataset: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), departmentId: Type.String(), departmentCode: Type.String(), departmentName: Type.String() }),
  consumerDepartment: Dept, consumerUser: Nullable(Type.Object({ id: Type.String(), username: Type.String() })),
  purpose: Type.String(), fields: Type.Array(Type.String()), filter: Nullable(FilterSchema), masks: Masks,
  loosened: Type.Array(Type.Object({ field: Type.String(), from: Type.String(), to: Type.String() })), tokenIds: Nullable(Type.Array(Type.String())),
  validFrom: Type.String(), validUntil: Type.String(), ratePerMinute: Nullable(Type.Integer()), rowsPerDay: Nullable(Type.Integer()), automatic: Type.Boolean(),
  grantedBy: Type.String(), reason: Nullable(Type.String()), createdAt: Type.String(), revokedAt: Nullable(Type.String()), revokedBy: Nullable(Type.String()),
  revokeReason: Nullable(Type.String()), status: Type.String(),
});

/** The sharing routes: reads of dataset contents (always through the guard), requests, grants, usage and alerts. */
export function shareRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    const timer = setInterval(() => void shareRequests.remind(ctx).catch((err) => ctx.log.error({ err }, 'share: reminders failed')), 3600_000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));

    app.get('/datasets/:code/rows', {
      schema: {
        tags: ['datasets'], summary: '读取数据（经共享守卫，留痕）/ read rows through the share guard (audited)', params: CodeParams,
        description: 'basis：owner 本部门（明文）；grant 依共享授权（授权字段、行、脱敏）/ owner reads in clear; others read under a grant',
        querystring: Type.Intersect([PageQuery, Type.Object({
          version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })), fields: Type.Optional(Type.String({ maxLength: 2000 })),
        })]),
        response: {
          200: Type.Object({
            columns: Type.Array(Column), rows: Type.Array(Type.Record(Type.String(), Type.Unknown())), total: Type.Integer(), version: Type.Integer(), basis: Type.String(), grantId: Nullable(Type.String()),
          }),
        },
      },
    }, async (req) => {
      const caller = callerOf(req);
      const ds = await datasets.get(ctx, caller, req.params.code);
      return readPage(ctx, caller, ds, { fields: list(req.query.fields), version: req.query.version, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
    });

    app.get('/data/:code', {
      schema: {
        tags: ['data'], summary: '数据服务接口（经共享守卫，留痕）/ the data service (guarded, audited)', params: CodeParams,
        description: 'filter 为 JSON：{"字段":{"eq"|"in"|"gt"|"gte"|"lt"|"lte"|"prefix"|"isNull": 值}}，只能按明文可见的授权字段筛选和排序；cursor 取下一页 / filter is JSON over granted fields shown unmasked; cursor pages on',
        querystring: Type.Object({
          fields: Type.Optional(Type.String({ maxLength: 2000 })), filter: Type.Optional(Type.String({ maxLength: 20_000 })), sort: Type.Optional(Type.String({ maxLength: 300 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DATA_LIMIT_MAX })), cursor: Type.Optional(Type.String({ maxLength: 500 })),
          version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })), format: Type.Optional(Literals(DATA_FORMATS)), grant: Type.Optional(Type.String({ format: 'uuid' })),
        }),
      },
    }, async (req, reply) => {
      const caller = callerOf(req);
      const ds = await datasets.get(ctx, caller, req.params.code);
      const q = req.query;
      const r = await dataRead(ctx, caller, ds, { fields: list(q.fields), filter: parseFilter(q.filter), sort: list(q.sort), limit: q.limit, cursor: q.cursor, version: q.version, format: q.format, grantId: q.grant });
      reply.header('x-govhub-version', String(r.plan.version.version));
      if (r.plan.grant) reply.header('x-govhub-grant', r.plan.grant.id);
      if (r.body) return reply.type(r.contentType).send(r.body);
      if (r.filename) reply.header('content-disposition', `attachment; filename="${r.filename}"`);
      return reply.type(r.contentType).send(r.stream);
    });

    app.get('/datasets/:code/classification/suggest', {
      schema: {
        tags: ['datasets'], summary: '分类分级建议（敏感信息扫描）/ classification suggestions from a PII scan of sampled values',
        description: '提供部门读取样本（留痕），按列名、标题和样本值识别身份证号、手机、固话、姓名、地址、银行卡、邮箱、车牌、统一社会信用代码、护照、出生日期，建议分级、数据元和脱敏方式',
        params: CodeParams, querystring: Type.Object({ sample: Type.Optional(Type.Integer({ minimum: 10, maximum: MAX_SAMPLE })) }),
      },
    }, async (req) => {
      const caller = callerOf(req);
      const ds = await datasets.get(ctx, caller, req.params.code);
      if (!isOwner(caller, ds)) throw problem('forbidden', '只有数据提供部门可以扫描本部门数据 / only the providing department scans its data');
      const read = await dataRead(ctx, caller, ds, { limit: req.query.sample ?? 200 }, 'classify');
      return { dataset: ds.code, sampled: read.body!.rows.length, fields: suggestClassification(ds.fields, read.body!.rows) };
    });

    app.get('/data/:code/openapi.json', {
      schema: { tags: ['data'], summary: '本数据集数据服务的 OpenAPI（按调用方授权）/ OpenAPI of this dataset\'s data service, for the caller', params: CodeParams },
    }, async (req) => {
      const caller = callerOf(req);
      return dataServiceOpenApi(ctx, caller, await datasets.get(ctx, caller, req.params.code));
    });

    app.post('/sql', {
      schema: {
        tags: ['data'], summary: '分析查询：对已授权数据集执行一条只读 SELECT / analyst SQL: one read-only SELECT over granted datasets',
        description: '表名为数据集代码；每个数据集替换为共享守卫的脱敏、过滤视图；只允许白名单内的语法和函数 / table names are dataset codes, each bound to the guarded view; only allow-listed syntax and functions',
        body: Type.Object({ sql: Type.String({ minLength: 1, maxLength: ANALYST_SQL_MAX_LENGTH }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ANALYST_SQL_MAX_LIMIT })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })), rows: Type.Array(Type.Record(Type.String(), Type.Unknown())), truncated: Type.Boolean() }) },
      },
    }, (req) => runAnalystSql(ctx, callerOf(req), req.body));

    // ---- requests
    app.post('/share/requests', {
      schema: {
        tags: ['share'], summary: '提交共享申请 / request a dataset', description: '无条件共享：立即授权；有条件共享：提供部门 10 个工作日内审批；不予共享：不能申请',
        body: Type.Object({
          dataset: Type.String({ minLength: 1, maxLength: 64 }), purpose: Type.String({ minLength: 1, maxLength: 2000 }), fields: Fields,
          filter: Type.Optional(FilterSchema), masks: Type.Optional(Masks),
          validFrom: Type.Optional(Type.String({ format: 'date-time' })), validUntil: Type.String({ format: 'date-time' }),
        }, { additionalProperties: false }),
        response: { 201: RequestSchema },
      },
    }, async (req, reply) => reply.code(201).send(await shareRequests.create(ctx, callerOf(req), req.body)));
    app.get('/share/requests', {
      schema: {
        tags: ['share'], summary: '共享申请 / share requests',
        querystring: Type.Intersect([PageQuery, Type.Object({ side: Type.Optional(Literals(['mine', 'incoming', 'all'] as const)), status: Type.Optional(Literals(['pending', 'approved', 'rejected', 'withdrawn'] as const)), overdue: Type.Optional(Type.Boolean()) })]),
        response: { 200: Page(RequestSchema) },
      },
    }, (req) => shareRequests.list(ctx, callerOf(req), req.query));
    app.get('/share/requests/:id', { schema: { tags: ['share'], params: IdParams, response: { 200: RequestSchema } } }, (req) => shareRequests.get(ctx, callerOf(req), req.params.id));
    app.post('/share/requests/:id/approve', {
      schema: {
        tags: ['share'], summary: '批准（提供部门，须写明理由）/ approve (providing department, with a reason)', params: IdParams,
        body: Type.Object({
          reason: Reason, fields: Type.Optional(Fields), filter: Type.Optional(Nullable(FilterSchema)), masks: Type.Optional(Masks), validUntil: Type.Optional(Type.String({ format: 'date-time' })),
          ratePerMinute: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))), rowsPerDay: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
          tokenIds: Type.Optional(Nullable(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 }))),
        }, { additionalProperties: false }),
        response: { 200: RequestSchema },
      },
    }, (req) => shareRequests.approve(ctx, callerOf(req), req.params.id, req.body));
    app.post('/share/requests/:id/reject', {
      schema: { tags: ['share'], summary: '驳回（须写明理由）/ reject with a reason', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: RequestSchema } },
    }, (req) => shareRequests.reject(ctx, callerOf(req), req.params.id, req.body.reason));
    app.post('/share/requests/:id/withdraw', {
      schema: { tags: ['share'], summary: '撤回申请 / withdraw a request', params: IdParams, response: { 200: RequestSchema } },
    }, (req) => shareRequests.withdraw(ctx, callerOf(req), req.params.id));

    // ---- grants
    app.get('/share/grants', {
      schema: {
        tags: ['share'], summary: '共享授权 / grants',
        querystring: Type.Intersect([PageQuery, Type.Object({ side: Type.Optional(Literals(['mine', 'given', 'all'] as const)), dataset: Type.Optional(Type.String({ maxLength: 64 })), status: Type.Optional(Literals(['active', 'scheduled', 'expired', 'revoked'] as const)) })]),
        response: { 200: Page(GrantSchema) },
      },
    }, (req) => listGrants(ctx, callerOf(req), req.query));
    app.get('/share/grants/:id', { schema: { tags: ['share'], params: IdParams, response: { 200: GrantSchema } } }, (req) => shareGrants.get(ctx, callerOf(req), req.params.id));
    app.post('/share/grants/:id/revoke', {
      schema: { tags: ['share'], summary: '撤销授权（立即生效）/ revoke a grant (at once)', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: GrantSchema } },
    }, (req) => shareGrants.revoke(ctx, callerOf(req), req.params.id, req.body.reason));
    app.get('/share/grants/:id/usage', {
      schema: {
        tags: ['share'], summary: '授权的每日调用量 / reads and rows per day under a grant', params: IdParams,
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) }),
        response: { 200: Type.Object({ grantId: Type.String(), days: Type.Array(Type.Object({ day: Type.String(), reads: Type.Integer(), rows: Type.Integer() })) }) },
      },
    }, (req) => shareGrants.usage(ctx, callerOf(req), req.params.id, req.query.days));

    // ---- access alerts (admin)
    app.get('/share/alerts', {
      schema: { tags: ['share'], summary: '访问异常告警（管理员）/ access anomaly alerts (admin)', querystring: Type.Intersect([PageQuery, Type.Object({ open: Type.Optional(Type.Boolean()) })]) },
    }, (req) => accessAlerts.list(ctx, callerOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, open: req.query.open }));
    app.post('/share/alerts/:id/acknowledge', { schema: { tags: ['share'], params: IdParams } }, (req) => accessAlerts.acknowledge(ctx, callerOf(req), req.params.id));
  };
}
