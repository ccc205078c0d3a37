import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { geo } from '../../geo/index.ts';
import { callerFromToken } from '../../identity/index.ts';
import { bearerToken, type Caller, type Ctx, publicBaseUrl } from '../../kernel/index.ts';
import { caseCategories } from '../cases/index.ts';
import { type Format, FORMATS, formatOf, open311Error, send, sendError, toOpen311 } from './format.ts';
import { getRequest, listRequests, postRequest, type PostFields, type RequestQuery, requestOfToken, shanghaiTime } from './requests.ts';
import { findService, listServices, toDefinition, toService } from './services.ts';

/** Where the GeoReport v2 endpoints live, outside /api/v1, as Open311 clients expect them. */
export const OPEN311_PREFIX = '/open311/v2';
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

/** API tokens (issued on the console's API-token page) begin so; a console session's token does not stand for an application. */
const API_TOKEN_PREFIX = 'gha_';

const TAGS = ['open311'];
const Str = (max: number, description?: string) => Type.Optional(Type.String({ maxLength: max, ...(description ? { description } : {}) }));
const FormatParam = Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: 'json | xml' });
const Jurisdiction = { jurisdiction_id: Str(20, '本市的 GB/T 2260 代码（可省略）/ the city\'s GB/T 2260 code (optional: one jurisdiction)') };
const ApiKey = { api_key: Str(200, 'govhub API 令牌（控制台“API 令牌”页签发）/ a govhub API token from the console\'s API-token page') };

const RequestsQuery = Type.Object({
  ...Jurisdiction, ...ApiKey,
  service_request_id: Type.Optional(Type.String({ maxLength: 70_000, description: '逗号分隔的请求编号，指定时忽略其他条件 / comma-separated ids; overrides the other filters' })),
  service_code: Str(2000, '逗号分隔 / comma-separated'),
  start_date: Str(40, 'ISO 8601'),
  end_date: Str(40, 'ISO 8601（与 start_date 相距不超过 90 天，默认最近 90 天）/ at most 90 days after start_date; default: the last 90 days'),
  status: Str(20, 'open | closed | open,closed'),
});

const PostBody = Type.Object({
  ...Jurisdiction, ...ApiKey,
  service_code: Str(64), lat: Str(40), long: Str(40), address_string: Str(300), address_id: Str(300),
  email: Str(200), device_id: Str(100), account_id: Str(100), first_name: Str(50), last_name: Str(50), phone: Str(30),
  description: Str(5000), media_url: Str(2000),
  attribute: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 2000 }), Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 50 })]), {
    description: '服务定义的属性：表单中写作 attribute[CODE]=值，多选写作 attribute[CODE][]=值 / the service\'s attributes: attribute[CODE]=value in a form, attribute[CODE][]=value for each of a list',
  })),
}, { additionalProperties: true });

const ATTRIBUTE_KEY = /^attribute\[([^\]]{1,64})\](\[\])?$/;

/**
 * A form body as Open311 clients send it: `attribute[CODE]=v` (and `attribute[CODE][]=v` repeated for a
 * list) gathered into `attribute`; any other field once (the first).
 */
export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attribute: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const m = ATTRIBUTE_KEY.exec(k);
    if (m) {
      const code = m[1]!;
      const had = attribute[code];
      attribute[code] = m[2] || had !== undefined ? [...(had === undefined ? [] : Array.isArray(had) ? had : [had]), v] : v;
    } else if (!(k in out)) out[k] = v;
  }
  if (Object.keys(attribute).length) out.attribute = attribute;
  return out;
}

/** A JSON body may spell attributes either way: `{"attribute": {"CODE": …}}` or `{"attribute[CODE]": …}`. */
function gatherAttributes(body: Record<string, unknown>): PostFields {
  const attribute: Record<string, string | string[]> = { ...((body.attribute && typeof body.attribute === 'object' && !Array.isArray(body.attribute)) ? body.attribute as Record<string, string | string[]> : {}) };
  for (const [k, v] of Object.entries(body)) {
    const m = ATTRIBUTE_KEY.exec(k);
    if (m && (typeof v === 'string' || Array.isArray(v))) attribute[m[1]!] = v as string | string[];
  }
  return { ...(body as PostFields), attribute };
}

