import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Ctx, publicBaseUrl } from '../kernel/index.ts';
import type { Queryable } from '../control/index.ts';
import { openEntries, openEntry } from './openData.ts';
import { catalogQuads, toJsonLd, toTurtle } from './dcat.ts';
import { dataPackage } from './frictionless.ts';

/** The open entries (published, open or conditionally open), and the region and English name of their departments. */
async function openCatalog(db: Queryable) {
  const datasets = await openEntries(db);
  const codes = [...new Set(datasets.map((d) => d.departmentCode))];
  const departments = codes.length
    ? await db.query<{ code: string; region_code: string; name_en: string | null }>('SELECT code, region_code, name_en FROM departments WHERE code = ANY($1::text[])', [codes])
    : [];
  return { datasets, departments: Object.fromEntries(departments.map((d) => [d.code, { region: d.region_code.trim(), nameEn: d.name_en }])) };
}

async function catalogGraph(ctx: Ctx, req: FastifyRequest) {
  return catalogQuads({ base: publicBaseUrl(req, ctx.config), ...(await openCatalog(ctx.db)) });
}

const sendTurtle = async (ctx: Ctx, req: FastifyRequest, reply: FastifyReply) =>
  reply.type('text/turtle; charset=utf-8').send(await toTurtle(await catalogGraph(ctx, req)));
const sendJsonLd = async (ctx: Ctx, req: FastifyRequest, reply: FastifyReply) =>
  reply.type('application/ld+json; charset=utf-8').send(JSON.stringify(toJsonLd(await catalogGraph(ctx, req))));

const TEXT = { 200: Type.String() };

/**
 * The open catalog as DCAT-AP 3.0, at the server root (where harvesters look): `/catalog.ttl` and
 * `/catalog.jsonld`. Public: no token. (No negotiated `/catalog`: the console owns the other paths.)
 */
export function catalogFileRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    const schema = (summary: string) => ({ tags: ['open data'], summary, security: [], response: TEXT });
    app.get('/catalog.ttl', { config: { public: true }, schema: schema('开放目录 DCAT-AP 3.0（Turtle）/ open catalog, DCAT-AP 3.0 (Turtle)') },
      (req, reply) => sendTurtle(ctx, req, reply));
    app.get('/catalog.jsonld', { config: { public: true }, schema: schema('开放目录 DCAT-AP 3.0（JSON-LD）/ open catalog, DCAT-AP 3.0 (JSON-LD)') },
      (req, reply) => sendJsonLd(ctx, req, reply));
  };
}

/** Open metadata under /api/v1: the Frictionless Data Package of an open dataset. Public: no token. */
export function openMetadataRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/open/datasets/:code/datapackage.json', {
      config: { public: true },
      schema: {
        tags: ['open data'], summary: 'Frictionless 数据包描述 / Frictionless Data Package descriptor', security: [],
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.String(), 404: Type.Ref('Problem') },
      },
    }, async (req, reply) => {
      const ds = await openEntry(ctx.db, req.params.code);
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(dataPackage(ds, publicBaseUrl(req, ctx.config)), null, 2));
    });
  };
}
