/**
 * The demo city's geography (示范市): plausible outlines, not surveyed ones. The districts of
 * city.ts are a Voronoi tessellation of their seats (the larger districts given a few more seeds,
 * so the small urban districts stay small) clipped to an outline of the city; each district's
 * streets are Voronoi cells of seeded points inside it; the urban streets are divided into
 * communities (社区) and those into unit grid cells (单元网格) of about 0.7–1 km, coded per
 * GB/T 30428.1. Deterministic by seed; WGS84 coordinates rounded to 5 decimals.
 */
import { Delaunay } from 'd3-delaunay';
import polygonClipping, { type MultiPolygon as Geom } from 'polygon-clipping';
import { type AreaGeometry, contains, geo, gridCode, interiorPoint, type Level, planarArea, type Position, roundGeometry } from '../geo/index.ts';
import { departments, users } from '../identity/index.ts';
import { type Ctx, SYSTEM } from '../kernel/index.ts';
import { CITY, DISTRICTS } from './city.ts';
import { Prng } from './prng.ts';

/** East–west degrees are shorter than north–south ones at the city's latitude: Voronoi cells are drawn in x = lng · K. */
const K = Math.cos((30.2 * Math.PI) / 180);
/** One kilometre in degrees of latitude (and of x). */
const KM = 1 / 111.2;

/** The city's outline (lng, lat), roughly 杭州市's. */
const OUTLINE: Position[] = [
  [118.85, 30.15], [119.05, 30.38], [119.4, 30.5], [119.75, 30.45], [119.95, 30.57], [120.2, 30.56], [120.35, 30.55], [120.5, 30.42],
  [120.72, 30.32], [120.72, 30.15], [120.55, 30.05], [120.4, 29.95], [120.2, 29.92], [120.05, 29.85], [119.92, 29.68], [119.75, 29.55],
  [119.55, 29.3], [119.3, 29.18], [118.9, 29.25], [118.6, 29.38], [118.35, 29.55], [118.45, 29.8], [118.65, 29.95], [118.85, 30.15],
];

interface DistrictPlan {
  /** the seat first, then the seeds that widen a large district */
  seeds: Position[];
  /** Streets gridded (the first n of the district's list); all when the district is urban. */
  gridded: number;
  /** The district's built-up core: the gridded streets' seeds lie within r/2 of it (degrees), the others' beyond r, and only the part of the gridded streets within r is divided into communities and cells. */
  core?: { at: Position; r: number };
  /** Cell size in km. */
  cellKm: number;
}

const PLANS: Record<string, DistrictPlan> = {
  '330102': { seeds: [[120.17, 30.25], [120.21, 30.29]], gridded: 99, cellKm: 1 }, // 上城
  '330105': { seeds: [[120.14, 30.32], [120.17, 30.29]], gridded: 99, cellKm: 1 }, // 拱墅
  '330106': { seeds: [[120.13, 30.26], [120.08, 30.22], [120.07, 30.29]], gridded: 99, cellKm: 1.2 }, // 西湖
  '330108': { seeds: [[120.21, 30.21]], gridded: 99, cellKm: 0.9 }, // 滨江
  '330109': { seeds: [[120.26, 30.16], [120.45, 30.18], [120.3, 30.03], [120.15, 30.08]], gridded: 2, core: { at: [120.27, 30.17], r: 0.04 }, cellKm: 1 }, // 萧山
  '330110': { seeds: [[119.98, 30.42], [120.0, 30.28], [119.85, 30.4]], gridded: 2, core: { at: [120.0, 30.29], r: 0.04 }, cellKm: 1 }, // 余杭
  '330113': { seeds: [[120.3, 30.42], [120.22, 30.48]], gridded: 2, core: { at: [120.3, 30.42], r: 0.04 }, cellKm: 1 }, // 临平
  '330114': { seeds: [[120.49, 30.3], [120.36, 30.3], [120.62, 30.25]], gridded: 2, core: { at: [120.36, 30.3], r: 0.04 }, cellKm: 1 }, // 钱塘
  '330111': { seeds: [[119.96, 30.05], [119.8, 29.95], [120.08, 29.95]], gridded: 0, cellKm: 1 }, // 富阳
  '330112': { seeds: [[119.72, 30.23], [119.35, 30.3], [119.1, 30.2], [119.55, 30.4]], gridded: 0, cellKm: 1 }, // 临安
  '330122': { seeds: [[119.69, 29.79], [119.5, 29.9], [119.85, 29.7]], gridded: 0, cellKm: 1 }, // 桐庐
  '330127': { seeds: [[119.04, 29.61], [118.7, 29.6], [118.8, 29.85], [119.05, 29.4]], gridded: 0, cellKm: 1 }, // 淳安
  '330182': { seeds: [[119.28, 29.47], [119.45, 29.35], [119.5, 29.6], [119.25, 29.7]], gridded: 0, cellKm: 1 }, // 建德
};

