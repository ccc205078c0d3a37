/**
 * Duplicate and repeat reports: texts that say the same (character-bigram Jaccard similarity), at
 * places near each other (great-circle distance), within a time window.
 */

/** Reports this similar (0–1) … */
export const DUPLICATE_SIMILARITY = 0.3;
/** … within this distance (metres; reports without a point: the same grid cell or address) … */
export const DUPLICATE_METRES = 500;
/** … and this many days of each other are proposed as duplicates. */
export const DUPLICATE_DAYS = 7;

const NOISE = /[\s\p{P}\p{S}0-9a-zA-Z]+/gu;

/** The character bigrams of a text, punctuation, spaces, Latin letters and digits left out. */
export function bigrams(text: string): Set<string> {
  const chars = [...text.replace(NOISE, '')];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  if (chars.length === 1) out.add(chars[0]);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/** Metres between two points (haversine, mean Earth radius). */
export function metres(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Degrees of latitude and longitude that cover `m` metres around latitude `lat` (a box for an index). */
export function degreesAround(lat: number, m: number): { dLat: number; dLng: number } {
  const dLat = m / 111_320;
  return { dLat, dLng: m / (111_320 * Math.max(0.1, Math.cos((lat * Math.PI) / 180))) };
}

export interface Place { lng: number | null; lat: number | null; grid: string | null; address: string }

/** Are two places near: within DUPLICATE_METRES when both have points, else the same grid cell, else the same address. */
export function near(a: Place, b: Place): { near: boolean; metres: number | null } {
  if (a.lng !== null && a.lat !== null && b.lng !== null && b.lat !== null) {
    const m = metres({ lng: a.lng, lat: a.lat }, { lng: b.lng, lat: b.lat });
    return { near: m <= DUPLICATE_METRES, metres: Math.round(m) };
  }
  if (a.grid && b.grid) return { near: a.grid === b.grid, metres: null };
  return { near: !!a.address && a.address.trim() === b.address.trim(), metres: null };
}
