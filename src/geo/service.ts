/**
 * The city's geography: administrative areas down to the unit grid cells (单元网格) and the grid
 * workers (网格员) of each cell. A city imports its own areas as GeoJSON, level by level; the
 * platform answers where a point lies (district, street, community, cell) from polygons it keeps
 * in memory.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../control/index.ts';
import { type Caller, type Ctx, type FieldError, isAdmin, problem, requireRole } from '../kernel/index.ts';
import { AreaIndex, type AreaRef, type IndexedArea, type Location } from './AreaIndex.ts';
import { CODE_LENGTH, codeError, type Level, LEVELS, levelOf, parentCodeOf } from './codes.ts';
import { type AreaGeometry, type BBox, bboxOf, geometryErrors, interiorPoint, type Position } from './geometry.ts';

/** The most features one import may hold. */
export const IMPORT_MAX_FEATURES = 50_000;
/** How long a server trusts its polygons in memory before reading them again (another server may have imported). */
const CACHE_MS = 60_000;

export interface AreaFeature {
  type: 'Feature';
  id: string;
  properties: { code: string; name: string; level: Level; parent: string | null; center: Position };
  geometry: AreaGeometry;
}
export interface AreaCollection { type: 'FeatureCollection'; features: AreaFeature[] }

export interface GridWorker {
  id: string; username: string; displayName: string; role: string;
  department: { id: string; code: string; name: string };
}

export interface GridCell {
  code: string; name: string; level: Level; parent: string | null; center: Position; bbox: BBox;
  district: AreaRef | null; street: AreaRef | null; community: AreaRef | null;
  workers: GridWorker[];
}

export interface ImportResult { level: Level; imported: number; created: number; updated: number }

/** The level whose areas hold the areas of `level`. */
const PARENT_LEVEL: Record<Level, Level | null> = { city: null, district: 'city', street: 'district', community: 'street', grid: 'community' };

interface AreaRow {
  code: string; name: string; level: Level; parent_code: string | null; geometry: AreaGeometry;
  center_lng: number; center_lat: number; min_lng: number; min_lat: number; max_lng: number; max_lat: number;
}

/** Per platform (its control plane): the polygons for locating, and the serialized collections. */
interface Cached { at: number; index?: Promise<AreaIndex>; collections: Map<string, { body: string; etag: string }> }
const caches = new WeakMap<object, Cached>();

function cacheOf(db: object): Cached {
  let c = caches.get(db);
  if (!c || Date.now() - c.at > CACHE_MS) {
    c = { at: Date.now(), collections: new Map() };
    caches.set(db, c);
  }
  return c;
}

const dropCache = (db: object) => caches.delete(db);

const ref = (a: { code: string; name: string } | undefined | null): AreaRef | null => (a ? { code: a.code, name: a.name } : null);

async function loadIndex(db: Queryable): Promise<AreaIndex> {
  const rows = await db.query<AreaRow>(`SELECT code, name, level, parent_code, geometry, min_lng, min_lat, max_lng, max_lat FROM geo_areas`);
  return new AreaIndex(rows.map((r): IndexedArea => ({
    code: r.code, name: r.name, level: r.level, parent: r.parent_code, geometry: r.geometry,
    bbox: [Number(r.min_lng), Number(r.min_lat), Number(r.max_lng), Number(r.max_lat)],
  })));
}

/** The polygons of the platform in memory (loaded on first use, dropped on import). */
function indexOf(ctx: Pick<Ctx, 'db'>): Promise<AreaIndex> {
  const c = cacheOf(ctx.db);
  c.index ??= loadIndex(ctx.db).catch((err) => { c.index = undefined; throw err; });
  return c.index;
}

interface CheckedFeature {
  code: string; name: string; parent: string | null; geometry: AreaGeometry; center: Position; bbox: BBox; properties: Record<string, unknown>;
}

