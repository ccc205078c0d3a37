/** Deterministic, unique identity numbers and credit codes for synthetic people and enterprises. */
import { idCardCheckDigit, orgCodeCheckChar, usccCheckChar, USCC_ALPHABET } from '../standards/index.ts';
import { Prng } from './prng.ts';

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1900, 0, 1);

// ISO strings for 1900-01-01 … 2099-12-31, built once: turning days into text is the hot path.
const ISO_DAYS: string[] = [];
for (let d = 0, t = EPOCH_1900; d < 73_049; d++, t += DAY_MS) ISO_DAYS.push(new Date(t).toISOString().slice(0, 10));

export function isoFromDay(day: number): string {
  return ISO_DAYS[day] ?? new Date(EPOCH_1900 + day * DAY_MS).toISOString().slice(0, 10);
}

const YEAR_START: number[] = [];
for (let y = 1900, d = 0; y <= 2100; y++) {
  YEAR_START.push(d);
  d += (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365;
}
const MONTH_START = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** Days since 1900-01-01 of a YYYY-MM-DD string (no Date parsing: this runs per row). */
export function dayFromIso(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  if (y < 1900 || y > 2100) return Math.round((Date.parse(iso + 'T00:00:00Z') - EPOCH_1900) / DAY_MS);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return YEAR_START[y - 1900]! + MONTH_START[m - 1]! + (leap && m > 2 ? 1 : 0) + d - 1;
}

/**
 * Hands out 18-digit ID numbers with no repeats: for each (area, birth day, sex) a counter
 * gives the 3-digit sequence (odd for men, even for women), so 500 people of one sex can
 * share an area and a birthday. Memory is fixed: 2 bytes per (area, day, sex) slot.
 */
export class IdIssuer {
  private readonly areaIndex = new Map<string, number>();
  private readonly counters: Uint16Array;
  private readonly days: number;

  constructor(
    private readonly maxAreas: number,
    lastIso: string,
  ) {
    this.days = dayFromIso(lastIso) + 1;
    this.counters = new Uint16Array(maxAreas * this.days * 2);
  }

  /** Issue a number; `birthDay` is days since 1900-01-01. Moves to the next day if a slot is full. */
  issue(area: string, birthDay: number, male: boolean): { id: string; birthDay: number } {
    let a = this.areaIndex.get(area);
    if (a === undefined) {
      if (this.areaIndex.size >= this.maxAreas) throw new Error('IdIssuer: too many area codes');
      a = this.areaIndex.size;
      this.areaIndex.set(area, a);
    }
    let day = birthDay;
    for (;;) {
      const slot = (a * this.days + day) * 2 + (male ? 1 : 0);
      const n = this.counters[slot]!;
      if (n < 500) {
        this.counters[slot] = n + 1;
        // An even offset per (area, day) spreads sequences over 000-999 while keeping them
        // distinct (n < 500) and keeping the parity that encodes sex.
        const offset = ((a * 7919 + day * 104729) % 500) * 2;
        const seq = (offset + n * 2 + (male ? 1 : 0)) % 1000;
        const iso = isoFromDay(day);
        const first17 = area + iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + String(seq).padStart(3, '0');
        return { id: first17 + idCardCheckDigit(first17), birthDay: day };
      }
      day = day > 0 ? day - 1 : day + 1;
    }
  }
}

/** Unique USCCs: type prefix + area + organization code (MA… after 2015, digits before). */
export class UsccIssuer {
  private readonly seen = new Set<string>();

  issue(rng: Prng, prefix: string, area: string, foundedYear: number): string {
    for (;;) {
      let body = '';
      if (foundedYear >= 2015) {
        body = 'MA';
        for (let i = 0; i < 6; i++) body += USCC_ALPHABET[rng.int(USCC_ALPHABET.length)];
      } else {
        body = String(rng.between(10000000, 79999999));
      }
      const org = body + orgCodeCheckChar(body);
      const first17 = prefix + area + org;
      if (!/^[0-9A-HJ-NPQRTUW-Y]{17}$/.test(first17)) continue;
      const code = first17 + usccCheckChar(first17);
      if (this.seen.has(code)) continue;
      this.seen.add(code);
      return code;
    }
  }
}

const MOBILE_PREFIXES = ['130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '166', '173', '176', '177', '178', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199'];

export function drawMobile(rng: Prng): string {
  return rng.pick(MOBILE_PREFIXES) + String(rng.int(100_000_000)).padStart(8, '0');
}

const FULL_WIDTH_OFFSET = 0xfee0;

/** Digits and letters to full-width (as typed with a Chinese input method). */
export function toFullWidth(s: string): string {
  return s.replace(/[0-9A-Za-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + FULL_WIDTH_OFFSET));
}

/** 18-digit → the 15-digit form it was upgraded from (drop "19" and the check digit). */
export function downgradeTo15(id18: string): string | null {
  if (!/^\d{6}19\d{9}[\dX]$/.test(id18)) return null;
  return id18.slice(0, 6) + id18.slice(8, 17);
}
