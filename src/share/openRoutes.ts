import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Ctx, callerOf, IdParams, Literals, Page, PageQuery } from '../kernel/index.ts';
import { openKeys } from './openKeys.ts';
import { openEntry } from '../catalog/index.ts';
import { OPEN_FORMATS, openDownload, openRows, type OpenFormat } from './openRead.ts';

const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const VersionQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })), apikey: Type.Optional(Type.String({ maxLength: 100 })) });
const OpenKeySchema = Type.Object({
  id: Type.String(), name: Type.String(), organisation: Type.String(), email: Type.String(), phone: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.String(), termsVersion: Type.String(), acceptedAt: Type.String(), status: Type.String(), keyPrefix: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]), lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
}, { $id: 'OpenKey' });
const OpenColumnSchema = Type.Object({ name: Type.String(), title: Type.String(), type: Type.String(), element: Type.Union([Type.String(), Type.Null()]), masked: Type.Boolean(), description: Type.Optional(Type.String()) });

/** The open-data key of a request: `X-Api-Key` header or `apikey` query parameter. */
export function openKeyOf(req: FastifyRequest): string | undefined {
  const h = req.headers['x-api-key'];
  const fromHeader = Array.isArray(h) ? h[0] : h;
  return fromHeader || (req.query as { apikey?: string } | undefined)?.apikey || undefined;
}

/** Open data for everyone (no login): preview rows, downloads, key applications; the admin's decisions on keys. */
export function openDataRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/open/datasets/:code/preview', {
      config: { public: true },
      schema: {
        tags: ['open data'], summary: '开放数据预览（公开，留痕）/ preview rows of open data (public, audited)', params: CodeParams,
        querystring: Type.Intersect([VersionQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })) })]),
        response: { 200: Type.Object({ columns: Type.Array(OpenColumnSchema), rows: Type.Array(Type.Record(Type.String(), Type.Unknown())), total: Type.Integer(), version: Type.Integer() }) },
      },
    }, async (req) => {
      const reader = await openKeys.reader(ctx, openKeyOf(req));
      return openRows(ctx, reader, await openEntry(ctx.db, req.params.code), { version: req.query.version, limit: req.query.limit ?? 20, offset: req.query.offset ?? 0 });
    });

    app.get('/open/datasets/:code/download', {
      config: { public: true },
      schema: {
        tags: ['open data'], summary: '下载开放数据（流式）：CSV（UTF-8 BOM）、XLSX、JSON、Parquet / download open data, streamed', params: CodeParams,
        querystring: Type.Intersect([VersionQuery, Type.Object({ format: Type.Optional(Literals(Object.keys(OPEN_FORMATS) as OpenFormat[])) })]),
      },
    }, async (req, reply) => {
      const reader = await openKeys.reader(ctx, openKeyOf(req));
      const d = await openDownload(ctx, reader, await openEntry(ctx.db, req.params.code), req.query.format ?? 'csv', req.query.version);
      return reply.type(d.contentType)
        .header('content-disposition', `attachment; filename="${d.filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(d.filename)}`)
        .header('x-govhub-version', String(d.version))
        .send(d.stream);
    });

    app.post('/open/keys', {
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: {
        tags: ['open data'], summary: '申请有条件开放数据密钥（须同意条款；密钥仅显示一次，审核通过后生效）/ apply for a key to conditional open data',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }), organisation: Type.Optional(Type.String({ maxLength: 200 })), email: Type.String({ minLength: 3, maxLength: 200 }),
          phone: Type.Optional(Type.String({ maxLength: 40 })), purpose: Type.String({ minLength: 1, maxLength: 2000 }), acceptTerms: Type.Boolean(),
        }, { additionalProperties: false }),
        response: { 201: Type.Intersect([OpenKeySchema, Type.Object({ key: Type.String() })]) },
      },
    }, async (req, reply) => reply.code(201).send(await openKeys.apply(ctx, req.body)));

    app.get('/open-keys', {
      schema: {
        tags: ['open data'], summary: '开放数据密钥申请（管理员）/ key applications (admin)',
        querystring: Type.Intersect([PageQuery, Type.Object({ status: Type.Optional(Literals(['pending', 'approved', 'rejected', 'revoked'])) })]),
        response: { 200: Page(OpenKeySchema) },
      },
    }, (req) => openKeys.list(ctx, callerOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, status: req.query.status }));
    for (const [path, decision] of [['approve', 'approved'], ['reject', 'rejected'], ['revoke', 'revoked']] as const) {
      app.post(`/open-keys/:id/${path}`, {
        schema: {
          tags: ['open data'], summary: `${path} 密钥申请（管理员）/ ${path} a key application (admin)`, params: IdParams,
          body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false })),
          response: { 200: OpenKeySchema },
        },
      }, (req) => openKeys.decide(ctx, callerOf(req), req.params.id, decision, req.body?.reason));
    }
  };
}