const RESERVED = new Set(['code', 'name', 'level', 'parent', 'center']);
const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** Every feature checked against its level, the areas above it and GeoJSON; all errors at once. */
async function checkFeatures(db: Queryable, level: Level, fc: unknown): Promise<CheckedFeature[]> {
  if (!isObject(fc) || fc.type !== 'FeatureCollection') throw problem('validation', { zh: '须为 GeoJSON FeatureCollection', en: 'a GeoJSON FeatureCollection is required' }, [{ field: 'type', message: 'must be FeatureCollection' }]);
  const features = fc.features;
  if (!Array.isArray(features) || features.length === 0) throw problem('validation', { zh: '没有要导入的要素', en: 'no features to import' }, [{ field: 'features', message: 'a non-empty array is required' }]);
  if (features.length > IMPORT_MAX_FEATURES) throw problem('validation', { zh: `一次最多导入 ${IMPORT_MAX_FEATURES} 个要素`, en: `at most ${IMPORT_MAX_FEATURES} features at once` }, [{ field: 'features', message: `more than ${IMPORT_MAX_FEATURES}` }]);

  const errors: FieldError[] = [];
  const out: CheckedFeature[] = [];
  const seen = new Map<string, number>();
  const wantParents = new Set<string>();
  features.forEach((f: unknown, i) => {
    const at = `features[${i}]`;
    if (!isObject(f) || f.type !== 'Feature') { errors.push({ field: `${at}.type`, message: 'must be Feature' }); return; }
    const p = isObject(f.properties) ? f.properties : {};
    const before = errors.length;
    const code = p.code;
    const why = codeError(level, code);
    if (why) errors.push({ field: `${at}.properties.code`, message: why });
    else if (seen.has(code as string)) errors.push({ field: `${at}.properties.code`, message: `listed twice (also features[${seen.get(code as string)}])` });
    const name = typeof p.name === 'string' ? p.name.trim() : '';
    if (!name || name.length > 100) errors.push({ field: `${at}.properties.name`, message: 'a name of 1–100 characters is required' });
    let parent: string | null = null;
    if (!why) {
      seen.set(code as string, i);
      const derived = parentCodeOf(level, code as string);
      if (p.parent !== undefined && p.parent !== null && p.parent !== derived) {
        errors.push({ field: `${at}.properties.parent`, message: `the ${level} ${String(code)} lies in ${derived ?? 'no area'} by its code` });
      }
      parent = derived;
      if (parent && level !== 'district') wantParents.add(parent);
    }
    let center: Position | undefined;
    if (p.center !== undefined) {
      const c = p.center;
      if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => typeof v === 'number' && Number.isFinite(v)) || Math.abs(c[0]) > 180 || Math.abs(c[1]) > 90) {
        errors.push({ field: `${at}.properties.center`, message: 'a center is [longitude, latitude]' });
      } else center = [c[0], c[1]];
    }
    errors.push(...geometryErrors(f.geometry, `${at}.geometry`));
    if (errors.length > before) return;
    const geometry = f.geometry as AreaGeometry;
    const properties = Object.fromEntries(Object.entries(p).filter(([k]) => !RESERVED.has(k)));
    out.push({ code: code as string, name, parent, geometry: { type: geometry.type, coordinates: geometry.coordinates } as AreaGeometry, center: center ?? interiorPoint(geometry), bbox: bboxOf(geometry), properties });
  });

  // the areas above must be there already; a code may not change its level
  const known = new Map((await db.query<{ code: string; level: Level }>(
    `SELECT code, level FROM geo_areas WHERE code = ANY($1::text[])`, [[...new Set([...wantParents, ...seen.keys(), ...out.map((f) => f.parent).filter((c): c is string => !!c)])]],
  )).map((r) => [r.code, r.level]));
  const parentLevel = PARENT_LEVEL[level];
  for (const f of out) {
    const i = seen.get(f.code)!;
    const was = known.get(f.code);
    if (was && was !== level) errors.push({ field: `features[${i}].properties.code`, message: `${f.code} exists as a ${was}` });
    if (level === 'district') {
      // a district lies in its city when the city's outline was imported; else it stands alone
      if (f.parent && known.get(f.parent) !== 'city') f.parent = null;
    } else if (f.parent && known.get(f.parent) !== parentLevel) {
      errors.push({ field: `features[${i}].properties.code`, message: `no ${parentLevel} ${f.parent} to hold it: import the ${parentLevel} level first` });
    }
  }
  if (errors.length) {
    errors.sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field));
    throw problem('validation', { zh: `要素有误（${errors.length} 处），未导入任何区域`, en: `${errors.length} error(s) in the features; nothing was imported` }, errors.slice(0, 100));
  }
  return out;
}

const fieldOrder = (field: string) => Number(/^features\[(\d+)\]/.exec(field)?.[1] ?? -1);

const ROWS_PER_STATEMENT = 200;

