import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, Literals } from '../../kernel/index.ts';
import { FilterSchema } from '../../share/index.ts';
import { RULE_PAGE_MAX, rules } from './service.ts';
import { startRuleTriggers } from './triggers.ts';
import type { RuleInput } from './types.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Name = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' });
const Side = Type.Object({
  dataset: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: '数据集代码 / dataset code' }),
  where: Type.Optional(FilterSchema),
  age: Type.Optional(Type.Object({ field: Name, gte: Type.Optional(Type.Integer({ minimum: 0, maximum: 200 })), lt: Type.Optional(Type.Integer({ minimum: 0, maximum: 200 })), at: Type.Optional(Type.String({ pattern: '^\\d{2}-\\d{2}$' })) }, { additionalProperties: false })),
  recent: Type.Optional(Type.Object({ field: Name, days: Type.Integer({ minimum: 1, maximum: 36_600 }) }, { additionalProperties: false })),
}, { additionalProperties: false });
const Builder = Type.Object({
  mode: Type.Literal('builder'),
  shape: Literals(['filter', 'anti', 'semi', 'disagree', 'threshold'] as const),
  a: Side, b: Type.Optional(Side),
  on: Type.Optional(Type.Array(Type.Object({ a: Name, b: Name }, { additionalProperties: false }), { maxItems: 8 })),
  compare: Type.Optional(Type.Array(Type.Object({ a: Name, b: Name }, { additionalProperties: false }), { maxItems: 16 })),
  window: Type.Optional(Type.Object({ a: Name, b: Name, op: Literals(['after', 'before'] as const), days: Type.Optional(Type.Integer({ minimum: 0, maximum: 36_600 })) }, { additionalProperties: false })),
  threshold: Type.Optional(Type.Object({ groupBy: Type.Array(Name, { minItems: 1, maxItems: 8 }), measure: Literals(['count', 'sum'] as const), field: Type.Optional(Name), op: Literals(['>', '>='] as const), value: Type.Number() }, { additionalProperties: false })),
  fields: Type.Optional(Type.Array(Type.String({ pattern: '^(b\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$' }), { maxItems: 64 })),
}, { additionalProperties: false, description: '规则构建器 / builder query' });
const Sql = Type.Object({ mode: Type.Literal('sql'), sql: Type.String({ minLength: 1, maxLength: 20_000, description: '受控 SQL，{{as_of}} 为评估日期 / guarded SQL; {{as_of}} is the as-of date' }) }, { additionalProperties: false });
const Action = Type.Object({
  workOrder: Type.Optional(Type.Boolean()),
  webhook: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  notice: Type.Optional(Type.Object({ title: Type.String({ minLength: 1, maxLength: 200 }), body: Type.String({ minLength: 1, maxLength: 2000 }), channel: Type.Optional(Literals(['inbox', 'sms', 'webhook'] as const)) }, { additionalProperties: false })),
  grantWithoutApplication: Type.Optional(Type.Boolean()),
  priority: Type.Optional(Literals(['normal', 'urgent'] as const)),
  workingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
}, { additionalProperties: false });
const Body = Type.Object({
  code: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 100 }), description: Type.Optional(Type.String({ maxLength: 2000 })),
  kind: Literals(['collide', 'push'] as const), query: Type.Union([Builder, Sql]),
  key: Type.Array(Name, { minItems: 1, maxItems: 8, description: '识别一条发现的结果列 / result columns that identify one finding' }),
  subject: Type.Optional(Type.Object({ field: Name, kind: Literals(['person', 'enterprise'] as const) }, { additionalProperties: false })),
  ownerDepartment: Type.String({ maxLength: 64, description: '所属部门代码（以其授权读取）/ owner department code (reads under its grants)' }),
  responsibleDepartment: Type.String({ maxLength: 64, description: '责任部门代码 / responsible department code' }),
  trigger: Literals(['manual', 'schedule', 'arrival'] as const),
  schedule: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  asOf: Type.Optional(Nullable(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }))),
  action: Type.Optional(Action),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
