import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, Page, PageQuery, requireRole } from '../kernel/index.ts';
import { SignedHeadSchema } from './heads.ts';
import { auditService } from './service.ts';

const EventSchema = Type.Object({
  seq: Type.Integer(), id: Type.String(), ts: Type.String(), actorId: Type.Union([Type.String(), Type.Null()]), actorName: Type.String(),
  actorDepartmentId: Type.Union([Type.String(), Type.Null()]), action: Type.String(), objectType: Type.String(),
  objectId: Type.Union([Type.String(), Type.Null()]), departmentId: Type.Union([Type.String(), Type.Null()]),
  subjectKeys: Type.Array(Type.String()), details: Type.Record(Type.String(), Type.Unknown()), prevHash: Type.String(), hash: Type.String(),
});
const Seq = Type.Union([Type.Integer(), Type.Null()]);
const VerifySchema = Type.Object({
  ok: Type.Boolean(), checked: Type.Integer(), headSeq: Type.Integer(), headHash: Type.String(),
  checkpoints: Type.Object({ checked: Type.Integer(), latestSeq: Seq }),
  anchors: Type.Object({ source: Type.Union([Type.String(), Type.Null()]), present: Type.Boolean(), checked: Type.Integer(), latestSeq: Seq }),
  witnesses: Type.Object({ checked: Type.Integer(), heads: Type.Array(Type.Object({ source: Type.String(), seq: Type.Integer() })) }),
  warnings: Type.Array(Type.String()),
  firstBad: Type.Optional(Type.Object({
    seq: Type.Integer(), id: Type.Union([Type.String(), Type.Null()]), reason: Type.String(),
    kind: Type.Union([Type.Literal('tampered'), Type.Literal('unverifiable')]),
  })),
});

export function auditRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/audit/events', {
      schema: {
        tags: ['audit'], summary: '审计事件 / audit events',
        querystring: Type.Intersect([PageQuery, Type.Object({
          action: Type.Optional(Type.String({ maxLength: 64 })), actor: Type.Optional(Type.String({ maxLength: 64 })),
          objectType: Type.Optional(Type.String({ maxLength: 64 })), objectId: Type.Optional(Type.String({ maxLength: 128 })),
          from: Type.Optional(Type.String({ format: 'date-time', description: '起（含）/ from, inclusive (ISO-8601)' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: '止（不含）/ to, exclusive (ISO-8601)' })),
        })]),
        response: { 200: Page(EventSchema) },
      },
    }, (req) => auditService.list(ctx, callerOf(req), { ...req.query, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));
    const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);
    app.get('/me/data-uses', {
      schema: {
        tags: ['audit'], summary: '谁用了我的数据（公众）/ who used my data (citizens)',
        description: '返回读取过本人数据行的每一次访问：部门、应用、数据集、用途、授权 / every read that returned rows about me',
        querystring: PageQuery,
        response: {
          200: Type.Object({
            total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(),
            items: Type.Array(Type.Object({
              seq: Type.Integer(), at: Type.String(), reader: Type.String(), department: Type.String(), application: Nullable(Type.String()),
              dataset: Type.String(), datasetName: Nullable(Type.String()), owner: Nullable(Type.String()), purpose: Nullable(Type.String()),
              grantId: Nullable(Type.String()), via: Nullable(Type.String()), fields: Type.Array(Type.String()), hash: Type.String(),
            })),
          }),
        },
      },
    }, (req) => auditService.dataUses(ctx, callerOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));
    app.post('/audit/verify', {
      schema: {
        tags: ['audit'], summary: '校验审计链（可附见证链头）/ verify the chain, optionally against witnessed heads',
        body: Type.Object({ witnesses: Type.Optional(Type.Array(SignedHeadSchema, { maxItems: 100 })) }),
        response: { 200: VerifySchema },
      },
      // The body is optional: a plain POST verifies against the checkpoints and the anchor file.
      preValidation: async (req) => { req.body ??= {}; },
    }, (req) => auditService.verify(ctx, callerOf(req), req.body));
    app.get('/audit/head', { schema: { tags: ['audit'], summary: '最新已锚定的签名链头（供见证方保存）/ the newest anchored signed head, for witnesses to keep', response: { 200: SignedHeadSchema } } },
      (req) => auditService.head(ctx, callerOf(req)));
    app.post('/audit/checkpoints', { schema: { tags: ['audit'], summary: '签名检查点 / sign a checkpoint now' } }, async (req) => {
      requireRole(callerOf(req), 'admin');
      return (await ctx.audit.checkpoint()) ?? {};
    });
    app.get('/audit/export', { schema: { tags: ['audit'], summary: '导出（NDJSON，含公钥与检查点）/ export as NDJSON with public key and checkpoints' } }, async (req, reply) => {
      const caller = callerOf(req);
      requireRole(caller, 'admin');
      reply.header('content-disposition', 'attachment; filename="govhub-audit.ndjson"').type('application/x-ndjson');
      return reply.send(auditService.exportStream(ctx, caller));
    });
  };
}