async function upsert(tx: Queryable, level: Level, items: CheckedFeature[]): Promise<void> {
  for (let s = 0; s < items.length; s += ROWS_PER_STATEMENT) {
    const chunk = items.slice(s, s + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const values = chunk.map((f) => {
      const base = params.length;
      params.push(f.code, level, f.name, f.parent, JSON.stringify(f.geometry), f.center[0], f.center[1], ...f.bbox, JSON.stringify(f.properties));
      return `(${Array.from({ length: 12 }, (_, k) => `$${base + k + 1}`).map((p, k) => (k === 4 || k === 11 ? `${p}::jsonb` : p)).join(',')}, now())`;
    });
    await tx.query(
      `INSERT INTO geo_areas (code, level, name, parent_code, geometry, center_lng, center_lat, min_lng, min_lat, max_lng, max_lat, properties, updated_at)
       VALUES ${values.join(',')}
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, parent_code = EXCLUDED.parent_code, geometry = EXCLUDED.geometry,
         center_lng = EXCLUDED.center_lng, center_lat = EXCLUDED.center_lat, min_lng = EXCLUDED.min_lng, min_lat = EXCLUDED.min_lat,
         max_lng = EXCLUDED.max_lng, max_lat = EXCLUDED.max_lat, properties = EXCLUDED.properties, updated_at = EXCLUDED.updated_at`,
      params,
    );
  }
}

const badLevel = (level: unknown) => problem('validation', { zh: `层级须为 ${LEVELS.join('、')}`, en: `level must be one of ${LEVELS.join(', ')}` }, [{ field: 'level', message: `one of ${LEVELS.join(', ')}` }]);
const noArea = (code: string) => problem('not-found', { zh: `区域不存在：${code}`, en: `no area ${code}` });

async function workersOf(db: Queryable, gridCode: string): Promise<GridWorker[]> {
  const rows = await db.query<{ id: string; username: string; display_name: string; role: string; dept_id: string; dept_code: string; dept_name: string }>(
    `SELECT u.id, u.username, u.display_name, u.role, d.id AS dept_id, d.code AS dept_code, d.name AS dept_name
       FROM grid_workers g JOIN users u ON u.id = g.user_id JOIN departments d ON d.id = u.department_id
      WHERE g.grid_code = $1 ORDER BY u.display_name, u.username`, [gridCode]);
  return rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role, department: { id: r.dept_id, code: r.dept_code, name: r.dept_name } }));
}

