import fs from 'node:fs';
import multipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Ctx, callerOf, IdParams, Literals, problem, Uuid } from '../../kernel/index.ts';
import { contentDisposition } from '../workorders/index.ts';
import { caseCategories } from './categories.ts';
import { caseClassifier } from './classifier.ts';
import { handling } from './handling.ts';
import { caseImport } from './import.ts';
import { intake, suggest, uploadKey } from './intake.ts';
import { geo } from '../../geo/index.ts';
import { CASE_PAGE_MAX, caseKnowledge, cases, PHOTO_MAX_BYTES } from './service.ts';
import { caseStats, DIMENSIONS } from './stats.ts';
import { CASE_STATUSES, CHANNELS, SATISFACTION } from './store.ts';

const TAGS = ['cases'];
const Str = (max: number, extra: Record<string, unknown> = {}) => Type.String({ maxLength: max, ...extra });
const Opt = Type.Optional;
const Urgency = Literals(['normal', 'urgent'] as const);

const ReportBody = Type.Object({
  channel: Literals(CHANNELS), title: Opt(Str(100)), text: Str(5000, { description: '诉求内容 / what the report says' }), category: Opt(Str(20)), urgency: Opt(Urgency),
  address: Opt(Str(300)), lng: Opt(Type.Number()), lat: Opt(Type.Number()),
  reporterName: Opt(Str(50)), reporterPhone: Opt(Str(20)), consent: Opt(Type.Boolean({ description: '同意向承办部门公开姓名和电话 / the handling department may see name and phone' })),
  reportedAt: Opt(Type.String({ format: 'date-time' })),
}, { additionalProperties: false });
const ListQuery = Type.Object({
  status: Opt(Literals(CASE_STATUSES)), channel: Opt(Literals(CHANNELS)), category: Opt(Str(20)), department: Opt(Uuid), district: Opt(Str(12)), grid: Opt(Str(15)),
  overdue: Opt(Type.Boolean()), supervised: Opt(Type.Boolean()), q: Opt(Str(100)), from: Opt(Type.String({ format: 'date-time' })), to: Opt(Type.String({ format: 'date-time' })),
  scope: Opt(Literals(['all', 'department', 'mine'] as const)),
  limit: Opt(Type.Integer({ minimum: 1, maximum: CASE_PAGE_MAX, default: 50 })), offset: Opt(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});
const StatsQuery = Type.Object({
  by: Opt(Literals(DIMENSIONS)), from: Opt(Type.String({ format: 'date-time' })), to: Opt(Type.String({ format: 'date-time' })),
  department: Opt(Uuid), category: Opt(Str(20)), district: Opt(Str(12)),
});
const Reason = Type.Object({ reason: Str(2000) }, { additionalProperties: false });
const RateBody = Type.Object({ satisfaction: Literals(SATISFACTION), resolved: Opt(Type.Boolean()), comment: Opt(Str(1000)) }, { additionalProperties: false });
const Track = Type.Object({ code: Str(30), phone: Str(20) });
const Any = Type.Any();

/** The case API (案件): intake, dispatch and handling, follow-up, categories and routing, classifier, statistics, knowledge base, check-ins. */
export function caseRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    const timer = setInterval(() => void caseClassifier.maybeRetrain(ctx).catch((err) => ctx.log.warn({ err }, 'cases: retraining failed')), 600_000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
    await app.register(multipart, { limits: { fileSize: Math.max(PHOTO_MAX_BYTES, caseImport.MAX_BYTES), files: 1, fields: 10, parts: 11 }, throwFileSizeLimit: true });
    const caller = (req: FastifyRequest) => req.caller;

    app.get('/cases', { schema: { tags: TAGS, summary: '案件列表（受理中心：全部；部门：交办本部门的；网格员、市民：本人的）/ list cases', querystring: ListQuery, response: { 200: Any } } },
      async (req) => cases.list(ctx, callerOf(req), req.query));

    app.post('/cases', {
      config: { public: true },
      schema: { tags: TAGS, summary: '受理反映：热线、网页/手机、网格巡查 / take a report in (hotline, web, grid patrol)', body: ReportBody, response: { 201: Any } },
    }, async (req, reply) => {
      const r = await intake.report(ctx, caller(req), req.body);
      return reply.code(201).send({ ...r, uploadKey: uploadKey(ctx, r.id) });
    });

    app.post('/cases/suggest', {
      schema: { tags: TAGS, summary: '分类与分拨建议 / proposed category and department for a text', body: Type.Object({ title: Opt(Str(100)), text: Str(5000), lng: Opt(Type.Number()), lat: Opt(Type.Number()) }), response: { 200: Any } },
    }, async (req) => {
      callerOf(req);
      const place = req.body.lng !== undefined && req.body.lat !== undefined ? await geo.locate(ctx, req.body.lng, req.body.lat) : null;
      return { ...(await suggest(ctx, req.body.title ?? '', req.body.text, null, place?.grid?.code ?? place?.district?.code ?? null)), place };
    });

    app.get('/cases/track', { config: { public: true }, schema: { tags: TAGS, summary: '凭案件编号和电话查询办理进度 / follow a case by its number and phone', querystring: Track, response: { 200: Any } } },
      async (req) => cases.track(ctx, req.query.code, req.query.phone));
    app.post('/cases/track/rate', {
      config: { public: true },
      schema: { tags: TAGS, summary: '凭案件编号和电话评价答复 / rate the answer by number and phone', body: Type.Object({ ...Track.properties, ...RateBody.properties }, { additionalProperties: false }), response: { 204: Type.Null() } },
    }, async (req, reply) => {
      const { id, s } = await cases.trackStanding(ctx, req.body.code, req.body.phone);
      await handling.rate(ctx, caller(req) ?? { id: null, username: 'reporter', displayName: '反映人', role: 'citizen', departmentId: null }, id, req.body, s);
      return reply.code(204).send(null);
    });

    app.get('/cases/callers', { schema: { tags: TAGS, summary: '来电历史（按电话号码）/ a caller\'s earlier reports by phone', querystring: Type.Object({ phone: Str(20) }), response: { 200: Any } } },
      async (req) => cases.history(ctx, callerOf(req), req.query.phone));

    app.get('/cases/stats', { schema: { tags: TAGS, summary: '接诉即办指标：响应率、解决率、满意率、超期率、退单率 / rates per dimension', querystring: StatsQuery, response: { 200: Any } } },
      async (req) => caseStats.rates(ctx, callerOf(req), req.query));
    app.get('/cases/stats/hotspots', { schema: { tags: TAGS, summary: '热点：按网格、区县的案件数与点位 / hot spots', querystring: Type.Intersect([StatsQuery, Type.Object({ points: Opt(Type.Integer({ minimum: 0, maximum: 10_000 })) })]), response: { 200: Any } } },
      async (req) => caseStats.hotspots(ctx, callerOf(req), req.query));
    app.get('/cases/stats/topics', { schema: { tags: TAGS, summary: '热词 / hot topics of the texts', querystring: Type.Intersect([StatsQuery, Type.Object({ top: Opt(Type.Integer({ minimum: 1, maximum: 100 })) })]), response: { 200: Any } } },
      async (req) => caseStats.topics(ctx, callerOf(req), req.query));
    app.get('/cases/stats/export', { schema: { tags: TAGS, summary: '导出统计（XLSX）/ export the figures as XLSX', querystring: StatsQuery } }, async (req, reply) => {
      const buf = await caseStats.xlsx(ctx, callerOf(req), req.query);
      return reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', contentDisposition(`接诉即办统计-${new Date().toISOString().slice(0, 10)}.xlsx`)).send(buf);
    });

    app.get('/cases/classifier', { schema: { tags: TAGS, summary: '分类模型状态 / the classifier in use', response: { 200: Any } } }, async (req) => {
      callerOf(req);
      return caseClassifier.info(ctx);
    });
    app.post('/cases/classifier/train', { schema: { tags: TAGS, summary: '用案件历史重新训练分类模型 / retrain the classifier on the case history', response: { 200: Any } } },
      async (req) => caseClassifier.train(ctx, callerOf(req)));

    app.get('/cases/knowledge', { schema: { tags: TAGS, summary: '知识库 / answers per category', querystring: Type.Object({ category: Opt(Str(20)), q: Opt(Str(100)), limit: Opt(Type.Integer({ minimum: 1, maximum: 100 })) }), response: { 200: Any } } },
      async (req) => {
        callerOf(req);
        return caseKnowledge.list(ctx, req.query);
      });
    app.post('/cases/knowledge', { schema: { tags: TAGS, summary: '添加知识 / add an answer', body: Type.Object({ category: Opt(Type.Union([Str(20), Type.Null()])), question: Str(500), answer: Str(5000) }, { additionalProperties: false }), response: { 201: Any } } },
      async (req, reply) => reply.code(201).send({ id: await caseKnowledge.add(ctx, callerOf(req), req.body) }));

    app.post('/cases/checkins', { schema: { tags: TAGS, summary: '网格员巡查签到 / a grid worker checks in', body: Type.Object({ lng: Type.Number(), lat: Type.Number() }, { additionalProperties: false }), response: { 201: Any } } },
      async (req, reply) => reply.code(201).send(await cases.checkIn(ctx, callerOf(req), req.body)));
    app.get('/cases/checkins', { schema: { tags: TAGS, summary: '我的签到 / my check-ins', response: { 200: Any } } }, async (req) => cases.checkIns(ctx, callerOf(req)));

    app.post('/cases/import', {
      bodyLimit: caseImport.MAX_BYTES + 64 * 1024,
      schema: { tags: TAGS, summary: '批量导入案件（CSV/XLSX，全部成功或全部不导入）/ import cases from CSV or XLSX (all or nothing)', consumes: ['multipart/form-data'], response: { 201: Any } },
    }, async (req, reply) => {
      const c = callerOf(req);
      if (!req.isMultipart()) throw problem('unsupported-media-type', '请以 multipart/form-data 上传文件 / upload the file as multipart/form-data');
      const part = await req.file({ limits: { fileSize: caseImport.MAX_BYTES, files: 1 }, throwFileSizeLimit: true });
      if (!part) throw problem('validation', 'file: 缺少文件 / no file in the upload', [{ field: 'file', message: 'required' }]);
      return reply.code(201).send(await caseImport.run(ctx, c, { filename: part.filename, data: await part.toBuffer() }));
    });

    app.get('/case-categories', { config: { public: true }, schema: { tags: TAGS, summary: '案件类别（部件、事件、12345 分类）/ case categories', querystring: Type.Object({ kind: Opt(Literals(['component', 'event', 'hotline'] as const)) }), response: { 200: Any } } },
      async (req) => caseCategories.list(ctx, { kind: req.query.kind, active: req.caller ? undefined : true }));
    app.patch('/case-categories/:code', {
      schema: {
        tags: TAGS, summary: '设置类别的承办部门、时限、答复模板（管理员）/ set a category\'s department, time limits, answer template', params: Type.Object({ code: Str(20) }),
        body: Type.Object({ departmentId: Opt(Type.Union([Uuid, Type.Null()])), days: Opt(Type.Object({ normal: Type.Integer(), urgent: Type.Integer() })), answerTemplate: Opt(Str(2000)), keywords: Opt(Type.Array(Str(20), { maxItems: 200 })), active: Opt(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Any },
      },
    }, async (req) => caseCategories.update(ctx, callerOf(req), req.params.code, req.body));
    app.get('/case-routes', { schema: { tags: TAGS, summary: '分拨规则 / routing rules', response: { 200: Any } } }, async (req) => {
      callerOf(req);
      return caseCategories.routes(ctx);
    });
    app.post('/case-routes', { schema: { tags: TAGS, summary: '添加分拨规则（管理员）/ add a routing rule', body: Type.Object({ category: Opt(Str(20)), areaPrefix: Opt(Str(15)), departmentId: Uuid }, { additionalProperties: false }), response: { 201: Any } } },
      async (req, reply) => reply.code(201).send(await caseCategories.addRoute(ctx, callerOf(req), req.body)));
    app.delete('/case-routes/:id', { schema: { tags: TAGS, summary: '删除分拨规则 / remove a routing rule', params: IdParams, response: { 204: Type.Null() } } }, async (req, reply) => {
      await caseCategories.removeRoute(ctx, callerOf(req), req.params.id);
      return reply.code(204).send(null);
    });
    app.put('/cases/centre', { schema: { tags: TAGS, summary: '指定受理中心（管理员）/ name the dispatch centre', body: Type.Object({ departmentId: Uuid }, { additionalProperties: false }), response: { 204: Type.Null() } } }, async (req, reply) => {
      await caseCategories.setCentre(ctx, callerOf(req), req.body.departmentId);
      return reply.code(204).send(null);
    });

    app.get('/cases/:id', { schema: { tags: TAGS, summary: '案件详情（时间线、照片、延期、可执行操作）/ a case', params: IdParams, response: { 200: Any } } },
      async (req) => cases.get(ctx, callerOf(req), req.params.id));
    app.get('/cases/:id/duplicates', { schema: { tags: TAGS, summary: '疑似重复 / possible duplicates', params: IdParams, response: { 200: Any } } },
      async (req) => cases.duplicates(ctx, callerOf(req), req.params.id));

    const act = (path: string, summary: string, body: Parameters<typeof Type.Object>[0], run: (req: FastifyRequest & { params: { id: string }; body: any }) => Promise<unknown>) => // eslint-disable-line @typescript-eslint/no-explicit-any
      app.post(`/cases/:id/${path}`, {
        preValidation: async (req) => { req.body ??= {}; },
        schema: { tags: TAGS, summary, params: IdParams, body: Type.Object(body, { additionalProperties: false }), response: { 200: Any } },
      }, async (req) => {
        await run(req as never);
        return cases.get(ctx, callerOf(req), req.params.id);
      });
    act('dispatch', '派单：确认类别、指定承办部门 / dispatch: confirm the category, name the department',
      { category: Str(20), departmentId: Uuid, urgency: Opt(Urgency), note: Opt(Str(1000)) }, (req) => handling.dispatch(ctx, callerOf(req), req.params.id, req.body));
    act('accept', '签收 / accept', { handlerId: Opt(Uuid) }, (req) => handling.accept(ctx, callerOf(req), req.params.id, req.body));
    act('return', '退单（退回受理中心）/ return to the centre', Reason.properties, (req) => handling.giveBack(ctx, callerOf(req), req.params.id, req.body.reason));
    act('answer', '答复市民 / answer the citizen', { answer: Str(5000), knowledgeId: Opt(Uuid) }, async (req) => {
      await handling.answer(ctx, callerOf(req), req.params.id, req.body.answer);
      if (req.body.knowledgeId) await caseKnowledge.use(ctx, req.body.knowledgeId);
    });
    act('rate', '评价（反映人或回访）/ rate the answer', RateBody.properties, (req) => handling.rate(ctx, callerOf(req), req.params.id, req.body));
    act('close', '结案（回访无评价）/ close without rating', Reason.properties, (req) => handling.close(ctx, callerOf(req), req.params.id, req.body.reason));
    act('invalidate', '无效处理 / mark not a case', Reason.properties, (req) => handling.invalidate(ctx, callerOf(req), req.params.id, req.body.reason));
    act('merge', '合并到主案件 / merge into a main case', { into: Uuid }, (req) => handling.merge(ctx, callerOf(req), req.params.id, req.body.into));
    act('category', '更正类别 / correct the category', { category: Str(20) }, (req) => handling.recategorize(ctx, callerOf(req), req.params.id, req.body.category));
    act('extensions', '申请延期 / ask for more time', { days: Type.Integer(), reason: Str(2000) }, (req) => handling.askExtension(ctx, callerOf(req), req.params.id, req.body));
    app.post('/cases/:id/extensions/:extensionId/decide', {
      schema: { tags: TAGS, summary: '审批延期 / decide an extension', params: Type.Object({ id: Uuid, extensionId: Uuid }), body: Type.Object({ approve: Type.Boolean(), note: Opt(Str(1000)) }, { additionalProperties: false }), response: { 200: Any } },
    }, async (req) => {
      await handling.decideExtension(ctx, callerOf(req), req.params.id, req.params.extensionId, req.body);
      return cases.get(ctx, callerOf(req), req.params.id);
    });

    app.post('/cases/:id/photos', {
      config: { public: true },
      bodyLimit: PHOTO_MAX_BYTES + 64 * 1024,
      schema: { tags: TAGS, summary: '上传照片（multipart：file；无账号时带 key）/ add a photo (multipart: file; without an account, the upload key)', consumes: ['multipart/form-data'], params: IdParams, querystring: Type.Object({ key: Opt(Str(80)) }), response: { 201: Any } },
    }, async (req, reply) => {
      if (!req.isMultipart()) throw problem('unsupported-media-type', '请以 multipart/form-data 上传文件 / upload the file as multipart/form-data');
      const part = await req.file({ limits: { fileSize: PHOTO_MAX_BYTES, files: 1 }, throwFileSizeLimit: true });
      if (!part) throw problem('validation', 'file: 缺少文件 / no file in the upload', [{ field: 'file', message: 'required' }]);
      return reply.code(201).send(await cases.addPhoto(ctx, caller(req), req.params.id, { filename: part.filename, data: await part.toBuffer() }, req.query.key));
    });
    app.get('/cases/:id/photos/:photoId', { schema: { tags: TAGS, summary: '查看照片 / a photo', params: Type.Object({ id: Uuid, photoId: Uuid }) } }, async (req, reply) => {
      const p = await cases.photo(ctx, callerOf(req), req.params.id, req.params.photoId);
      return reply.header('content-type', p.type).header('content-disposition', contentDisposition(p.name).replace(/^attachment/, 'inline'))
        .header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-store').send(fs.createReadStream(p.file));
    });
  };
}
