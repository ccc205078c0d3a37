/**
 * GeoJSON areas as the platform keeps them: Polygon or MultiPolygon in WGS84 longitude/latitude.
 * Checking one (closed rings, coordinates in range), its bounding box, and a point inside it to
 * label it and to stand for it (the centroid when that falls inside, else the middle of the widest
 * span across the area at the centroid's latitude).
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { FieldError } from '../kernel/index.ts';

export type Position = [number, number];
export type Ring = Position[];
export interface PolygonGeometry { type: 'Polygon'; coordinates: Ring[] }
export interface MultiPolygonGeometry { type: 'MultiPolygon'; coordinates: Ring[][] }
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;
/** [min lng, min lat, max lng, max lat] */
export type BBox = [number, number, number, number];

/** The most positions one area may have (a unit grid cell has a handful; a district's outline some thousands). */
export const MAX_POSITIONS = 200_000;

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Why a value is no Polygon or MultiPolygon the platform can keep, as field errors under `field`. */
export function geometryErrors(g: unknown, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!g || typeof g !== 'object') return [{ field, message: 'a GeoJSON Polygon or MultiPolygon is required' }];
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') return [{ field: `${field}.type`, message: 'must be Polygon or MultiPolygon' }];
  if (!Array.isArray(coordinates) || coordinates.length === 0) return [{ field: `${field}.coordinates`, message: 'must be a non-empty array' }];
  const polygons = type === 'Polygon' ? [{ rings: coordinates, at: `${field}.coordinates` }] : coordinates.map((p, i) => ({ rings: p, at: `${field}.coordinates[${i}]` }));
  let positions = 0;
  for (const { rings, at } of polygons) {
    if (!Array.isArray(rings) || rings.length === 0) { errors.push({ field: at, message: 'a polygon is a non-empty array of rings' }); continue; }
    rings.forEach((ring: unknown, r) => {
      const rf = `${at}[${r}]`;
      if (!Array.isArray(ring) || ring.length < 4) { errors.push({ field: rf, message: 'a ring has at least 4 positions' }); return; }
      positions += ring.length;
      for (let k = 0; k < ring.length; k++) {
        const p = ring[k] as unknown;
        if (!Array.isArray(p) || p.length < 2 || !isNum(p[0]) || !isNum(p[1])) { errors.push({ field: `${rf}[${k}]`, message: 'a position is [longitude, latitude]' }); return; }
        if (p[0] < -180 || p[0] > 180) { errors.push({ field: `${rf}[${k}][0]`, message: `longitude ${p[0]} is outside -180…180` }); return; }
        if (p[1] < -90 || p[1] > 90) { errors.push({ field: `${rf}[${k}][1]`, message: `latitude ${p[1]} is outside -90…90 (is it [longitude, latitude]?)` }); return; }
      }
      const a = ring[0] as number[]; const z = ring[ring.length - 1] as number[];
      if (a[0] !== z[0] || a[1] !== z[1]) errors.push({ field: rf, message: 'the ring is not closed (its last position must repeat its first)' });
    });
    if (errors.length > 20) break;
  }
  if (positions > MAX_POSITIONS) errors.push({ field: `${field}.coordinates`, message: `more than ${MAX_POSITIONS} positions` });
  return errors;
}

export const polygonsOf = (g: AreaGeometry): Ring[][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

export function bboxOf(g: AreaGeometry): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polygonsOf(g)) for (const [x, y] of poly[0] ?? []) {
    if (x < b[0]) b[0] = x; if (y < b[1]) b[1] = y; if (x > b[2]) b[2] = x; if (y > b[3]) b[3] = y;
  }
  return b;
}

export const inBBox = (b: BBox, lng: number, lat: number) => lng >= b[0] && lng <= b[2] && lat >= b[1] && lat <= b[3];

/** Signed area and centroid of the outer rings less the holes (planar, in degrees: for labels, not measures). */
function centroid(g: AreaGeometry): { area: number; x: number; y: number } {
  let a = 0; let cx = 0; let cy = 0;
  for (const poly of polygonsOf(g)) for (const ring of poly) {
    let ra = 0; let rx = 0; let ry = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!; const [xj, yj] = ring[j]!;
      const f = xj * yi - xi * yj;
      ra += f; rx += (xi + xj) * f; ry += (yi + yj) * f;
    }
    // outer rings count positive, holes negative, whichever way they wind
    const sign = ring === poly[0] ? Math.sign(ra) || 1 : -(Math.sign(ra) || 1);
    a += sign * ra; cx += sign * rx; cy += sign * ry;
  }
  return { area: Math.abs(a / 2), x: a ? cx / (3 * a) : NaN, y: a ? cy / (3 * a) : NaN };
}

/** Does the area hold the point (holes excluded, its boundary included). */
export function contains(g: AreaGeometry, lng: number, lat: number): boolean {
  return booleanPointInPolygon([lng, lat], g);
}

/** The middle of the widest span across the area along the line `lat`, if the line crosses it. */
function widestSpanMiddle(g: AreaGeometry, lat: number): Position | undefined {
  let best: { w: number; p: Position } | undefined;
  for (const rings of polygonsOf(g)) {
    const xs: number[] = [];
    for (const ring of rings) for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!; const [xj, yj] = ring[j]!;
      if ((yi > lat) !== (yj > lat)) xs.push(((xj - xi) * (lat - yi)) / (yj - yi) + xi);
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const w = xs[k + 1]! - xs[k]!;
      if (!best || w > best.w) best = { w, p: [(xs[k]! + xs[k + 1]!) / 2, lat] };
    }
  }
  return best?.p;
}

/** A point inside the area to stand for it: the centroid when inside, else a point found across it. */
export function interiorPoint(g: AreaGeometry): Position {
  const c = centroid(g);
  if (Number.isFinite(c.x) && contains(g, c.x, c.y)) return [c.x, c.y];
  const b = bboxOf(g);
  const mid = Number.isFinite(c.y) ? c.y : (b[1] + b[3]) / 2;
  for (const t of [0, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4, -0.4]) {
    const p = widestSpanMiddle(g, mid + t * (b[3] - b[1]) + 1e-9);
    if (p) return p;
  }
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

/** Planar area in square degrees (for comparisons only). */
export const planarArea = (g: AreaGeometry) => centroid(g).area;

/** Round every coordinate to `digits` decimals (5: about a metre), dropping repeated positions. */
export function roundGeometry(g: AreaGeometry, digits = 5): AreaGeometry {
  const f = 10 ** digits;
  const r = (v: number) => Math.round(v * f) / f;
  const ring = (rg: Ring): Ring => {
    const out: Ring = [];
    for (const [x, y] of rg) {
      const p: Position = [r(x), r(y)];
      const last = out[out.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
    }
    const a = out[0]; const z = out[out.length - 1];
    if (a && z && (a[0] !== z[0] || a[1] !== z[1])) out.push([a[0], a[1]]);
    return out;
  };
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(ring)) };
}
