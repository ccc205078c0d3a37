import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, Literals, Uuid } from '../../kernel/index.ts';
import { FINDING_PAGE_MAX, FINDING_STATUSES, findings } from './findings.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Finding = Type.Object({
  id: Type.String(), rule: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }), responsibleDepartment: Type.String(),
  key: Nullable(Type.Record(Type.String(), Type.Unknown())), status: Literals(FINDING_STATUSES), resolvedBy: Nullable(Type.String()), resolvedAt: Nullable(Type.String()),
  occurrences: Type.Integer(), recurring: Type.Boolean({ description: '已解决后再次出现 / appeared again after it was resolved' }),
  versions: Type.Record(Type.String(), Type.Integer(), { description: '证据所在的数据集版本 / dataset versions of the evidence' }),
  workOrder: Nullable(Type.Object({ id: Type.String(), code: Type.String(), status: Type.String() })),
  firstSeenAt: Type.String(), lastSeenAt: Type.String(), dismissReason: Nullable(Type.String()), evidenceRows: Type.Integer(),
  evidence: Type.Optional(Nullable(Type.Array(Type.Record(Type.String(), Type.Unknown())))),
});
const TAGS = ['rules'];

/** Findings of collision rules (碰撞发现): list, read with evidence, dismiss, and the outcome figures. */
export function findingRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/findings', {
      schema: { tags: TAGS, summary: '碰撞发现 / findings', querystring: Type.Object({
        rule: Type.Optional(Type.String({ maxLength: 64 })), status: Type.Optional(Literals(FINDING_STATUSES)), recurring: Type.Optional(Type.Boolean()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: FINDING_PAGE_MAX })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
      }), response: { 200: Type.Object({ items: Type.Array(Finding), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) } },
    }, (req) => findings.list(ctx, callerOf(req), req.query));
    app.get('/findings/stats', {
      schema: { tags: TAGS, summary: '规则成效 / outcome figures per rule', response: { 200: Type.Object({ rules: Type.Array(Type.Object({
        code: Type.String(), name: Type.String(), open: Type.Integer(), resolved: Type.Integer(), dismissed: Type.Integer(), recurring: Type.Integer(), orders: Type.Record(Type.String(), Type.Integer()),
      })) }) } },
    }, (req) => findings.stats(ctx, callerOf(req)));
    app.get('/findings/:id', { schema: { tags: TAGS, summary: '发现详情与证据 / one finding with its evidence', params: Type.Object({ id: Uuid }), response: { 200: Finding } } }, (req) => findings.get(ctx, callerOf(req), req.params.id));
    app.post('/findings/:id/dismiss', {
      schema: { tags: TAGS, summary: '排除（误报）/ dismiss (false positive)', params: Type.Object({ id: Uuid }), body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }), response: { 200: Finding } },
    }, (req) => findings.dismiss(ctx, callerOf(req), req.params.id, req.body.reason));
  };
}