/** The city's codes a jurisdiction_id may name: the city on the map, else the cities of the departments' regions. */
async function jurisdictions(ctx: Ctx): Promise<Set<string>> {
  const cities = (await geo.areas(ctx, { level: 'city' })).features.map((f) => f.properties.code);
  if (cities.length) return new Set(cities);
  const regions = await ctx.db.query<{ region_code: string }>(`SELECT DISTINCT region_code FROM departments`);
  return new Set(regions.map((r) => `${r.region_code.trim().slice(0, 4)}00`));
}

async function checkJurisdiction(ctx: Ctx, given: unknown) {
  if (given === undefined || given === null || given === '') return;
  if (!(await jurisdictions(ctx)).has(String(given).trim())) throw open311Error(404, `jurisdiction_id: 本平台不受理此辖区 / jurisdiction ${String(given)} not found here`);
}

/**
 * The application that calls: its api_key (a form or query field, as Open311 sends it; a bearer header
 * is read too). An api_key that is not a live API token is refused (403), never read as anonymous.
 */
async function application(ctx: Ctx, req: FastifyRequest, key: unknown): Promise<Caller | null> {
  const token = (typeof key === 'string' && key.trim()) || bearerToken(req.headers.authorization) || '';
  if (!token) return null;
  if (!token.startsWith(API_TOKEN_PREFIX)) throw open311Error(403, 'api_key: 须为控制台“API 令牌”页签发的令牌 / must be an API token from the API-token page');
  const caller = await callerFromToken(ctx, token);
  if (!caller?.tokenId) throw open311Error(403, 'api_key: 令牌无效、已过期或已吊销 / invalid, expired or revoked');
  return caller;
}

const fmt = (req: FastifyRequest): Format => (req.params as { format: Format }).format;
const REQUESTS_XML = { root: 'service_requests', item: 'request' };

/**
 * Open311 GeoReport v2 at `/open311/v2/…`, every resource in JSON and XML by its extension: discovery,
 * services and their definitions, requests (POST with a govhub API token as api_key; GET public),
 * one request, and tokens. Errors in the spec's format, not problem+json.
 */
