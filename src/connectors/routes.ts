import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, problem, IdParams, Page, PageQuery, Uuid } from '../kernel/index.ts';
import { notices } from '../identity/index.ts';
import { PUSH_MAX_RECORDS } from './push/preparePush.ts';
import { pushRecords } from './push/pushRecords.ts';
import { SENSOR_DATASET } from './sensors/sensorFields.ts';
import { sources } from './sources.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Opt = <T extends TSchema>(t: T) => Type.Optional(t);

/** Settings of every kind in one schema (which apply depends on `kind`; checked by the service). */
const SettingsSchema = Type.Object({
  host: Opt(Type.String({ maxLength: 255 })), port: Opt(Type.Integer({ minimum: 1, maximum: 65535 })), user: Opt(Type.String({ maxLength: 128 })),
  database: Opt(Type.String({ maxLength: 128 })), ssl: Opt(Type.Boolean()),
  table: Opt(Nullable(Type.String({ maxLength: 200 }))), query: Opt(Nullable(Type.String({ maxLength: 20_000 }))),
  mapping: Opt(Type.Record(Type.String({ maxLength: 64 }), Nullable(Type.String({ maxLength: 63 })))),
  mode: Opt(Type.Union([Type.Literal('full'), Type.Literal('incremental')])), cursorColumn: Opt(Nullable(Type.String({ maxLength: 64 }))),
  refreshSchedule: Opt(Nullable(Type.String({ maxLength: 100 }))),
  batchRows: Opt(Type.Integer({ minimum: 1, maximum: 10_000_000 })), splitColumn: Opt(Nullable(Type.String({ maxLength: 64 }))),
  parallel: Opt(Type.Integer({ minimum: 1, maximum: 16 })), throttleRowsPerSecond: Opt(Type.Number({ minimum: 0 })),
  retry: Opt(Type.Object({ attempts: Type.Integer(), baseMs: Type.Integer(), maxMs: Type.Integer() }, { additionalProperties: false })),
  errorLimit: Opt(Type.Object({ count: Opt(Type.Integer({ minimum: 0 })), share: Opt(Type.Number({ minimum: 0, maximum: 1 })) }, { additionalProperties: false })),
  url: Opt(Type.String({ maxLength: 500 })), username: Opt(Nullable(Type.String({ maxLength: 128 }))),
  topics: Opt(Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 50 })), clientId: Opt(Type.String({ maxLength: 128 })),
  topicTemplate: Opt(Nullable(Type.String({ maxLength: 500 }))), batchSeconds: Opt(Type.Number({ minimum: 0.05, maximum: 3600 })),
  batchMessages: Opt(Type.Integer({ minimum: 1, maximum: 1_000_000 })), protocolVersion: Opt(Type.Union([Type.Literal(4), Type.Literal(5)])),
}, { additionalProperties: false });

const Kind = Type.Union([Type.Literal('mysql'), Type.Literal('postgres'), Type.Literal('mqtt')]);
const SourceSchema = Type.Object({
  id: Type.String(), name: Type.String(), kind: Type.String(), datasetId: Type.String(), datasetCode: Type.String(), departmentId: Type.String(),
  settings: SettingsSchema, hasPassword: Type.Boolean(), schedule: Nullable(Type.String()), enabled: Type.Boolean(),
  state: Type.Object({
    cursor: Opt(Nullable(Type.String())), segment: Opt(Type.Integer()), topics: Opt(Type.Array(Type.String())), lastVersion: Opt(Type.Integer()),
    lastSyncAt: Opt(Type.String()),
  }),
  createdBy: Nullable(Type.String()), createdAt: Type.String(), updatedAt: Type.String(),
});
const RunSchema = Type.Object({
  id: Type.String(), sourceId: Type.String(), trigger: Type.String(), mode: Nullable(Type.String()), status: Type.String(), startedAt: Type.String(), finishedAt: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()), rowsRead: Type.Integer(), rowsAccepted: Type.Integer(), rowsRejected: Type.Integer(), versions: Type.Integer(),
  jobIds: Type.Array(Type.String()), cursorFrom: Nullable(Type.String()), cursorTo: Nullable(Type.String()),
  progress: Nullable(Type.Object({ stage: Type.String(), rows: Type.Integer(), rowsPerSecond: Opt(Type.Integer()), at: Type.String() })),
  attempts: Type.Integer(), error: Nullable(Type.String()),
});
const TestResultSchema = Type.Object({
  ok: Type.Boolean(), columns: Opt(Type.Array(Type.String())), ms: Type.Integer(), error: Opt(Type.String()),
  stage: Opt(Type.Union([Type.Literal('connect'), Type.Literal('read')], { description: 'connect：未能连接或登录（统一提示）/ no connection or login (one message for all); read：已登录但读取失败 / logged in, reading failed' })),
});
const NoticeSchema = Type.Object({
  id: Type.String(), kind: Type.String(), title: Type.String(), body: Type.String(), objectType: Nullable(Type.String()), objectId: Nullable(Type.String()),
  count: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String(), readAt: Nullable(Type.String()),
});
const PushResultSchema = Type.Object({
  status: Type.String(), records: Type.Integer(), accepted: Type.Integer(), rejected: Type.Integer(), version: Nullable(Type.Integer()),
  jobId: Nullable(Type.String()), errorsTruncated: Type.Boolean(), ignoredFields: Type.Array(Type.String()),
  errors: Type.Array(Type.Object({ index: Type.Integer(), field: Nullable(Type.String()), rule: Type.String(), reason: Nullable(Type.String()), value: Nullable(Type.String()) })),
});
const Password = Opt(Nullable(Type.String({ maxLength: 500 })));
export const SourceBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }), datasetCode: Type.String({ minLength: 1, maxLength: 64 }), kind: Kind,
  settings: SettingsSchema, password: Password, schedule: Opt(Nullable(Type.String({ maxLength: 200 }))), enabled: Opt(Type.Boolean()),
}, { additionalProperties: false });
export const SourcePatchBody = Type.Object({
  name: Opt(Type.String({ minLength: 1, maxLength: 100 })), settings: Opt(SettingsSchema), password: Password,
  schedule: Opt(Nullable(Type.String({ maxLength: 200 }))), enabled: Opt(Type.Boolean()), resetCursor: Opt(Type.Boolean()),
}, { additionalProperties: false });
const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/json-lines'];