/** Names of communities (社区), drawn without repeats across the city. */
const COMMUNITY_WORDS = [
  '东园', '西苑', '南苑', '北苑', '新华', '和平', '青年', '胜利', '朝晖', '文晖', '德胜', '潮鸣', '长庆', '天水', '米市', '卖鱼桥', '红建', '和睦',
  '上塘', '桥西', '东坡', '吴山', '柳翠', '劳动路', '馒头山', '近江', '采荷', '凯旋', '闸弄口', '彭埠', '九堡', '丁桥', '景芳', '三里亭', '翠苑',
  '文新', '古荡', '转塘', '双浦', '江汉', '冠山', '闻堰', '宁围', '新街', '金沙', '文泽', '学源', '高沙', '云水', '月雅', '江南', '滨文', '缤纷',
  '星民', '东信', '彩虹', '白马湖', '春波', '闻涛', '钱江', '之江', '凤凰', '玉皇', '莲花', '府苑', '金色', '阳光', '紫金', '晨光', '明月', '听涛',
  '枫桥', '杨柳', '桂花', '香樟', '银杏', '玉泉', '求是', '紫荆', '竹竿巷', '葛岭', '宝石', '松木场', '新村', '花园', '蔡马', '南肖埠', '常青',
  '梅花碑', '水澄桥', '望仙', '六和塔', '虎跑', '龙井', '茶园', '桃源', '荷花', '梧桐', '柳营', '蓝桥', '锦绣', '东方', '海潮', '文昌', '聚才',
];
const ORDINAL = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

export interface DemoArea {
  code: string;
  name: string;
  geometry: AreaGeometry;
  center: Position;
}

export interface DemoGeography {
  city: DemoArea[];
  districts: DemoArea[];
  streets: DemoArea[];
  communities: DemoArea[];
  grid: DemoArea[];
}

type Poly = Position[][];
type Multi = Poly[];

const toX = ([lng, lat]: Position): Position => [lng * K, lat];
const fromX = ([x, lat]: Position): Position => [x / K, lat];

function asGeometry(m: Multi): AreaGeometry {
  const polys = m.filter((p) => p.length && p[0]!.length >= 4);
  return roundGeometry(polys.length === 1 ? { type: 'Polygon', coordinates: polys[0]! } : { type: 'MultiPolygon', coordinates: polys });
}

const multiOf = (g: AreaGeometry): Multi => (g.type === 'Polygon' ? [g.coordinates as Poly] : (g.coordinates as Multi));

/** Is the point inside the convex ring (either winding)? */
function inConvex(ring: Position[], [x, y]: Position): boolean {
  let sign = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = ring[i]!; const [bx, by] = ring[i + 1]!;
    const c = Math.sign((bx - ax) * (y - ay) - (by - ay) * (x - ax));
    if (c && sign && c !== sign) return false;
    if (c) sign = c;
  }
  return true;
}

