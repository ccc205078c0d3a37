import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, Literals, Uuid } from '../kernel/index.ts';
import { LEVELS } from './codes.ts';
import { geo, IMPORT_MAX_FEATURES } from './service.ts';

const TAGS = ['geo'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Level = Literals(LEVELS);
const AreaCode = Type.String({ pattern: '^\\d{6}(\\d{3}){0,3}$', description: '区域代码：区县 6 位（GB/T 2260）、街道 9 位、社区 12 位、单元网格 15 位（GB/T 30428.1）/ area code: county 6 digits, street 9, community 12, unit grid cell 15' });
const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[经度, 纬度] WGS84 / [longitude, latitude]' });
const AreaRef = Nullable(Type.Object({ code: Type.String(), name: Type.String() }));
const Collection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'), id: Type.String(),
    properties: Type.Object({ code: Type.String(), name: Type.String(), level: Level, parent: Nullable(Type.String()), center: Position }),
    geometry: Type.Object({ type: Literals(['Polygon', 'MultiPolygon'] as const), coordinates: Type.Array(Type.Unknown()) }),
  })),
}, { $id: 'GeoAreas', description: 'GeoJSON FeatureCollection（WGS84）' });
const Location = Type.Object({ district: AreaRef, street: AreaRef, community: AreaRef, grid: AreaRef }, { $id: 'GeoLocation' });
const Worker = Type.Object({
  id: Type.String(), username: Type.String(), displayName: Type.String(), role: Type.String(),
  department: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
});
const Cell = Type.Object({
  code: Type.String(), name: Type.String(), level: Level, parent: Nullable(Type.String()), center: Position,
  bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[最小经度, 最小纬度, 最大经度, 最大纬度] / [min lng, min lat, max lng, max lat]' }),
  district: AreaRef, street: AreaRef, community: AreaRef,
  workers: Type.Array(Worker, { description: '网格员（单元网格）/ grid workers (unit grid cells)' }),
}, { $id: 'GeoCell' });
const ImportResult = Type.Object({ level: Level, imported: Type.Integer(), created: Type.Integer(), updated: Type.Integer() });
const ImportBody = Type.Object({
  level: Level,
  featureCollection: Type.Object({
    type: Type.String({ description: 'FeatureCollection' }),
    features: Type.Array(Type.Unknown(), { maxItems: IMPORT_MAX_FEATURES, description: '要素：properties.code、properties.name，可选 properties.center；geometry 为 Polygon 或 MultiPolygon / features with properties.code, properties.name, optional properties.center; Polygon or MultiPolygon geometry' }),
  }, { additionalProperties: true }),
}, { additionalProperties: false });
/** Areas change seldom: clients and proxies may keep an answer five minutes, and revalidate it by its tag. */
const AREAS_CACHE = 'public, max-age=300, stale-while-revalidate=60';
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

/** The geography API: areas as GeoJSON (public), locating a point (public), grid cells and their workers. */
export function geoRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/geo/areas', {
      config: { public: true },
      schema: {
        tags: TAGS, security: [], summary: '区域边界（GeoJSON，免登录）：区县、街道、社区、单元网格 / area outlines as GeoJSON (public): districts, streets, communities, grid cells',
        querystring: Type.Object({ level: Level, parent: Type.Optional(AreaCode) }),
        response: { 200: Collection, 304: Type.Null({ description: '未变化 / not modified' }) },
      },
    }, async (req, reply) => {
      const { body, etag } = await geo.areasJson(ctx, req.query);
      reply.header('cache-control', AREAS_CACHE).header('etag', etag);
      if (req.headers['if-none-match'] === etag) return reply.code(304).send(null);
      // serialized once per change of the areas, sent as it is
      return reply.type('application/json; charset=utf-8').send(body as never);
    });

    app.post('/geo/areas', {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: TAGS, summary: '导入一个层级的区域（管理员；GeoJSON，全部成功或全部不写）/ import the areas of one level (admin; GeoJSON, all or nothing)',
        body: ImportBody, response: { 200: ImportResult },
      },
    }, async (req) => geo.importAreas(ctx, callerOf(req), req.body.level, req.body.featureCollection));

    app.get('/geo/locate', {
      config: { public: true },
      schema: {
        tags: TAGS, security: [], summary: '坐标所在的区县、街道、社区与单元网格（免登录）/ the district, street, community and grid cell of a point (public)',
        querystring: Type.Object({ lng: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }),
        response: { 200: Location },
      },
    }, async (req) => geo.locate(ctx, req.query.lng, req.query.lat));

    app.get('/geo/grid/:code', {
      schema: {
        tags: TAGS, summary: '区域详情：上级区域与网格员 / an area with the areas above it and its grid workers',
        params: Type.Object({ code: AreaCode }), response: { 200: Cell },
      },
    }, async (req) => geo.grid(ctx, callerOf(req), req.params.code));

    app.put('/geo/grid/:code/workers', {
      schema: {
        tags: TAGS, summary: '指派单元网格的网格员（管理员；数据专员指派本部门人员）/ set a grid cell\'s workers (admin; an officer sets their department\'s)',
        params: Type.Object({ code: Type.String({ pattern: '^\\d{15}$' }) }),
        body: Type.Object({ userIds: Type.Array(Uuid, { maxItems: 50 }) }, { additionalProperties: false }),
        response: { 200: Cell },
      },
    }, async (req) => geo.assignWorkers(ctx, callerOf(req), req.params.code, req.body.userIds));
  };
}