export function open311Routes(ctx: Ctx): FastifyPluginAsyncTypebox {
  const routes: FastifyPluginAsyncTypebox = async (app) => {
    app.setErrorHandler((err, req, reply) => {
      const e = toOpen311(err);
      if (e.internal) req.log.error({ err }, 'Open311 request failed');
      return sendError(reply, formatOf(req), e.status, e.descriptions);
    });
    app.setNotFoundHandler((req, reply) =>
      sendError(reply, formatOf(req), 404, [`没有这个资源 / no resource ${req.method} ${req.url.split('?')[0]}`]));
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(String(body))));

    app.get('/discovery.:format', {
      config: { public: true },
      schema: { tags: TAGS, summary: 'Open311 服务发现 / service discovery', security: [], params: Type.Object({ format: FormatParam }) },
    }, async (req, reply) => {
      const categories = await caseCategories.list(ctx);
      const changeset = shanghaiTime(categories.reduce((m, c) => (c.updatedAt > m ? c.updatedAt : m), '1970-01-01T00:00:00.000Z'));
      const base = publicBaseUrl(req, ctx.config);
      return send(reply, fmt(req), {
        changeset,
        contact: `平台管理员（数据局）/ the platform's administrators (the data bureau): ${base}/`,
        key_service: `在控制台“系统 → API 令牌”页为应用签发 API 令牌 / issue the application an API token on the console's API-token page: ${base}/system/tokens`,
        endpoints: [{ specification: SPECIFICATION, url: `${base}${OPEN311_PREFIX}`, changeset, type: 'production', formats: ['text/xml', 'application/json'] }],
      }, { root: 'discovery' });
    });

    app.get('/services.:format', {
      config: { public: true },
      schema: { tags: TAGS, summary: 'Open311 服务列表（可报告的案件类别）/ services: the case categories a report can name', security: [], params: Type.Object({ format: FormatParam }), querystring: Type.Object({ ...Jurisdiction }) },
    }, async (req, reply) => {
      await checkJurisdiction(ctx, (req.query as { jurisdiction_id?: string }).jurisdiction_id);
      return send(reply, fmt(req), (await listServices(ctx)).map(toService), { root: 'services', item: 'service' });
    });

    app.get('/services/:service_code.:format', {
      config: { public: true },
      schema: {
        tags: TAGS, summary: 'Open311 服务定义（属性）/ a service definition: its attributes', security: [],
        params: Type.Object({ service_code: Type.String({ maxLength: 64 }), format: FormatParam }), querystring: Type.Object({ ...Jurisdiction }),
      },
    }, async (req, reply) => {
      await checkJurisdiction(ctx, (req.query as { jurisdiction_id?: string }).jurisdiction_id);
      const { service_code: code } = req.params as { service_code: string };
      return send(reply, fmt(req), toDefinition(await findService(ctx, code)), { root: 'service_definition' });
    });

    app.post('/requests.:format', {
      config: { public: true },
      schema: {
        tags: TAGS, security: [], params: Type.Object({ format: FormatParam }), body: PostBody,
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        summary: 'Open311 提交服务请求（受理为案件）/ report a service request (taken in as a case)',
        description: '需要 api_key；位置给 lat/long、address_string 或 address_id；first_name、last_name、phone 作为反映人保存，从不公开；email 不保存。/ Needs api_key; a location as lat/long, address_string or address_id; first_name, last_name and phone are kept as the reporter and never shown; email is not kept.',
      },
    }, async (req, reply) => {
      const body = gatherAttributes((req.body ?? {}) as Record<string, unknown>);
      await checkJurisdiction(ctx, (body as { jurisdiction_id?: string }).jurisdiction_id ?? (req.query as { jurisdiction_id?: string } | undefined)?.jurisdiction_id);
      const caller = await application(ctx, req, (body as { api_key?: string }).api_key ?? (req.query as { api_key?: string } | undefined)?.api_key);
      if (!caller) throw open311Error(403, 'api_key: 必填，在控制台“API 令牌”页签发 / required: issue one on the console\'s API-token page');
      return send(reply, fmt(req), await postRequest(ctx, caller, body), REQUESTS_XML, 201);
    });

    app.get('/requests.:format', {
      config: { public: true },
      schema: {
        tags: TAGS, security: [], params: Type.Object({ format: FormatParam }), querystring: RequestsQuery,
        summary: 'Open311 服务请求列表（公开字段，最多 1000 条）/ service requests: public fields, 1000 at most',
      },
    }, async (req, reply) => {
      const q = req.query as { jurisdiction_id?: string; api_key?: string };
      await checkJurisdiction(ctx, q.jurisdiction_id);
      return send(reply, fmt(req), await listRequests(ctx, await application(ctx, req, q.api_key), req.query as RequestQuery), REQUESTS_XML);
    });

    app.get('/requests/:service_request_id.:format', {
      config: { public: true },
      schema: {
        tags: TAGS, security: [], summary: 'Open311 单个服务请求 / one service request',
        params: Type.Object({ service_request_id: Type.String({ maxLength: 64 }), format: FormatParam }), querystring: Type.Object({ ...Jurisdiction, ...ApiKey }),
      },
    }, async (req, reply) => {
      const q = req.query as { jurisdiction_id?: string; api_key?: string };
      await checkJurisdiction(ctx, q.jurisdiction_id);
      const { service_request_id: id } = req.params as { service_request_id: string };
      return send(reply, fmt(req), await getRequest(ctx, await application(ctx, req, q.api_key), id), REQUESTS_XML);
    });

    app.get('/tokens/:token.:format', {
      config: { public: true },
      schema: {
        tags: TAGS, security: [], summary: 'Open311 由令牌查请求编号 / the service_request_id of a token',
        params: Type.Object({ token: Type.String({ maxLength: 64 }), format: FormatParam }), querystring: Type.Object({ ...Jurisdiction }),
      },
    }, async (req, reply) => {
      await checkJurisdiction(ctx, (req.query as { jurisdiction_id?: string }).jurisdiction_id);
      return send(reply, fmt(req), await requestOfToken(ctx, (req.params as { token: string }).token), REQUESTS_XML);
    });
  };
  return async (root) => {
    await root.register(routes, { prefix: OPEN311_PREFIX });
  };
}