/**
 * A convex Voronoi cell clipped to an area. Most cells lie wholly inside: every corner inside the
 * area and no corner of the area inside the cell — those are kept as they are, unclipped.
 */
function clip(cell: Position[], within: AreaGeometry): Multi {
  const corners = multiOf(within).flatMap((p) => p.flat());
  if (cell.every((p) => contains(within, p[0], p[1])) && !corners.some((p) => inConvex(cell, p))) return [[cell]];
  return polygonClipping.intersection([cell] as unknown as Geom, multiOf(within) as unknown as Geom) as unknown as Multi;
}

/** Voronoi cells (lng, lat) of `seeds`, each clipped to `within`. */
function voronoiWithin(seeds: Position[], within: AreaGeometry): Multi[] {
  const [x0, y0, x1, y1] = bboxX(within);
  const pad = 0.05;
  const v = Delaunay.from(seeds.map(toX)).voronoi([x0 - pad, y0 - pad, x1 + pad, y1 + pad]);
  return seeds.map((_, i) => {
    const cell = (v.cellPolygon(i) ?? []).map((p) => fromX([p[0]!, p[1]!]));
    return cell.length >= 4 ? clip(cell, within) : [];
  });
}

function bboxX(g: AreaGeometry): [number, number, number, number] {
  let b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of multiOf(g)) for (const p of poly[0] ?? []) {
    const [x, y] = toX(p);
    b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
  }
  return b;
}

/** A seeded point inside `g` (within `r` of `near` when given, or beyond `r` when `outside`). */
function pointIn(rng: Prng, g: AreaGeometry, near?: { at: Position; r: number; outside?: boolean }): Position {
  const [x0, y0, x1, y1] = bboxX(g);
  for (let tries = 0; tries < 5000; tries++) {
    const p = fromX([x0 + rng.next() * (x1 - x0), y0 + rng.next() * (y1 - y0)]);
    if (!contains(g, p[0], p[1])) continue;
    if (near) {
      const [ax, ay] = toX(near.at); const [px, py] = toX(p);
      const d = Math.hypot(px - ax, py - ay);
      if (near.outside ? d <= near.r : d > near.r / 2) continue;
    }
    return p;
  }
  return interiorPoint(g);
}

/** Lloyd's relaxation: move each seed to its cell's centre a few times, for even cells. */
function relax(seeds: Position[], within: AreaGeometry, rounds: number): Position[] {
  let s = seeds;
  for (let k = 0; k < rounds; k++) {
    const cells = voronoiWithin(s, within);
    s = s.map((p, i) => (cells[i]!.length ? interiorPoint({ type: 'MultiPolygon', coordinates: cells[i]! }) : p));
  }
  return s;
}

