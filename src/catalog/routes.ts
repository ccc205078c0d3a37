import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, Literals, Page, PageQuery } from '../kernel/index.ts';
import { DATASET_CODE, datasetAdmin, datasets } from './datasets.ts';
import { FIELD_TYPES, type FieldType } from './fields.ts';
import { MASK_KINDS } from '../lake/index.ts';
import { searchRoutes } from './search/routes.ts';
import { catalogReview } from './review.ts';
import { lineage } from './lineage.ts';

const SENSITIVITIES = ['L1', 'L2', 'L3', 'L4'] as const;
const FieldSchema = Type.Object({
  name: Type.String(), title: Type.String(), type: Type.String(), element: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  required: Type.Optional(Type.Boolean()), sensitivity: Literals(SENSITIVITIES), mask: Type.Optional(Type.String()), description: Type.Optional(Type.String()),
  open: Type.Optional(Type.String()),
}, { $id: 'DatasetField' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const ContactSchema = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 100 })), phone: Type.Optional(Type.String({ maxLength: 40 })), email: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export const CATEGORIES = ['base', 'theme', 'department'] as const;
export const RESOURCE_FORMATS = ['database', 'spreadsheet', 'file', 'api', 'stream', 'image'] as const;
export const SHARE_METHODS = ['api', 'download', 'exchange'] as const;
export const OPEN_RULES = ['keep', 'mask', 'drop'] as const;
export const DatasetSchema = Type.Object({
  id: Type.String(), code: Type.String(), name: Type.String(), description: Type.String(), departmentId: Type.String(),
  departmentCode: Type.String(), departmentName: Type.String(), theme: Type.Union([Type.String(), Type.Null()]), layer: Type.String(),
  primaryKey: Type.Array(Type.String()), updateCycle: Type.Union([Type.String(), Type.Null()]), shareType: Type.String(), openType: Type.String(),
  important: Type.Boolean(), core: Type.Boolean(), fields: Type.Array(FieldSchema), currentVersion: Type.Integer(), rowCount: Type.Integer(),
  createdAt: Type.String(), updatedAt: Type.String(),
  category: Type.String(), resourceFormat: Type.String(), shareCondition: Nullable(Type.String()), shareMethod: Nullable(Type.String()),
  shareBasis: Nullable(Type.String()), openCondition: Nullable(Type.String()), keywords: Type.Array(Type.String()), contact: Nullable(ContactSchema),
  licence: Nullable(Type.String()), status: Type.String(), reviewNote: Nullable(Type.String()), publishedAt: Nullable(Type.String()),
  quality: Nullable(Type.Number()), dataUpdatedAt: Nullable(Type.String()),
}, { $id: 'Dataset' });
/** A version as the catalog shows it; the workings (files, writer, job, source, quality) only to its department and admins. */
const VersionSchema = Type.Object({
  version: Type.Integer(), parentVersion: Type.Union([Type.Integer(), Type.Null()]), mode: Type.String(),
  schema: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })), rowCount: Type.Integer(), rowsAdded: Type.Integer(), createdAt: Type.String(),
  files: Type.Optional(Type.Array(Type.Object({ path: Type.String(), rows: Type.Integer(), bytes: Type.Integer() }))),
  jobId: Type.Optional(Type.Union([Type.String(), Type.Null()])), createdBy: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  sourceName: Type.Optional(Type.Union([Type.String(), Type.Null()])), quality: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
}, { $id: 'DatasetVersion' });
const FieldInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 63 }), title: Type.String({ minLength: 1, maxLength: 100 }),
  type: Literals(Object.keys(FIELD_TYPES) as FieldType[]), element: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  required: Type.Optional(Type.Boolean()), sensitivity: Literals(SENSITIVITIES),
  mask: Type.Optional(Literals(MASK_KINDS)),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  open: Type.Optional(Literals(OPEN_RULES)),
}, { additionalProperties: false });
export const DatasetBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64, pattern: DATASET_CODE.source }), name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 4000 })), departmentId: Type.String({ format: 'uuid' }),
  theme: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  layer: Type.Optional(Literals(['raw', 'standard', 'base', 'theme', 'business'])),
  primaryKey: Type.Optional(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 8 })), updateCycle: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  shareType: Type.Optional(Literals(['unconditional', 'conditional', 'none'])),
  openType: Type.Optional(Literals(['open', 'conditional', 'none'])),
  important: Type.Optional(Type.Boolean()), core: Type.Optional(Type.Boolean()),
  fields: Type.Array(FieldInput, { minItems: 1, maxItems: 1000 }),
  category: Type.Optional(Literals(CATEGORIES)), resourceFormat: Type.Optional(Literals(RESOURCE_FORMATS)),
  shareCondition: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))), shareMethod: Type.Optional(Nullable(Literals(SHARE_METHODS))),
  shareBasis: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))), openCondition: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 30 })),
  contact: Type.Optional(Nullable(ContactSchema)), licence: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
}, { additionalProperties: false });
const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });

export function catalogRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/datasets', {
      schema: {
        tags: ['datasets'], summary: '数据集列表 / list datasets',
        querystring: Type.Intersect([PageQuery, Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100, description: '代码、名称、描述、字段名、字段标题或数据元 / code, name, description, field name, field title or data element' })),
          departmentId: Type.Optional(Type.String({ format: 'uuid' })), layer: Type.Optional(Type.String({ maxLength: 16 })),
          shareType: Type.Optional(Type.Union(['unconditional', 'conditional', 'none'].map((l) => Type.Literal(l)))),
        })]),
        response: { 200: Page(DatasetSchema) },
      },
    }, (req) => datasets.list(ctx, callerOf(req), { ...req.query, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));
    app.post('/datasets', { schema: { tags: ['datasets'], summary: '登记数据集 / register a dataset', body: DatasetBody, response: { 201: DatasetSchema } } },
      async (req, reply) => reply.code(201).send(await datasetAdmin.create(ctx, callerOf(req), req.body)));
    app.patch('/datasets/:code', { schema: { tags: ['datasets'], summary: '修改数据集 / edit a dataset', params: CodeParams, body: Type.Partial(Type.Omit(DatasetBody, ['code']), { additionalProperties: false }), response: { 200: DatasetSchema } } },
      (req) => datasetAdmin.update(ctx, callerOf(req), req.params.code, req.body));
    app.get('/datasets/:code', { schema: { tags: ['datasets'], params: CodeParams, response: { 200: DatasetSchema } } },
      (req) => datasets.get(ctx, callerOf(req), req.params.code));
    const ReasonBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });
    app.post('/datasets/:code/submit', { schema: { tags: ['catalog'], summary: '提交目录审核 / submit the entry for review', params: CodeParams, response: { 200: DatasetSchema } } },
      (req) => catalogReview.submit(ctx, callerOf(req), req.params.code));
    app.post('/datasets/:code/publish', { schema: { tags: ['catalog'], summary: '审核通过并发布（管理员）/ publish (admin)', params: CodeParams, response: { 200: DatasetSchema } } },
      (req) => catalogReview.publish(ctx, callerOf(req), req.params.code));
    app.post('/datasets/:code/return', { schema: { tags: ['catalog'], summary: '退回并说明原因（管理员）/ return with a reason (admin)', params: CodeParams, body: ReasonBody, response: { 200: DatasetSchema } } },
      (req) => catalogReview.return(ctx, callerOf(req), req.params.code, req.body.reason));
    app.post('/datasets/:code/withdraw', { schema: { tags: ['catalog'], summary: '撤回发布（管理员）/ withdraw a published entry (admin)', params: CodeParams, body: ReasonBody, response: { 200: DatasetSchema } } },
      (req) => catalogReview.withdraw(ctx, callerOf(req), req.params.code, req.body.reason));
    app.get('/catalog/review', {
      schema: {
        tags: ['catalog'], summary: '审核队列：管理员看待审核条目，部门看本部门未发布条目 / review queue',
        querystring: Type.Intersect([PageQuery, Type.Object({ status: Type.Optional(Literals(['draft', 'submitted', 'published', 'returned'])) })]),
        response: { 200: Page(DatasetSchema) },
      },
    }, (req) => catalogReview.queue(ctx, callerOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, status: req.query.status }));
    const LineageSchema = Type.Object({
      dataset: Type.String(),
      nodes: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), label: Type.String(), detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())) })),
      edges: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), kind: Type.String() })),
    }, { $id: 'Lineage' });
    app.get('/datasets/:code/lineage', { schema: { tags: ['catalog'], summary: '血缘：来源、任务、版本、引用与派生 / lineage graph', params: CodeParams, response: { 200: LineageSchema } } },
      (req) => lineage(ctx, callerOf(req), req.params.code));
    app.get('/datasets/:code/versions', {
      schema: { tags: ['datasets'], summary: '版本历史（新的在前，分页）/ versions, newest first, paged', params: CodeParams, querystring: PageQuery, response: { 200: Page(VersionSchema) } },
    }, (req) => datasets.versions(ctx, callerOf(req), req.params.code, { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));
    await app.register(searchRoutes(ctx, DatasetSchema));
  };
}
