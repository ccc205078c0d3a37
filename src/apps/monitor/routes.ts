import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, fieldProblem, Literals, Uuid } from '../../kernel/index.ts';
import { alertCentre, alertRules, LEVELS } from './alerts.ts';
import { forecastIndicator, FORECAST_STEPS_MAX } from './forecastSeries.ts';
import { AGGREGATES, GRAINS, indicators } from './indicators.ts';
import { startMonitorTriggers } from './triggers.ts';

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
const Condition = Type.Union([
  Type.Object({ kind: Type.Literal('threshold'), op: Literals(['>', '>=', '<', '<='] as const), limit: Type.Number(), forMinutes: Opt(Type.Number({ minimum: 0 })), clearLimit: Opt(Type.Number()), clearForMinutes: Opt(Type.Number({ minimum: 0 })) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('rate'), windowMinutes: Type.Number({ exclusiveMinimum: 0 }), maxChange: Opt(Type.Number()), maxPct: Opt(Type.Number()) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('seasonal'), threshold: Opt(Type.Number({ exclusiveMinimum: 0 })) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('forecast'), op: Opt(Literals(['>', '<'] as const)), limit: Type.Number(), withinSteps: Type.Integer({ minimum: 1, maximum: 168 }) }, { additionalProperties: false }),
]);
const RuleBody = Type.Object({
  code: Type.String({ maxLength: 41 }), name: Type.String({ maxLength: 100 }), indicator: Type.String({ maxLength: 45 }), level: Literals(LEVELS), condition: Condition,
  responsibleDepartmentId: Opt(Type.Union([Uuid, Type.Null()])), workOrder: Opt(Type.Boolean()), escalateMinutes: Opt(Type.Union([Type.Integer({ minimum: 1, maximum: 10_080 }), Type.Null()])), enabled: Opt(Type.Boolean()),
}, { additionalProperties: false });

/** A `where` query parameter: a JSON object of dimension values. */
function whereOf(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  let where: unknown;
  try { where = JSON.parse(text); } catch { where = undefined; }
  if (!where || typeof where !== 'object' || Array.isArray(where)) throw fieldProblem('where', '须为 JSON 对象，如 {"qy":"上城区"} / a JSON object of dimension values');
  return where as Record<string, string>;
}