export const geo = {
  /**
   * Import the areas of one level from a GeoJSON FeatureCollection (admins): each feature carries
   * `properties.code` (the area code of its level), `properties.name`, optionally `properties.center`
   * ([lng, lat]; else a point inside is computed) and any other properties, which are kept. Areas
   * of the level above must be there first. New codes are added, known ones replaced; all features
   * or none.
   */
  async importAreas(ctx: Ctx, caller: Caller, level: Level, featureCollection: unknown): Promise<ImportResult> {
    requireRole(caller, 'admin');
    if (!LEVELS.includes(level)) throw badLevel(level);
    const items = await checkFeatures(ctx.db, level, featureCollection);
    const result = await ctx.db.transaction(async (tx) => {
      const existing = await tx.query<{ code: string }>(`SELECT code FROM geo_areas WHERE code = ANY($1::text[])`, [items.map((f) => f.code)]);
      await upsert(tx, level, items);
      const r: ImportResult = { level, imported: items.length, created: items.length - existing.length, updated: existing.length };
      await ctx.audit.append(tx, caller, { action: 'geo.import', objectType: 'geo', objectId: level, details: { ...r, codes: items.slice(0, 20).map((f) => f.code) } });
      return r;
    });
    dropCache(ctx.db);
    return result;
  },

  /** The areas of a level (under `parent`: an area's code, or any ancestor's below the city) as GeoJSON. */
  async areas(ctx: Pick<Ctx, 'db'>, q: { level: Level; parent?: string }): Promise<AreaCollection> {
    return JSON.parse((await geo.areasJson(ctx, q)).body) as AreaCollection;
  },

  /** `areas` serialized once and kept with its entity tag, for the public route. */
  async areasJson(ctx: Pick<Ctx, 'db'>, q: { level: Level; parent?: string }): Promise<{ body: string; etag: string }> {
    if (!LEVELS.includes(q.level)) throw badLevel(q.level);
    const c = cacheOf(ctx.db);
    const key = `${q.level}|${q.parent ?? ''}`;
    const hit = c.collections.get(key);
    if (hit) return hit;
    const params: unknown[] = [q.level];
    let where = 'level = $1';
    if (q.parent) {
      const pl = levelOf(q.parent);
      params.push(q.parent);
      // below the city, codes nest: every area under a street starts with the street's code
      where += pl && pl !== 'city' && CODE_LENGTH[pl] < CODE_LENGTH[q.level] ? ` AND code LIKE $2 || '%'` : ' AND parent_code = $2';
    }
    const rows = await ctx.db.query<AreaRow>(`SELECT code, name, level, parent_code, geometry, center_lng, center_lat FROM geo_areas WHERE ${where} ORDER BY code`, params);
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: rows.map((r): AreaFeature => ({
        type: 'Feature', id: r.code,
        properties: { code: r.code, name: r.name, level: r.level, parent: r.parent_code, center: [Number(r.center_lng), Number(r.center_lat)] },
        geometry: r.geometry,
      })),
    });
    const out = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    if (c.collections.size > 200) c.collections.clear();
    c.collections.set(key, out);
    return out;
  },

  /** Where a point (WGS84) lies: the district, street, community and unit grid cell holding it, or nulls. */
  async locate(ctx: Pick<Ctx, 'db'>, lng: number, lat: number): Promise<Location> {
    if (!Number.isFinite(lng) || Math.abs(lng) > 180) throw problem('validation', 'lng: −180…180', [{ field: 'lng', message: 'longitude −180…180' }]);
    if (!Number.isFinite(lat) || Math.abs(lat) > 90) throw problem('validation', 'lat: −90…90', [{ field: 'lat', message: 'latitude −90…90' }]);
    return (await indexOf(ctx)).locate(lng, lat);
  },

  /** One area with the areas above it and, for a unit grid cell, its grid workers (signed-in callers). */
  async grid(ctx: Pick<Ctx, 'db'>, _caller: Caller, code: string): Promise<GridCell> {
    const r = await ctx.db.one<AreaRow>(`SELECT code, name, level, parent_code, center_lng, center_lat, min_lng, min_lat, max_lng, max_lat FROM geo_areas WHERE code = $1`, [code]);
    if (!r) throw noArea(code);
    const index = await indexOf(ctx);
    const chain: Partial<Record<Level, AreaRef>> = {};
    for (let p = r.parent_code ? index.get(r.parent_code) : undefined; p; p = p.parent ? index.get(p.parent) : undefined) chain[p.level] = ref(p)!;
    return {
      code: r.code, name: r.name, level: r.level, parent: r.parent_code, center: [Number(r.center_lng), Number(r.center_lat)],
      bbox: [Number(r.min_lng), Number(r.min_lat), Number(r.max_lng), Number(r.max_lat)],
      district: chain.district ?? null, street: chain.street ?? null, community: chain.community ?? null,
      workers: r.level === 'grid' ? await workersOf(ctx.db, code) : [],
    };
  },

  /** The grid workers of a unit grid cell. */
  async gridWorkers(ctx: Pick<Ctx, 'db'>, gridCode: string): Promise<GridWorker[]> {
    return workersOf(ctx.db, gridCode);
  },

  /**
   * Set the grid workers of a cell: admins set the whole list; a department's officer sets the
   * workers of their own department and leaves the others'. A worker is an active handler or
   * officer of a department.
   */
  async assignWorkers(ctx: Ctx, caller: Caller, gridCode: string, userIds: string[]): Promise<GridCell> {
    if (!(isAdmin(caller) || caller.role === 'officer')) throw problem('forbidden', '只有管理员或部门数据专员可以指派网格员 / only admins and officers assign grid workers');
    const cell = await ctx.db.one<{ level: Level }>(`SELECT level FROM geo_areas WHERE code = $1`, [gridCode]);
    if (!cell || cell.level !== 'grid') throw noArea(gridCode);
    const ids = [...new Set(userIds)];
    if (ids.length > 50) throw problem('validation', 'userIds: 一个网格最多 50 名网格员 / at most 50 workers per cell', [{ field: 'userIds', message: 'at most 50' }]);
    const users = new Map((await ctx.db.query<{ id: string; role: string; department_id: string | null; disabled: boolean }>(
      `SELECT id, role, department_id, disabled FROM users WHERE id = ANY($1::uuid[])`, [ids])).map((u) => [u.id, u]));
    const errors: FieldError[] = [];
    userIds.forEach((id, i) => {
      const u = users.get(id);
      if (!u) errors.push({ field: `userIds[${i}]`, message: 'no such user' });
      else if (u.disabled || !u.department_id || !['handler', 'officer'].includes(u.role)) errors.push({ field: `userIds[${i}]`, message: 'a grid worker is an active handler or officer of a department' });
      else if (!isAdmin(caller) && u.department_id !== caller.departmentId) errors.push({ field: `userIds[${i}]`, message: 'not of your department' });
    });
    if (errors.length) throw problem('validation', { zh: '网格员有误', en: 'invalid grid workers' }, errors);
    await ctx.db.transaction(async (tx) => {
      const scope = isAdmin(caller) ? '' : ` AND user_id IN (SELECT id FROM users WHERE department_id = $2)`;
      const before = (await tx.query<{ user_id: string }>(`SELECT user_id FROM grid_workers WHERE grid_code = $1${scope}`, isAdmin(caller) ? [gridCode] : [gridCode, caller.departmentId])).map((r) => r.user_id);
      await tx.query(`DELETE FROM grid_workers WHERE grid_code = $1${scope}`, isAdmin(caller) ? [gridCode] : [gridCode, caller.departmentId]);
      for (const id of ids) await tx.query(`INSERT INTO grid_workers (grid_code, user_id, assigned_at, assigned_by) VALUES ($1, $2, now(), $3)`, [gridCode, id, caller.id]);
      await ctx.audit.append(tx, caller, {
        action: 'geo.workers', objectType: 'grid', objectId: gridCode, departmentId: caller.departmentId,
        details: { added: ids.filter((id) => !before.includes(id)), removed: before.filter((id) => !ids.includes(id)) },
      });
    });
    return geo.grid(ctx, caller, gridCode);
  },

  /**
   * Add grid workers to many cells at once (admins; loading a city, the demo): one transaction, one
   * audit record. Workers already assigned stay; the same checks as `assignWorkers` apply.
   */
  async addWorkers(ctx: Ctx, caller: Caller, assignments: Array<{ gridCode: string; userIds: string[] }>): Promise<number> {
    requireRole(caller, 'admin');
    const ids = [...new Set(assignments.flatMap((a) => a.userIds))];
    const ok = new Set((await ctx.db.query<{ id: string }>(
      `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND NOT disabled AND department_id IS NOT NULL AND role IN ('handler','officer')`, [ids])).map((u) => u.id));
    const cells = new Set((await ctx.db.query<{ code: string }>(`SELECT code FROM geo_areas WHERE level = 'grid' AND code = ANY($1::text[])`, [assignments.map((a) => a.gridCode)])).map((r) => r.code));
    const errors: FieldError[] = [];
    assignments.forEach((a, i) => {
      if (!cells.has(a.gridCode)) errors.push({ field: `assignments[${i}].gridCode`, message: `no unit grid cell ${a.gridCode}` });
      a.userIds.forEach((id, k) => { if (!ok.has(id)) errors.push({ field: `assignments[${i}].userIds[${k}]`, message: 'a grid worker is an active handler or officer of a department' }); });
    });
    if (errors.length) throw problem('validation', { zh: '网格员有误', en: 'invalid grid workers' }, errors.slice(0, 100));
    const pairs = assignments.flatMap((a) => [...new Set(a.userIds)].map((u) => [a.gridCode, u] as const));
    await ctx.db.transaction(async (tx) => {
      for (let s = 0; s < pairs.length; s += ROWS_PER_STATEMENT) {
        const chunk = pairs.slice(s, s + ROWS_PER_STATEMENT);
        await tx.query(
          `INSERT INTO grid_workers (grid_code, user_id, assigned_at, assigned_by) VALUES ${chunk.map((_, k) => `($${2 * k + 1}, $${2 * k + 2}::uuid, now(), $${2 * chunk.length + 1}::uuid)`).join(',')} ON CONFLICT DO NOTHING`,
          [...chunk.flat(), caller.id],
        );
      }
      await ctx.audit.append(tx, caller, { action: 'geo.workers', objectType: 'grid', objectId: 'bulk', details: { cells: assignments.length, assignments: pairs.length } });
    });
    return pairs.length;
  },

  /** The unit grid cells a user is a grid worker of. */
  async cellsOf(ctx: Pick<Ctx, 'db'>, userId: string): Promise<AreaRef[]> {
    return ctx.db.query<AreaRef>(`SELECT a.code, a.name FROM grid_workers g JOIN geo_areas a ON a.code = g.grid_code WHERE g.user_id = $1 ORDER BY a.code`, [userId]);
  },
};
