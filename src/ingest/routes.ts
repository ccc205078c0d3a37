import multipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, type Ctx, Problem, callerOf, IdParams, Page, PageQuery } from '../kernel/index.ts';
import { ingestFile, ingestTarget } from './jobs/ingestFile.ts';
import { ingestJobs, jobById } from './jobs/jobs.ts';
import { maxUploadBytes } from './limits.ts';
import { previewFile } from './jobs/preview.ts';
import { quarantine } from './jobs/quarantineRead.ts';
import { ingestSettings } from './jobs/settings.ts';
import { JOB_ORIGINS, JOB_OUTCOMES, type IngestInput } from './types.ts';
import type { Readable } from 'node:stream';
import { receiveUpload, uploadOptions } from './jobs/upload.ts';

/** A CSV download: a string in the OpenAPI document, a stream when sent (streams are not serialised). */
const CsvStream = Type.Unsafe<Readable>(Type.String({ description: 'CSV' }));

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Scores = Type.Record(Type.String(), Nullable(Type.Number()));
const Counts = Type.Record(Type.String(), Type.Integer());
const QualitySchema = Type.Object({
  rows: Type.Integer(), scores: Scores, score: Type.Number(), failures: Counts,
  fields: Type.Array(Type.Object({ field: Type.String(), title: Type.String(), filled: Type.Integer(), failures: Counts, scores: Scores, score: Nullable(Type.Number()) })),
});
export const IngestJobSchema = Type.Object({
  jobId: Type.String(), datasetId: Type.String(), datasetCode: Type.String(), status: Type.String(),
  outcome: Type.String({ description: '结果：running 进行中、succeeded 成功、partial 部分成功（有被拒绝的行）、failed 失败 / running, succeeded, partial (rows were rejected), failed' }),
  origin: Type.String({ description: '来源：upload 上传、cli 命令行、source 数据源、push 推送接口、demo 示范数据 / upload, cli, source (a connector), push (the push API), demo' }),
  mode: Type.String(), sourceName: Type.String(),
  format: Nullable(Type.String()), encoding: Nullable(Type.String()), delimiter: Nullable(Type.String()),
  rowsRead: Type.Integer(), accepted: Type.Integer(), rejected: Type.Integer(), version: Nullable(Type.Integer()), seconds: Type.Number(),
  quality: Nullable(QualitySchema), quarantineFile: Nullable(Type.String()), quarantineRows: Type.Integer(),
  mapping: Nullable(Type.Record(Type.String(), Nullable(Type.String()))), error: Nullable(Type.String()), retryOf: Nullable(Type.String()),
  createdBy: Nullable(Type.String()), createdAt: Type.String(), startedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()),
  progress: Nullable(Type.Object({ stage: Type.String(), percent: Type.Number(), rows: Type.Optional(Type.Integer()) })),
});
const ColumnMatchSchema = Type.Object({ header: Type.String(), field: Nullable(Type.String()), by: Nullable(Type.String()) });
const PreviewSchema = Type.Object({
  format: Type.String(), encoding: Nullable(Type.String()), delimiter: Nullable(Type.String()), sheet: Nullable(Type.String()),
  sheets: Nullable(Type.Array(Type.String())), headers: Type.Array(Type.String()), columns: Type.Array(ColumnMatchSchema),
  rows: Type.Array(Type.Array(Nullable(Type.String()))),
  unmappedFields: Type.Array(Type.Object({ name: Type.String(), title: Type.String(), required: Type.Boolean() })),
});
const FieldCleaning = Type.Object({
  trim: Type.Optional(Type.Boolean()), halfWidth: Type.Optional(Type.Boolean()), normalize: Type.Optional(Type.Boolean()), date: Type.Optional(Type.Boolean()),
  codeMap: Type.Optional(Nullable(Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 })))),
}, { additionalProperties: false });
const FieldRulesSchema = Type.Object({
  pattern: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))), enum: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10000 }))),
  min: Type.Optional(Nullable(Type.Union([Type.Number(), Type.String({ maxLength: 40 })]))), max: Type.Optional(Nullable(Type.Union([Type.Number(), Type.String({ maxLength: 40 })]))),
  minLength: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))), maxLength: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
}, { additionalProperties: false });
const RulesSchema = Type.Object({
  fields: Type.Optional(Type.Record(Type.String(), FieldRulesSchema)),
  references: Type.Optional(Type.Array(Type.Object({
    fields: Type.Array(Type.String(), { minItems: 1, maxItems: 8 }), dataset: Type.String({ maxLength: 64 }), key: Type.Optional(Type.Array(Type.String(), { maxItems: 8 })),
  }, { additionalProperties: false }), { maxItems: 20 })),
  unique: Type.Optional(Type.Array(Type.String(), { maxItems: 8 })),
}, { additionalProperties: false });
const SettingsViewSchema = Type.Object({
  dataset: Type.String(),
  fields: Type.Array(Type.Object({
    field: Type.String(), title: Type.String(), type: Type.String(), element: Nullable(Type.String()), required: Type.Boolean(),
    cleaning: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), enabled: Type.Boolean(), default: Type.Boolean() })),
    codeMap: Nullable(Type.Record(Type.String(), Type.String())), rules: FieldRulesSchema,
  })),
  unique: Type.Array(Type.String()), references: Type.Optional(RulesSchema.properties.references),
  saved: Type.Object({ cleaning: Type.Record(Type.String(), FieldCleaning), rules: RulesSchema }),
});
const QuarantineEntrySchema = Type.Object({
  row: Type.Integer(), field: Nullable(Type.String()), header: Nullable(Type.String()), rule: Type.String(), reason: Nullable(Type.String()),
  message: Type.String({ description: '原因（用户语言）/ the failure in words' }), value: Nullable(Type.String()), record: Nullable(Type.String()),
});
const QuarantinePageSchema = Type.Object({
  items: Type.Array(QuarantineEntrySchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(),
  masked: Type.Boolean({ description: '是否已脱敏（所属部门以外的读者）/ values shown masked (readers outside the owning department)' }),
  maskedFields: Type.Array(Type.String()),
});
const QuarantineRowsSchema = Type.Object({
  columns: Type.Array(Type.String(), { description: '原文件的列（按顺序）/ the file\'s columns, in order' }),
  items: Type.Array(Type.Object({
    row: Type.Integer(), values: Type.Record(Type.String(), Nullable(Type.String())), raw: Nullable(Type.String()),
    failures: Type.Array(Type.Object({ field: Nullable(Type.String()), header: Nullable(Type.String()), rule: Type.String(), reason: Nullable(Type.String()), message: Type.String({ description: '原因，“中文 / English” / the failure in words, "Chinese / English"' }) })),
  })),
  total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), masked: Type.Boolean(), maskedFields: Type.Array(Type.String()),
});
const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const UPLOAD_DOC = 'multipart/form-data：file（文件）及可选字段 mode、format、encoding、delimiter、sheet、errorLimit（100 / 5% / JSON）、mapping、cleaning、rules（JSON）。请求头 Prefer: respond-async 时，任务登记后即返回 202 与 Location（任务地址，progress 显示阶段与进度）/ with Prefer: respond-async the answer is 202 with the job in Location once it is recorded; poll it (progress shows stage and percent)';