/** A disc of radius r (degrees of latitude) round `at`, as a 48-gon in lng/lat. */
function disc(at: Position, r: number): AreaGeometry {
  const ring: Position[] = [];
  for (let k = 0; k <= 48; k++) {
    const a = (2 * Math.PI * (k % 48)) / 48;
    ring.push([at[0] + (r * Math.cos(a)) / K, at[1] + r * Math.sin(a)]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

const km2 = (g: AreaGeometry) => planarArea(g) * K / (KM * KM);

/** Seed points of the cells of a community: a jittered lattice of `cellKm`, kept where inside. */
function lattice(rng: Prng, g: AreaGeometry, cellKm: number): Position[] {
  const [x0, y0, x1, y1] = bboxX(g);
  const step = cellKm * KM;
  const ox = rng.next() * step; const oy = rng.next() * step;
  const out: Position[] = [];
  for (let y = y0 + oy; y <= y1; y += step) {
    for (let x = x0 + ox; x <= x1; x += step) {
      const p = fromX([x + (rng.next() - 0.5) * 0.3 * step, y + (rng.next() - 0.5) * 0.3 * step]);
      if (contains(g, p[0], p[1])) out.push(p);
    }
  }
  return out.length ? out : [interiorPoint(g)];
}

/** North-west first, row by row: the order cells are numbered in. */
const readingOrder = (a: Position, b: Position) => (Math.round((b[1] - a[1]) / (0.5 * KM)) || a[0] - b[0]);

function area(code: string, name: string, m: Multi): DemoArea {
  const geometry = asGeometry(m);
  return { code, name, geometry, center: interiorPoint(geometry).map((v) => Math.round(v * 1e5) / 1e5) as Position };
}

/** The demo city's areas, level by level (deterministic by seed). */
export function generateGeography(seed = 42): DemoGeography {
  const rng = new Prng(seed ^ 0x6e0);
  const outline: AreaGeometry = { type: 'Polygon', coordinates: [OUTLINE] };
  const out: DemoGeography = { city: [area(CITY.regionCode, CITY.name, [[OUTLINE]])], districts: [], streets: [], communities: [], grid: [] };

  // districts: the union of their seeds' cells
  const seeds = DISTRICTS.flatMap((d) => PLANS[d.code]!.seeds.map((s) => ({ d, s })));
  const cells = voronoiWithin(seeds.map((x) => x.s), outline);
  const districtShapes = new Map<string, AreaGeometry>();
  for (const d of DISTRICTS) {
    const mine = cells.filter((_, i) => seeds[i]!.d === d).filter((c) => c.length);
    const merged = (mine.length > 1 ? polygonClipping.union(mine[0] as Geom, ...(mine.slice(1) as Geom[])) : mine[0] ?? []) as Multi;
    const a = area(d.code, d.name, merged);
    districtShapes.set(d.code, a.geometry);
    out.districts.push(a);
  }

  const words = [...COMMUNITY_WORDS];
  const used = new Map<string, number>();
  const communityName = (r: Prng) => {
    const w = words.length ? words.splice(r.int(words.length), 1)[0]! : COMMUNITY_WORDS[r.int(COMMUNITY_WORDS.length)]!;
    const n = (used.get(w) ?? 0) + 1;
    used.set(w, n);
    return `${w}${n > 1 ? ORDINAL[n] ?? n : ''}社区`;
  };

  for (const d of DISTRICTS) {
    const plan = PLANS[d.code]!;
    const shape = districtShapes.get(d.code)!;
    const dr = rng.fork(Number(d.code));
    const gridded = Math.min(plan.gridded, d.streets.length);
    let streetSeeds = d.streets.map((_, i) => (plan.core ? pointIn(dr, shape, { ...plan.core, outside: i >= gridded }) : pointIn(dr, shape)));
    // urban districts: even streets; elsewhere the built-up streets stay together round the core
    if (!plan.core) streetSeeds = relax(streetSeeds, shape, 3);
    const streetCells = voronoiWithin(streetSeeds, shape);
    d.streets.forEach((streetName, si) => {
      const streetCode = `${d.code}${String(si + 1).padStart(3, '0')}`;
      const street = area(streetCode, streetName, streetCells[si]!);
      out.streets.push(street);
      if (si >= gridded) return;
      const sr = dr.fork(si + 1);
      // outside the urban districts only the built-up core is gridded
      const region = plan.core ? asGeometry(polygonClipping.intersection(multiOf(street.geometry) as Geom, multiOf(disc(plan.core.at, plan.core.r)) as Geom) as Multi) : street.geometry;
      if (!region.coordinates.length) return;
      const n = Math.max(2, Math.min(9, Math.round(km2(region) / 4)));
      const cSeeds = relax(Array.from({ length: n }, () => pointIn(sr, region)), region, 3);
      const communityCells = voronoiWithin(cSeeds, region);
      // communities numbered north-west first
      const order = cSeeds.map((p, i) => ({ p, i })).filter(({ i }) => communityCells[i]!.length).sort((a, b) => readingOrder(a.p, b.p));
      let cellNo = 0;
      order.forEach(({ i }, ci) => {
        const community = area(`${streetCode}${String(ci + 1).padStart(3, '0')}`, communityName(sr), communityCells[i]!);
        out.communities.push(community);
        const points = lattice(sr, community.geometry, plan.cellKm).sort(readingOrder);
        const gridCells = voronoiWithin(points, community.geometry);
        let seq = 0;
        points.forEach((_, k) => {
          if (!gridCells[k]!.length) return;
          const code = gridCode({ county: d.code, street: si + 1, community: ci + 1, cell: ++seq });
          out.grid.push(area(code, `${streetName}第${String(++cellNo).padStart(2, '0')}网格`, gridCells[k]!));
        });
      });
    });
  }
  return out;
}

/** A level's areas as the FeatureCollection `geo.importAreas` takes. */
export function featureCollection(areas: DemoArea[]) {
  return {
    type: 'FeatureCollection' as const,
    features: areas.map((a) => ({ type: 'Feature' as const, properties: { code: a.code, name: a.name, center: a.center }, geometry: a.geometry })),
  };
}

/** Grid workers per gridded street: handlers of 城市管理局 (CG), each assigned to a share of the street's cells. */
export const WORKERS_PER_STREET = 2;
/** Username of a demo grid worker, e.g. wg_330102001_1 (street code, number). */
export const gridWorkerName = (streetCode: string, n: number) => `wg_${streetCode}_${n}`;

export interface DemoGeoResult { areas: Record<Level, number>; workers: number; seconds: number }

/**
 * Import the demo geography level by level (as the platform, audited as any import) and, when the
 * city has its 城市管理局 (CG), create its grid workers and assign each to part of a street's cells.
 */
export async function loadDemoGeography(ctx: Ctx, opts: { seed?: number; password: string; onProgress?: (done: number, total: number, label: string) => void }): Promise<DemoGeoResult> {
  const t0 = performance.now();
  const g = generateGeography(opts.seed ?? 42);
  const levels: Array<[Level, DemoArea[]]> = [['city', g.city], ['district', g.districts], ['street', g.streets], ['community', g.communities], ['grid', g.grid]];
  const total = levels.length + 1;
  let done = 0;
  const counts = {} as Record<Level, number>;
  for (const [level, areas] of levels) {
    await geo.importAreas(ctx, SYSTEM, level, featureCollection(areas));
    counts[level] = areas.length;
    opts.onProgress?.(++done, total, level);
  }
  let workers = 0;
  const cg = await departments.byCode(ctx, 'CG');
  if (cg) {
    const byStreet = new Map<string, DemoArea[]>();
    for (const cell of g.grid) byStreet.set(cell.code.slice(0, 9), [...(byStreet.get(cell.code.slice(0, 9)) ?? []), cell]);
    const assignments: Array<{ gridCode: string; userIds: string[] }> = [];
    for (const [streetCode, cells] of byStreet) {
      const street = g.streets.find((s) => s.code === streetCode)!;
      // a street's workers made side by side: their password hashes overlap
      const ids = await Promise.all(Array.from({ length: WORKERS_PER_STREET }, async (_, k) => {
        const username = gridWorkerName(streetCode, k + 1);
        const found = await ctx.db.one<{ id: string }>('SELECT id FROM users WHERE username = $1', [username]);
        return found?.id ?? (await users.create(ctx, SYSTEM, { username, displayName: `${street.name}网格员${ORDINAL[k + 1]}`, role: 'handler', departmentId: cg.id, password: opts.password })).id;
      }));
      // the street's cells in reading order, shared out in runs: worker 一 the first half, worker 二 the rest
      cells.forEach((cell, k) => assignments.push({ gridCode: cell.code, userIds: [ids[Math.floor((k * ids.length) / cells.length)]!] }));
      workers += ids.length;
    }
    await geo.addWorkers(ctx, SYSTEM, assignments);
  }
  opts.onProgress?.(++done, total, 'workers');
  return { areas: counts, workers, seconds: (performance.now() - t0) / 1000 };
}
