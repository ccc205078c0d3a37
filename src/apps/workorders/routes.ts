import fs from 'node:fs';
import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, IdParams, Literals, Page, problem, Uuid } from '../../kernel/index.ts';
import { attachmentMaxBytes, contentDisposition } from './files.ts';
import { ACTIONS, STATUSES } from './machine.ts';
import { workOrderNotes } from './notes.ts';
import { workOrders, WORKORDER_PAGE_MAX } from './service.ts';
import { SOURCES } from './store.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Sla = Literals(['ok', 'warning', 'overdue'] as const);
const Item = Type.Object({
  id: Type.String(), code: Type.String({ description: '工单编号 / number, e.g. GD-20261206-0001' }), title: Type.String(),
  status: Literals(STATUSES), priority: Literals(['normal', 'urgent'] as const), source: Literals(SOURCES),
  department: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
  handler: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  dueAt: Type.String(), sla: Sla, supervised: Type.Boolean({ description: '督办 / under supervision (overdue)' }), createdAt: Type.String(), updatedAt: Type.String(),
});
const Event = Type.Object({ at: Type.String(), actor: Type.String(), action: Type.String(), from: Nullable(Type.String()), to: Nullable(Type.String()), note: Nullable(Type.String()) });
const Comment = Type.Object({ id: Type.String(), at: Type.String(), author: Type.String(), text: Type.String() });
const Attachment = Type.Object({ id: Type.String(), name: Type.String(), size: Type.Integer(), type: Type.String(), at: Type.String(), author: Type.String() });
const Detail = Type.Intersect([Item, Type.Object({
  description: Type.String(), sourceRef: Type.Unknown(), evidence: Type.Unknown(),
  createdBy: Type.Object({ id: Nullable(Type.String()), name: Type.String() }),
  actions: Type.Array(Literals(ACTIONS), { description: '调用者当前可执行的操作 / the actions the caller may take now' }),
  events: Type.Array(Event), comments: Type.Array(Comment), attachments: Type.Array(Attachment),
})]);
const CreateBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  departmentId: Uuid,
  handlerId: Type.Optional(Uuid),
  priority: Type.Optional(Literals(['normal', 'urgent'] as const)),
  workingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: '办理时限（工作日），默认 普通 5、紧急 1 / time limit in working days (default normal 5, urgent 1)' })),
  sourceRef: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  evidence: Type.Optional(Type.Unknown()),
}, { additionalProperties: false });
const ActionBody = Type.Object({
  reason: Type.Optional(Type.String({ maxLength: 2000 })), note: Type.Optional(Type.String({ maxLength: 2000 })),
  handlerId: Type.Optional(Uuid), departmentId: Type.Optional(Uuid),
}, { additionalProperties: false });
const ListQuery = Type.Object({
  status: Type.Optional(Literals(STATUSES)), department: Type.Optional(Uuid), handler: Type.Optional(Uuid), source: Type.Optional(Literals(SOURCES)),
  overdue: Type.Optional(Type.Boolean()), supervised: Type.Optional(Type.Boolean()), mine: Type.Optional(Type.Boolean({ description: '我处理或我创建的 / handled or opened by me' })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: WORKORDER_PAGE_MAX, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
});
const Stats = Type.Object({
  byStatus: Type.Record(Type.String(), Type.Integer()),
  bySla: Type.Object({ ok: Type.Integer(), warning: Type.Integer(), overdue: Type.Integer() }),
  supervised: Type.Integer(),
});
const FileStream = Type.Unsafe<Readable>(Type.String({ format: 'binary' }));
const TAGS = ['workorders'];

/** The work-order API (工单): list, open, act, comment, attach, download, board counts. */
export function workOrderRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    const timer = setInterval(() => void workOrders.remind(ctx).catch((err) => ctx.log.error({ err }, 'workorders: reminders failed')), 3600_000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
    const maxBytes = attachmentMaxBytes();
    await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 }, throwFileSizeLimit: true });

    app.get('/workorders', {
      schema: { tags: TAGS, summary: '工单列表 / list work orders', querystring: ListQuery, response: { 200: Page(Item) } },
    }, async (req) => workOrders.list(ctx, callerOf(req), req.query));

    app.get('/workorders/stats', {
      schema: { tags: TAGS, summary: '工单看板：按状态、时限统计 / board counts per status and SLA', response: { 200: Stats } },
    }, async (req) => workOrders.stats(ctx, callerOf(req)));

    app.post('/workorders', {
      schema: { tags: TAGS, summary: '创建工单（数据专员、管理员）/ open a work order (officers, admins)', body: CreateBody, response: { 201: Detail } },
    }, async (req, reply) => reply.code(201).send(await workOrders.create(ctx, callerOf(req), { ...req.body, source: 'manual' })));

    app.get('/workorders/:id', {
      schema: { tags: TAGS, summary: '工单详情（含可执行操作、时间线）/ a work order with the actions open to the caller and its timeline', params: IdParams, response: { 200: Detail } },
    }, async (req) => workOrders.get(ctx, callerOf(req), req.params.id));

    app.post('/workorders/:id/actions/:action', {
      // an action without options may come without a body
      preValidation: async (req) => { req.body ??= {}; },
      schema: {
        tags: TAGS, summary: '执行操作：派单、开始、办结、退回、核验、重办、关闭、挂起、恢复 / take an action', params: Type.Object({ id: Uuid, action: Literals(ACTIONS) }),
        body: ActionBody, response: { 200: Detail },
      },
    }, async (req) => workOrders.act(ctx, callerOf(req), req.params.id, req.params.action, req.body));

    app.post('/workorders/:id/comments', {
      schema: { tags: TAGS, summary: '评论 / comment', params: IdParams, body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }), response: { 201: Comment } },
    }, async (req, reply) => reply.code(201).send(await workOrderNotes.comment(ctx, callerOf(req), req.params.id, req.body.text)));

    app.post('/workorders/:id/attachments', {
      bodyLimit: maxBytes + 64 * 1024,
      schema: { tags: TAGS, summary: '上传附件（multipart：file）/ attach a file (multipart: file)', consumes: ['multipart/form-data'], params: IdParams, response: { 201: Attachment } },
    }, async (req, reply) => {
      const caller = callerOf(req);
      await workOrderNotes.attachable(ctx, caller, req.params.id);
      if (!req.isMultipart()) throw problem('unsupported-media-type', '请以 multipart/form-data 上传文件 / upload the file as multipart/form-data');
      const part = await req.file({ limits: { fileSize: attachmentMaxBytes(), files: 1 }, throwFileSizeLimit: true });
      if (!part) throw problem('validation', 'file: 缺少文件 / no file in the upload', [{ field: 'file', message: 'required' }]);
      const data = await part.toBuffer();
      return reply.code(201).send(await workOrderNotes.attach(ctx, caller, req.params.id, { filename: part.filename, data }));
    });

    app.get('/workorders/:id/attachments/:attachmentId', {
      schema: { tags: TAGS, summary: '下载附件 / download an attachment', params: Type.Object({ id: Uuid, attachmentId: Uuid }), response: { 200: FileStream } },
    }, async (req, reply) => {
      const a = await workOrderNotes.attachment(ctx, callerOf(req), req.params.id, req.params.attachmentId);
      return reply
        .header('content-type', a.type).header('content-disposition', contentDisposition(a.name)).header('content-length', a.size)
        .header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-store')
        .send(fs.createReadStream(a.file));
    });
  };
}