/** Does the client ask for an asynchronous answer (RFC 7240 `Prefer: respond-async`)? */
function respondAsync(req: FastifyRequest): boolean {
  return String(req.headers.prefer ?? '').split(/[,;]/).some((p) => p.trim().toLowerCase() === 'respond-async');
}

/**
 * Run an uploaded file's ingest. By default the answer is the finished job (201). With
 * `Prefer: respond-async` the answer is 202 as soon as the job is recorded, with `Location` naming
 * the job to poll (its `progress` shows the stage and percent); the work goes on in the background
 * and the upload is removed when it ends. Input the job cannot start with still answers 4xx.
 */
async function answerUpload(ctx: Ctx, caller: Caller, req: FastifyRequest, reply: FastifyReply, up: { cleanup: () => void }, input: IngestInput) {
  if (!respondAsync(req)) {
    try {
      return reply.code(201).send(await ingestFile(ctx, caller, input));
    } finally {
      up.cleanup();
    }
  }
  let started!: (id: string) => void;
  const recorded = new Promise<string>((resolve) => { started = resolve; });
  const run = ingestFile(ctx, caller, { ...input, onStart: started });
  run.catch((err) => { if (!(err instanceof Problem)) ctx.log.error({ err }, 'background ingest failed'); }).finally(() => up.cleanup());
  const jobId = await Promise.race([recorded, run.then((j) => j.jobId)]);
  reply.header('Location', `/api/v1/ingest/jobs/${jobId}`).header('Preference-Applied', 'respond-async');
  return reply.code(202).send((await jobById(ctx.db, jobId))!);
}

