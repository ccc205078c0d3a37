import { type AreaGeometry, type BBox, contains, inBBox } from './geometry.ts';
import type { Level } from './codes.ts';

/** One area as the index holds it. */
export interface IndexedArea {
  code: string;
  name: string;
  level: Level;
  parent: string | null;
  bbox: BBox;
  geometry: AreaGeometry;
}

export interface AreaRef { code: string; name: string }

/** Where a point lies: the area of each level that holds it, or null. */
export interface Location {
  district: AreaRef | null;
  street: AreaRef | null;
  community: AreaRef | null;
  grid: AreaRef | null;
}

const DOWN: Level[] = ['grid', 'community', 'street', 'district'];

/**
 * The areas of a city in memory, to tell where a point lies: a bounding-box test first, then
 * point in polygon. The deepest area that holds the point decides, and its ancestors follow from
 * the parent codes, so a point on a shared edge gets one consistent chain; levels the chain does
 * not reach are looked up on their own.
 */
export class AreaIndex {
  private readonly byCode = new Map<string, IndexedArea>();
  private readonly byLevel = new Map<Level, IndexedArea[]>();

  constructor(areas: Iterable<IndexedArea>) {
    for (const a of areas) {
      this.byCode.set(a.code, a);
      const list = this.byLevel.get(a.level) ?? [];
      list.push(a);
      this.byLevel.set(a.level, list);
    }
  }

  get size(): number {
    return this.byCode.size;
  }

  get(code: string): IndexedArea | undefined {
    return this.byCode.get(code);
  }

  /** The area of `level` that holds the point, if any. */
  find(level: Level, lng: number, lat: number): IndexedArea | undefined {
    for (const a of this.byLevel.get(level) ?? []) if (inBBox(a.bbox, lng, lat) && contains(a.geometry, lng, lat)) return a;
    return undefined;
  }

  locate(lng: number, lat: number): Location {
    const out: Location = { district: null, street: null, community: null, grid: null };
    for (const level of DOWN) {
      if (out[level as keyof Location]) continue;
      const hit = this.find(level, lng, lat);
      if (!hit) continue;
      // the hit and the ancestors its codes name
      for (let a: IndexedArea | undefined = hit; a; a = a.parent ? this.byCode.get(a.parent) : undefined) {
        if (a.level !== 'city' && !out[a.level as keyof Location]) out[a.level as keyof Location] = { code: a.code, name: a.name };
      }
    }
    return out;
  }
}
