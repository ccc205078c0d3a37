import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, VERSION } from '../kernel/index.ts';
import { auditRoutes } from '../audit/index.ts';
import { catalogFileRoutes, catalogRoutes, ckanRoutes, openMetadataRoutes, portalRoutes } from '../catalog/index.ts';
import { identityRoutes } from '../identity/index.ts';
import { ckanDatastore, openDataRoutes, shareRoutes } from '../share/index.ts';
import { ingestRoutes } from '../ingest/index.ts';
import { sourceRoutes } from '../connectors/index.ts';
import { dashboardRoutes } from '../dashboard/index.ts';
import { standardsRoutes } from '../standards/index.ts';
import { calendarRoutes } from '../calendar/index.ts';
import { entityRoutes } from '../entity/index.ts';
import { workOrderRoutes } from '../apps/workorders/index.ts';
import { ruleRoutes } from '../apps/rules/index.ts';
import { findingRoutes } from '../apps/collide/index.ts';
import { pushRoutes } from '../apps/push/index.ts';
import { caseRoutes } from '../apps/cases/index.ts';
import { dashboardRoutes as monitorDashboardRoutes, monitorRoutes } from '../apps/monitor/index.ts';
import { geoRoutes } from '../geo/index.ts';
import { open311Routes } from '../apps/open311/index.ts';

const Health = Type.Object({ status: Type.String(), version: Type.String(), controlPlane: Type.String(), dataPlane: Type.String() });

function healthRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health', {
      config: { public: true },
      schema: {
        tags: ['system'], summary: '健康检查 / health', security: [],
        response: { 200: Health, 503: Health },
      },
    }, async (_req, reply) => {
      const [cp, dp] = await Promise.allSettled([ctx.db.one('SELECT 1'), ctx.lake.ping()]);
      const ok = cp.status === 'fulfilled' && dp.status === 'fulfilled';
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'degraded', version: VERSION,
        controlPlane: cp.status === 'fulfilled' ? ctx.db.driver : 'down', dataPlane: dp.status === 'fulfilled' ? 'duckdb' : 'down',
      });
    });
  };
}

/** Every module's routes, under /api/v1. Modules own their routes; this only lists them. */
export function registerRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (api) => {
    for (const routes of [healthRoutes, identityRoutes, auditRoutes, standardsRoutes, catalogRoutes, portalRoutes, openMetadataRoutes, shareRoutes, openDataRoutes, ingestRoutes, sourceRoutes, dashboardRoutes, calendarRoutes, entityRoutes, workOrderRoutes, ruleRoutes, findingRoutes, pushRoutes, geoRoutes, caseRoutes, monitorRoutes, monitorDashboardRoutes]) await api.register(routes(ctx));
  };
}

/**
 * Routes at the server root, outside /api/v1, where outside clients expect them: CKAN's Action API
 * (`/api/3/action/…`, `/api/action/…`), its DataStore served by share's open-data guard; the DCAT-AP
 * catalog files (`/catalog.ttl`, `/catalog.jsonld`); Open311 GeoReport v2 (`/open311/v2/…`).
 */
export function registerRootRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (root) => {
    await root.register(ckanRoutes(ctx, ckanDatastore));
    // the open catalog files harvesters look for (DCAT-AP)
    await root.register(catalogFileRoutes(ctx));
    // Open311 GeoReport v2 over case handling, for the reporting applications that speak it
    await root.register(open311Routes(ctx));
  };
}