const PUSH_DOC = `JSON 数组（或 {"records": [...]}）或 NDJSON（Content-Type: application/x-ndjson），每次至多 ${PUSH_MAX_RECORDS} 条。
按数据集的数据元、清洗与校验规则检查；通过的记录写入新版本（有主键时按主键合并），被拒绝的记录进入隔离区并按序号返回错误。
Idempotency-Key 头：同一调用者以相同的键和相同的内容重试时返回相同结果，不会重复写入（24 小时内）。
A JSON array of records or NDJSON; accepted records land in a new version, rejected ones are answered by index (index, field, rule, reason, value).`;

/** Connectors API: sources (databases, sensors), their runs, notices, and the push API. */
export function sourceRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));

    app.get('/sources', {
      schema: {
        tags: ['sources'], summary: '数据源列表 / list sources',
        querystring: Type.Intersect([PageQuery, Type.Object({ dataset: Opt(Type.String({ maxLength: 64 })), kind: Opt(Kind) })]),
        response: { 200: Page(SourceSchema) },
      },
    }, (req) => sources.list(ctx, callerOf(req), { dataset: req.query.dataset, kind: req.query.kind, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));

    app.post('/sources', {
      schema: {
        tags: ['sources'], summary: '新建数据源 / create a source', description: '密码加密保存，不会再返回 / the password is stored encrypted and never returned',
        body: SourceBody,
        response: { 201: SourceSchema },
      },
    }, async (req, reply) => reply.code(201).send(await sources.create(ctx, callerOf(req), req.body)));

    app.get('/sources/sensor-template', {
      schema: {
        tags: ['sources'], summary: '传感器数据集字段模板 / fields of a sensor dataset',
        response: {
          200: Type.Object({
            fields: Type.Array(Type.Object({ name: Type.String(), title: Type.String(), type: Type.String(), required: Opt(Type.Boolean()), sensitivity: Type.String() })),
            primaryKey: Type.Array(Type.String()),
          }),
        },
      },
    }, async () => SENSOR_DATASET);

    app.post('/sources/test', {
      schema: {
        tags: ['sources'], summary: '测试连接（保存前，仅管理员）/ test settings before saving (admins)',
        description: '每用户每分钟限次（GOVHUB_SOURCE_TESTS_PER_MINUTE）；任何连接失败都返回同一提示 / rate-limited per user; every failed connection answers the same message',
        body: Type.Object({ datasetCode: Type.String({ minLength: 1, maxLength: 64 }), kind: Kind, settings: SettingsSchema, password: Password }, { additionalProperties: false }),
        response: { 200: TestResultSchema },
      },
    }, (req) => sources.test(ctx, callerOf(req), req.body));

    app.get('/sources/:id', { schema: { tags: ['sources'], summary: '数据源 / a source', params: IdParams, response: { 200: SourceSchema } } },
      (req) => sources.get(ctx, callerOf(req), req.params.id));

    app.patch('/sources/:id', {
      schema: {
        tags: ['sources'], summary: '修改数据源 / edit a source', params: IdParams,
        body: SourcePatchBody,
        response: { 200: SourceSchema },
      },
    }, (req) => sources.update(ctx, callerOf(req), req.params.id, req.body));

    app.delete('/sources/:id', { schema: { tags: ['sources'], summary: '删除数据源 / delete a source', params: IdParams } },
      async (req, reply) => {
        await sources.remove(ctx, callerOf(req), req.params.id);
        return reply.code(204).send();
      });

    app.post('/sources/:id/test', {
      schema: {
        tags: ['sources'], summary: '测试连接 / test a saved source (optionally with changed settings)', params: IdParams,
        description: '更改连接目标（主机、端口、数据库、用户名、SSL；传感器为地址与用户名）仅限管理员，且须在同一请求中重新输入密码 / changing the target is for admins and needs the password in the same request',
        body: Opt(Type.Object({ settings: Opt(SettingsSchema), password: Password }, { additionalProperties: false })),
        response: { 200: TestResultSchema },
      },
    }, (req) => sources.test(ctx, callerOf(req), { id: req.params.id, ...req.body }));

    app.post('/sources/:id/run', {
      schema: {
        tags: ['sources'], summary: '立即同步 / run now',
        description: '202：后台运行，轮询运行记录查看进度；wait=true 时等待结束；full=true 对增量数据源做一次全量校准（读取全部行、替换数据集、移除源端已删除的行并前移游标）/ 202: runs in the background; wait=true waits for the end; full=true runs a full refresh of an incremental source (every row, replaces the dataset, drops rows deleted at the source, moves the cursor)',
        params: IdParams, querystring: Type.Object({ wait: Opt(Type.Boolean()), full: Opt(Type.Boolean()) }), response: { 200: RunSchema, 202: RunSchema },
      },
    }, async (req, reply) => {
      const run = await sources.runNow(ctx, callerOf(req), req.params.id, { wait: req.query.wait, full: req.query.full });
      return reply.code(req.query.wait ? 200 : 202).send(run);
    });

    app.get('/sources/:id/runs', {
      schema: { tags: ['sources'], summary: '运行记录 / run history', params: IdParams, querystring: PageQuery, response: { 200: Page(RunSchema) } },
    }, (req) => sources.runs(ctx, callerOf(req), req.params.id, { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));

    app.get('/sources/:id/runs/:runId', {
      schema: { tags: ['sources'], summary: '一次运行（含实时进度）/ one run, with live progress', params: Type.Object({ id: Uuid, runId: Uuid }), response: { 200: RunSchema } },
    }, (req) => sources.run(ctx, callerOf(req), req.params.id, req.params.runId));

    app.get('/notices', {
      schema: {
        tags: ['notices'], summary: '我的通知 / my notices',
        querystring: Type.Intersect([PageQuery, Type.Object({ unread: Opt(Type.Boolean()) })]),
        response: { 200: Type.Object({ items: Type.Array(NoticeSchema), total: Type.Integer(), unread: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) },
      },
    }, (req) => notices.list(ctx, callerOf(req), { unread: req.query.unread, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));

    app.post('/notices/:id/read', { schema: { tags: ['notices'], summary: '标为已读 / mark read', params: IdParams, response: { 200: NoticeSchema } } },
      (req) => notices.markRead(ctx, callerOf(req), req.params.id));

    app.post('/notices/read-all', { schema: { tags: ['notices'], summary: '全部标为已读 / mark all read', response: { 200: Type.Object({ marked: Type.Integer() }) } } },
      (req) => notices.markAllRead(ctx, callerOf(req)));

    app.post('/datasets/:code/records', {
      schema: {
        tags: ['ingest'], summary: '推送记录 / push records', description: PUSH_DOC, params: CodeParams,
        consumes: ['application/json', ...NDJSON_TYPES],
        headers: Type.Object({ 'idempotency-key': Opt(Type.String({ minLength: 1, maxLength: 255 })) }),
        response: { 200: PushResultSchema },
      },
    }, async (req, reply) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (typeof req.body === 'string' && !NDJSON_TYPES.includes(type))
        throw problem('unsupported-media-type', `请使用 application/json 或 application/x-ndjson / use application/json or application/x-ndjson, not ${type}`);
      const key = req.headers['idempotency-key'];
      const { result, replayed } = await pushRecords(ctx, callerOf(req), req.params.code, req.body, { idempotencyKey: typeof key === 'string' ? key : undefined });
      if (replayed) reply.header('idempotent-replayed', 'true');
      return result;
    });
  };
}