/** The monitoring API (一网统管): indicators and their series. */
export function monitorRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    if (process.env.GOVHUB_RULE_TRIGGERS !== 'off') {
      const triggers = startMonitorTriggers(ctx);
      app.addHook('onClose', async () => triggers.stop());
    }
    app.get('/indicators', { schema: { tags: TAGS, summary: '指标目录 / the indicator catalog', querystring: Type.Object({ department: Opt(Uuid), q: Opt(Type.String({ maxLength: 100 })) }), response: { 200: Any } } },
      async (req) => {
        callerOf(req);
        return indicators.list(ctx, req.query);
      });
    app.post('/indicators', { schema: { tags: TAGS, summary: '定义指标（构建器或受控 SQL）/ define an indicator', body: Body, response: { 201: Any } } },
      async (req, reply) => reply.code(201).send(await indicators.create(ctx, callerOf(req), req.body)));
    app.get('/indicators/:code', { schema: { tags: TAGS, summary: '指标定义 / an indicator', params: Code, response: { 200: Any } } },
      async (req) => indicators.get(ctx, callerOf(req), req.params.code));
    app.post('/indicators/:code/refresh', { schema: { tags: TAGS, summary: '立即计算（并评估其告警规则）/ refresh now (and evaluate its alert rules)', params: Code, response: { 200: Any } } },
      async (req) => {
        const ind = await indicators.refresh(ctx, callerOf(req), req.params.code);
        await alertRules.evaluateIndicator(ctx, ind.code);
        return ind;
      });
    app.get('/indicators/:code/series', {
      schema: { tags: TAGS, summary: '时间序列（经守卫：本部门明文，其他部门须有授权）/ the series, through the guard', params: Code,
        querystring: Type.Object({ from: Opt(Type.String({ format: 'date-time' })), to: Opt(Type.String({ format: 'date-time' })), where: Opt(Type.String({ maxLength: 500, description: 'JSON: {"dimension":"value"}' })), limit: Opt(Type.Integer({ minimum: 1, maximum: 200_000 })) }),
        response: { 200: Any } },
    }, async (req) => {
      return indicators.series(ctx, callerOf(req), req.params.code, { ...req.query, where: whereOf(req.query.where) });
    });

    app.get('/indicators/:code/forecast', {
      schema: { tags: TAGS, summary: '预测（带预测区间；有维度时选定一条序列）/ forecast with intervals (one series when it has dimensions)', params: Code,
        querystring: Type.Object({ steps: Opt(Type.Integer({ minimum: 1, maximum: FORECAST_STEPS_MAX, default: 24 })), where: Opt(Type.String({ maxLength: 500, description: 'JSON: {"dimension":"value"}' })), level: Opt(Type.Number({ minimum: 0.5, maximum: 0.99 })) }),
        response: { 200: Any } },
    }, async (req) => forecastIndicator(ctx, callerOf(req), req.params.code, { steps: req.query.steps, level: req.query.level, where: whereOf(req.query.where) }));

    app.get('/alert-rules', { schema: { tags: TAGS, summary: '告警规则 / alert rules', response: { 200: Any } } }, async (req) => alertRules.list(ctx, callerOf(req)));
    app.post('/alert-rules', { schema: { tags: TAGS, summary: '新建告警规则 / create an alert rule', body: RuleBody, response: { 201: Any } } },
      async (req, reply) => reply.code(201).send(await alertRules.create(ctx, callerOf(req), req.body)));
    app.post('/alert-rules/backtest', {
      schema: { tags: TAGS, summary: '回测：历史上会触发几次 / back-test: how often it would have fired', body: Type.Object({ indicator: Type.String({ maxLength: 45 }), condition: Condition, from: Opt(Type.String({ format: 'date-time' })), to: Opt(Type.String({ format: 'date-time' })) }, { additionalProperties: false }), response: { 200: Any } },
    }, async (req) => alertRules.backtest(ctx, callerOf(req), req.body));
    app.post('/alert-rules/:code/evaluate', { schema: { tags: TAGS, summary: '立即评估 / evaluate now', params: Code, response: { 200: Any } } }, async (req) => {
      const rule = await alertRules.get(ctx, req.params.code);
      const caller = callerOf(req);
      if (!(caller.role === 'admin' || caller.departmentId === rule.departmentId)) throw fieldProblem('code', '只能评估本部门的规则 / only your department\'s rules');
      return alertRules.evaluate(ctx, rule.code);
    });
    app.get('/alerts', { schema: { tags: TAGS, summary: '告警中心 / the alert centre', querystring: Type.Object({ state: Opt(Literals(['firing', 'acknowledged', 'resolved'] as const)), level: Opt(Literals(LEVELS)), limit: Opt(Type.Integer({ minimum: 1, maximum: 500 })) }), response: { 200: Any } } },
      async (req) => alertCentre.list(ctx, callerOf(req), req.query));
    app.post('/alerts/:id/acknowledge', { schema: { tags: TAGS, summary: '认领告警 / acknowledge', params: Type.Object({ id: Uuid }), response: { 204: Type.Null() } } }, async (req, reply) => {
      await alertCentre.acknowledge(ctx, callerOf(req), req.params.id);
      return reply.code(204).send(null);
    });
    app.post('/alert-silences', {
      schema: { tags: TAGS, summary: '静默 / 维护窗口 / silence alerts (maintenance window)', body: Type.Object({ rule: Opt(Type.Union([Type.String({ maxLength: 45 }), Type.Null()])), series: Opt(Type.Record(Type.String(), Type.String())), startsAt: Type.String({ format: 'date-time' }), endsAt: Type.String({ format: 'date-time' }), reason: Type.String({ maxLength: 500 }) }, { additionalProperties: false }), response: { 201: Any } },
    }, async (req, reply) => reply.code(201).send({ id: await alertCentre.silence(ctx, callerOf(req), req.body) }));
  };
}
