import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, fieldProblem, Literals, Uuid } from '../../kernel/index.ts';
import { AGGREGATES, GRAINS, indicators } from './indicators.ts';

const TAGS = ['monitor'];
const Opt = Type.Optional;
const Code = Type.Object({ code: Type.String({ maxLength: 45 }) });
const Query = Type.Union([
  Type.Object({
    mode: Type.Literal('builder'), dataset: Type.String({ maxLength: 64 }), time: Type.String({ maxLength: 63 }), measure: Opt(Type.Union([Type.String({ maxLength: 63 }), Type.Null()])),
    agg: Literals(AGGREGATES), dimensions: Opt(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 3 })), grain: Literals(GRAINS), where: Opt(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  }, { additionalProperties: false }),
  Type.Object({ mode: Type.Literal('sql'), sql: Type.String({ maxLength: 20_000 }), dimensions: Opt(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 3 })) }, { additionalProperties: false }),
]);
const Body = Type.Object({
  code: Type.String({ maxLength: 41 }), name: Type.String({ maxLength: 100 }), departmentId: Opt(Uuid), description: Opt(Type.String({ maxLength: 4000 })),
  unit: Opt(Type.String({ maxLength: 20 })), cycle: Opt(Type.String({ maxLength: 20 })), keywords: Opt(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 20 })),
  query: Query, trigger: Opt(Literals(['manual', 'schedule', 'arrival'] as const)), schedule: Opt(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
}, { additionalProperties: false });
const Any = Type.Any();

/** The monitoring API (一网统管): indicators and their series. */
export function monitorRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/indicators', { schema: { tags: TAGS, summary: '指标目录 / the indicator catalog', querystring: Type.Object({ department: Opt(Uuid), q: Opt(Type.String({ maxLength: 100 })) }), response: { 200: Any } } },
      async (req) => {
        callerOf(req);
        return indicators.list(ctx, req.query);
      });
    app.post('/indicators', { schema: { tags: TAGS, summary: '定义指标（构建器或受控 SQL）/ define an indicator', body: Body, response: { 201: Any } } },
      async (req, reply) => reply.code(201).send(await indicators.create(ctx, callerOf(req), req.body)));
    app.get('/indicators/:code', { schema: { tags: TAGS, summary: '指标定义 / an indicator', params: Code, response: { 200: Any } } },
      async (req) => indicators.get(ctx, callerOf(req), req.params.code));
    app.post('/indicators/:code/refresh', { schema: { tags: TAGS, summary: '立即计算 / refresh now', params: Code, response: { 200: Any } } },
      async (req) => indicators.refresh(ctx, callerOf(req), req.params.code));
    app.get('/indicators/:code/series', {
      schema: { tags: TAGS, summary: '时间序列（经守卫：本部门明文，其他部门须有授权）/ the series, through the guard', params: Code,
        querystring: Type.Object({ from: Opt(Type.String({ format: 'date-time' })), to: Opt(Type.String({ format: 'date-time' })), where: Opt(Type.String({ maxLength: 500, description: 'JSON: {"dimension":"value"}' })), limit: Opt(Type.Integer({ minimum: 1, maximum: 200_000 })) }),
        response: { 200: Any } },
    }, async (req) => {
      let where: Record<string, string> | undefined;
      if (req.query.where) {
        try { where = JSON.parse(req.query.where); } catch { where = undefined; }
        if (!where || typeof where !== 'object' || Array.isArray(where)) throw fieldProblem('where', '须为 JSON 对象，如 {"qy":"上城区"} / a JSON object of dimension values');
      }
      return indicators.series(ctx, callerOf(req), req.params.code, { ...req.query, where });
    });
  };
}