/** Ingest API: uploads, previews, jobs, quarantine downloads and the cleaning / rule settings. */
export function ingestRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: maxUploadBytes(), files: 1, fields: 30, fieldSize: 1024 * 1024, parts: 32 }, throwFileSizeLimit: true });

    app.post('/datasets/:code/ingest', {
      bodyLimit: maxUploadBytes(),
      schema: { tags: ['ingest'], summary: '上传文件导入数据集 / ingest an uploaded file', description: UPLOAD_DOC, consumes: ['multipart/form-data'], params: CodeParams, response: { 201: IngestJobSchema, 202: IngestJobSchema } },
    }, async (req, reply) => {
      const caller = callerOf(req);
      await ingestTarget(ctx, caller, req.params.code);
      const up = await receiveUpload(req, ctx.config.dataDir);
      return answerUpload(ctx, caller, req, reply, up, { datasetCode: req.params.code, file: up.file, sourceName: up.filename, origin: 'upload', ...uploadOptions(up.fields) });
    });

    app.post('/datasets/:code/ingest/preview', {
      bodyLimit: maxUploadBytes(),
      schema: { tags: ['ingest'], summary: '预览文件与字段对应 / preview a file and its column mapping', description: UPLOAD_DOC, consumes: ['multipart/form-data'], params: CodeParams, response: { 200: PreviewSchema } },
    }, async (req) => {
      const caller = callerOf(req);
      await ingestTarget(ctx, caller, req.params.code);
      const up = await receiveUpload(req, ctx.config.dataDir);
      try {
        const { mode: _m, errorLimit: _e, cleaning: _c, rules: _r, ...o } = uploadOptions(up.fields);
        return await previewFile(ctx, caller, { datasetCode: req.params.code, file: up.file, sourceName: up.filename, ...o });
      } finally {
        up.cleanup();
      }
    });

    app.get('/datasets/:code/ingest/settings', {
      schema: { tags: ['ingest'], summary: '清洗与校验规则 / cleaning and validation rules', params: CodeParams, response: { 200: SettingsViewSchema } },
    }, (req) => ingestSettings.get(ctx, callerOf(req), req.params.code));

    app.put('/datasets/:code/ingest/settings', {
      schema: {
        tags: ['ingest'], summary: '修改清洗与校验规则 / change cleaning and validation rules', params: CodeParams,
        body: Type.Object({ cleaning: Type.Optional(Type.Record(Type.String(), FieldCleaning)), rules: Type.Optional(RulesSchema) }, { additionalProperties: false }),
        response: { 200: SettingsViewSchema },
      },
    }, (req) => ingestSettings.update(ctx, callerOf(req), req.params.code, req.body));

    app.get('/ingest/jobs', {
      schema: {
        tags: ['ingest'], summary: '导入任务 / ingest jobs',
        querystring: Type.Intersect([PageQuery, Type.Object({
          dataset: Type.Optional(Type.String({ maxLength: 64 })), status: Type.Optional(Type.Union(['queued', 'running', 'succeeded', 'failed'].map((s) => Type.Literal(s)))),
          outcome: Type.Optional(Type.Union(JOB_OUTCOMES.map((s) => Type.Literal(s)), { description: '按结果筛选（partial：部分成功）/ by outcome (partial: rows were rejected)' })),
          origin: Type.Optional(Type.Union(JOB_ORIGINS.map((s) => Type.Literal(s)), { description: '按来源筛选 / by origin' })),
          source: Type.Optional(Type.String({ maxLength: 200, description: '某个数据源（名称）的任务 / the jobs of one connector source, by name' })),
        })]),
        response: { 200: Page(IngestJobSchema) },
      },
    }, (req) => ingestJobs.list(ctx, callerOf(req), { ...req.query, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));

    app.get('/ingest/jobs/:id', { schema: { tags: ['ingest'], summary: '导入任务详情 / an ingest job', params: IdParams, response: { 200: IngestJobSchema } } },
      (req) => ingestJobs.get(ctx, callerOf(req), req.params.id));

    app.get('/ingest/jobs/:id/quarantine', {
      schema: {
        tags: ['ingest'], summary: '被拒绝的行（隔离区）/ rejected rows (quarantine)', params: IdParams,
        description: '所属部门看到原值（未脱敏），管理员看到 L3/L4 字段脱敏后的值；CSV 中以 = + - @ 开头的值加前导单引号，身份证号等长数字写作 ="…" 以免表格软件改写 / the owning department sees values in clear, admins see L3/L4 masked; in the CSV, cells starting = + - @ get a leading quote and long digit strings are written ="…" so spreadsheets keep them',
        querystring: Type.Intersect([PageQuery, Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) })]),
        response: { 200: Type.Union([QuarantinePageSchema, CsvStream]) },
      },
    }, async (req, reply) => {
      const caller = callerOf(req);
      if (req.query.format === 'csv') {
        const f = await quarantine.csv(ctx, caller, req.params.id);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="rejected-${req.params.id}.csv"; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
          .header('x-govhub-masked', String(f.masked))
          .send(f.stream);
      }
      return quarantine.entries(ctx, caller, req.params.id, { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
    });

    app.get('/ingest/jobs/:id/quarantine/rows', {
      schema: {
        tags: ['ingest'], summary: '被拒绝的行，按原文件的列 / rejected rows as the file had them',
        description: '每个源行一项：原文件各列的值（脱敏规则同上）、无法解析时的原始行（raw）及失败原因 / one item per source row: the values under the file\'s columns (masked as above), the raw line where it could not be parsed, and the failures in words',
        params: IdParams, querystring: PageQuery, response: { 200: QuarantineRowsSchema },
      },
    }, (req) => quarantine.rows(ctx, callerOf(req), req.params.id, { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));

    app.post('/ingest/jobs/:id/retry', {
      bodyLimit: maxUploadBytes(),
      schema: {
        tags: ['ingest'], summary: '以更正后的文件重新导入被拒绝的行 / re-ingest corrected rejected rows', description: UPLOAD_DOC,
        consumes: ['multipart/form-data'], params: IdParams, response: { 201: IngestJobSchema, 202: IngestJobSchema },
      },
    }, async (req, reply) => {
      const caller = callerOf(req);
      const prev = await ingestJobs.get(ctx, caller, req.params.id);
      const ds = await ingestTarget(ctx, caller, prev.datasetCode);
      const up = await receiveUpload(req, ctx.config.dataDir);
      const o = uploadOptions(up.fields);
      return answerUpload(ctx, caller, req, reply, up, {
        datasetCode: prev.datasetCode, file: up.file, sourceName: up.filename, retryOf: prev.jobId, ...o,
        // the corrected rows join what the first run accepted: upsert by key, else append
        mode: o.mode ?? (ds.primaryKey.length ? 'upsert' : 'append'),
        mapping: o.mapping ?? prev.mapping ?? undefined,
      });
    });
  };
}