const Dept = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() });
const Run = Type.Object({
  id: Type.String(), trigger: Type.String(), status: Type.String(), startedAt: Type.String(), finishedAt: Nullable(Type.String()),
  rows: Type.Integer(), counts: Type.Record(Type.String(), Type.Number()), versions: Type.Record(Type.String(), Type.Integer()), error: Nullable(Type.String()),
  cause: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
});
const Rule = Type.Object({
  id: Type.String(), code: Type.String(), name: Type.String(), description: Type.Optional(Type.String()), kind: Type.String(), query: Type.Unknown(), key: Type.Array(Type.String()),
  subject: Type.Optional(Type.Unknown()), ownerDepartment: Dept, responsibleDepartment: Dept, trigger: Type.String(), schedule: Type.Optional(Nullable(Type.String())),
  asOf: Type.Optional(Nullable(Type.String())), action: Type.Optional(Type.Unknown()), watches: Type.Array(Type.String()), enabled: Type.Boolean(),
  createdAt: Type.String(), updatedAt: Type.String(), lastRun: Nullable(Run),
});
const DryRun = Type.Object({
  rows: Type.Integer(), keys: Type.Integer({ description: '去重后的发现数 / distinct keys' }), complete: Type.Boolean(),
  columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })), versions: Type.Record(Type.String(), Type.Integer()),
  asOf: Type.String(), seconds: Type.Number(), sample: Type.Array(Type.Record(Type.String(), Type.Unknown())), sampleVisible: Type.Boolean(),
});
const IdParam = Type.Object({ id: Type.String({ maxLength: 64, description: '规则 id 或代码 / rule id or code' }) });
const PageQ = { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: RULE_PAGE_MAX })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })) };
const TAGS = ['rules'];

/**
 * The rules API (碰 · 推 · 嵌): define, try, run rules and read their runs. The plugin also starts the
 * rules' schedules and the arrival watcher of this server (GOVHUB_RULE_TRIGGERS=off: none).
 */
export function ruleRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    if (process.env.GOVHUB_RULE_TRIGGERS !== 'off') {
      const triggers = startRuleTriggers(ctx);
      app.addHook('onClose', async () => triggers.stop());
    }
    app.get('/rules', {
      schema: { tags: TAGS, summary: '规则列表 / list rules', querystring: Type.Object({ kind: Type.Optional(Literals(['collide', 'push'] as const)), trigger: Type.Optional(Literals(['manual', 'schedule', 'arrival'] as const)), q: Type.Optional(Type.String({ maxLength: 100 })), ...PageQ }),
        response: { 200: Type.Object({ items: Type.Array(Rule), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) } },
    }, (req) => rules.list(ctx, callerOf(req), req.query));
    app.post('/rules', {
      schema: { tags: TAGS, summary: '新建规则 / create a rule', body: Body, response: { 201: Rule } },
    }, async (req, reply) => reply.code(201).send(await rules.create(ctx, callerOf(req), req.body as RuleInput)));
    app.post('/rules/dry-run', {
      schema: { tags: TAGS, summary: '试运行（不保存，不产生发现）/ try a definition (nothing saved, nothing opened)', body: Type.Object({ ...Body.properties, code: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }), response: { 200: DryRun } },
    }, (req) => rules.dryRun(ctx, callerOf(req), { ...(req.body as RuleInput), code: (req.body as { code?: string }).code ?? 'DRY_RUN' }));
    app.get('/rules/:id', { schema: { tags: TAGS, summary: '规则详情 / one rule', params: IdParam, response: { 200: Rule } } }, (req) => rules.get(ctx, callerOf(req), req.params.id));
    app.put('/rules/:id', {
      schema: { tags: TAGS, summary: '修改规则 / change a rule', params: IdParam, body: Body, response: { 200: Rule } },
    }, (req) => rules.update(ctx, callerOf(req), req.params.id, req.body as RuleInput));
    app.post('/rules/:id/run', { schema: { tags: TAGS, summary: '立即运行 / run now', params: IdParam, response: { 200: Run } } }, (req) => rules.run(ctx, callerOf(req), req.params.id));
    app.get('/rules/:id/runs', {
      schema: { tags: TAGS, summary: '运行记录 / runs', params: IdParam, querystring: Type.Object(PageQ), response: { 200: Type.Object({ items: Type.Array(Run), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) } },
    }, (req) => rules.runs(ctx, callerOf(req), req.params.id, req.query));
  };
}
