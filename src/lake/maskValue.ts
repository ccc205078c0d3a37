import { shanghaiDay } from '../kernel/index.ts';
import { AGE_PATTERN, COMPACT_DATE_PATTERN, DATE_PATTERN, keepArgs, type MaskKind, type MaskOptions, pseudonym, pseudonymKey } from './masks.ts';

/**
 * The masks of masks.ts computed in TypeScript, value by value, giving what the DuckDB macro gives
 * (for exports, previews and audit texts made outside a query). Both agree on every case in
 * test/fixtures/masks/vectors.json.
 *
 * Values are read as text the way DuckDB casts them to VARCHAR: numbers as JavaScript prints them
 * (whole numbers exactly), booleans as true/false, a Date as its ISO-8601 UTC text (as the lake
 * returns timestamps). Lengths count Unicode code points, as DuckDB's length() does.
 */
export function maskValue(kind: MaskKind, value: unknown, opts: MaskOptions = {}): string | number | null {
  const s = asText(value);
  switch (kind) {
    case 'name': return s === null ? null : maskName(s);
    case 'id':
    case 'bankcard': return s === null ? null : keepEnds(s, 6, 4);
    case 'phone': return s === null ? null : keepEnds(s, 3, 4);
    case 'address': return s === null ? null : (/^[^\n]*?[区县旗]/u.exec(s)?.[0] ?? '') + '****';
    case 'email': return s === null ? null : maskEmail(s);
    case 'keep': {
      const { first, last } = keepArgs(opts);
      return s === null ? null : keepEnds(s, first, last);
    }
    case 'year': return dateOf(s)?.year ?? null;
    case 'month': {
      const d = dateOf(s);
      return d ? `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}` : null;
    }
    case 'ageband': return ageBand(s, dateOf(shanghaiDay(opts.today ?? new Date()))!);
    case 'pseudonym': {
      const key = pseudonymKey(opts);
      return s === null ? null : pseudonym(s, key);
    }
    case 'null': return null;
    case 'none': return typeof value === 'string' || typeof value === 'number' ? value : s;
    default: throw new Error(`maskValue: unknown mask kind ${JSON.stringify(kind)}`);
  }
}

/** A value as the text DuckDB's CAST(… AS VARCHAR) gives (null for null and undefined). */
function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

const stars = (n: number) => '*'.repeat(Math.max(n, 0));

/** The first and last characters shown, the rest as stars; all stars when that would show everything (mask_keep). */
function keepEnds(s: string, first: number, last: number): string {
  const c = Array.from(s);
  if (c.length <= first + last) return stars(c.length);
  return c.slice(0, first).join('') + stars(c.length - first - last) + c.slice(c.length - last).join('');
}

function maskName(s: string): string {
  const n = Array.from(s).length;
  return n <= 1 ? stars(n) : n === 2 ? keepEnds(s, 1, 0) : keepEnds(s, 1, 1);
}

function maskEmail(s: string): string {
  const c = Array.from(s);
  const at = c.indexOf('@');
  if (at < 0) return c.slice(0, 1).join('') + '***';
  if (at === 0) return '***' + s;
  return c[0] + '***' + c.slice(at).join('');
}

interface Ymd { year: number; month: number; day: number }
const DATE_RE = new RegExp(DATE_PATTERN);
const COMPACT_DATE_RE = new RegExp(COMPACT_DATE_PATTERN);
const AGE_RE = new RegExp(AGE_PATTERN);

/** The day a text names (DATE_PATTERN), or null — including for days that do not exist. */
function dateOf(s: string | null): Ymd | null {
  const m = s === null ? null : (DATE_RE.exec(s) ?? COMPACT_DATE_RE.exec(s));
  if (!m) return null;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? { year, month, day } : null;
}

/** Full years from `birth` to `on`: the birthday completes a year (29 Feb: on 1 March in other years). */
const fullYears = (birth: Ymd, on: Ymd) => on.year - birth.year - (on.month * 100 + on.day < birth.month * 100 + birth.day ? 1 : 0);

/** The 10-year band of an age (AGE_PATTERN) or of a birth date on day `on`. */
function ageBand(s: string | null, on: Ymd): string | null {
  if (s === null) return null;
  const age = AGE_RE.exec(s);
  const birth = age ? null : dateOf(s);
  const a = age ? Number(age[1]) : birth ? fullYears(birth, on) : null;
  if (a === null || a < 0) return null;
  if (a >= 90) return '90+';
  const low = Math.floor(a / 10) * 10;
  return `${low}-${low + 9}`;
}
