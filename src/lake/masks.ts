import { createHash } from 'node:crypto';
import { shanghaiDay } from '../kernel/index.ts';
import { literal } from './sql.ts';

/**
 * Masking macros (Chinese conventions), DuckDB SQL macros so they run vectorised. Installed in the
 * catalog of the lake's DuckDB instance, so every connection sees them. Every macro returns NULL
 * for NULL and accepts any type (the value is read as text). `maskValue` (maskValue.ts) computes
 * the same in TypeScript; test/fixtures/masks/vectors.json holds the cases both must agree on.
 */
const V = (p: string) => `CAST(${p} AS VARCHAR)`;
const STARS = (n: string) => `repeat('*', greatest(${n}, 0)::BIGINT)`;

/**
 * The dates the date masks (year, month, ageband) read, as text: `YYYY-MM-DD` (or with `/` or `.`,
 * month and day of one or two digits), optionally followed by a time after `T` or a space — which
 * covers DATE and TIMESTAMP values and ISO-8601 text — or `YYYYMMDD`; spaces around are ignored.
 * Anything else, and days that do not exist (2026-02-30), read as no date. One pattern, used by the
 * SQL (RE2) and the TypeScript twin alike.
 */
export const DATE_PATTERN = String.raw`^[ \t\r\n]*([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[T ][\s\S]*)?[ \t\r\n]*$`;
export const COMPACT_DATE_PATTERN = String.raw`^[ \t\r\n]*([0-9]{4})([0-9]{2})([0-9]{2})[ \t\r\n]*$`;
/** An age, for ageband: a whole or decimal number of at most three digits before the point (the decimals are dropped). */
export const AGE_PATTERN = String.raw`^[ \t\r\n]*([0-9]{1,3})(?:\.[0-9]*)?[ \t\r\n]*$`;

const datePartsSql = (pattern: string, s: string) =>
  `TRY_CAST(${[1, 2, 3].map((g) => `regexp_extract(${V(s)}, ${literal(pattern)}, ${g})`).join(` || '-' || `)} AS DATE)`;

export const MASK_MACROS: Record<string, string> = {
  // show the first n and last m characters; if that would show everything: all stars
  mask_keep: `mask_keep(s, first_n, last_n) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN length(${V('s')}) <= greatest(first_n, 0) + greatest(last_n, 0) THEN ${STARS(`length(${V('s')})`)}
    ELSE left(${V('s')}, greatest(first_n, 0)::BIGINT) || ${STARS(`length(${V('s')}) - greatest(first_n, 0) - greatest(last_n, 0)`)}
      || right(${V('s')}, greatest(last_n, 0)::BIGINT) END`,
  // 张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜, 张 → *
  mask_name: `mask_name(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN length(${V('s')}) <= 1 THEN ${STARS(`length(${V('s')})`)}
    WHEN length(${V('s')}) = 2 THEN left(${V('s')}, 1) || '*'
    ELSE left(${V('s')}, 1) || ${STARS(`length(${V('s')}) - 2`)} || right(${V('s')}, 1) END`,
  // ID card: first 6 + stars + last 4 (18 digits → 6 + 8 stars + 4); 10 characters or fewer: all stars
  mask_id: `mask_id(s) AS mask_keep(s, 6, 4)`,
  // bank card: first 6 (the issuer, BIN) + stars + last 4; 10 characters or fewer: all stars
  mask_bankcard: `mask_bankcard(s) AS mask_keep(s, 6, 4)`,
  // 13812345678 → 138****5678; shorter than 8 characters: all stars
  mask_phone: `mask_phone(s) AS mask_keep(s, 3, 4)`,
  // 北京市朝阳区建国路88号 → 北京市朝阳区****; cut after the first 区/县/旗; none: ****
  mask_address: `mask_address(s) AS CASE
    WHEN s IS NULL THEN NULL
    ELSE regexp_extract(${V('s')}, '^.*?[区县旗]') || '****' END`,
  // zhangsan@example.com → z***@example.com; no @: first character + ***
  mask_email: `mask_email(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN strpos(${V('s')}, '@') = 0 THEN left(${V('s')}, 1) || '***'
    WHEN strpos(${V('s')}, '@') = 1 THEN '***' || ${V('s')}
    ELSE left(${V('s')}, 1) || '***' || substr(${V('s')}, strpos(${V('s')}, '@')) END`,
  // the DATE a value names (see DATE_PATTERN), or NULL
  mask_date_of: `mask_date_of(s) AS CASE
    WHEN regexp_matches(${V('s')}, ${literal(DATE_PATTERN)}) THEN ${datePartsSql(DATE_PATTERN, 's')}
    WHEN regexp_matches(${V('s')}, ${literal(COMPACT_DATE_PATTERN)}) THEN ${datePartsSql(COMPACT_DATE_PATTERN, 's')} END`,
  // a date → its year as an INTEGER; no date → NULL
  mask_year: `mask_year(d) AS CAST(year(mask_date_of(d)) AS INTEGER)`,
  // a date → 'YYYY-MM'; no date → NULL
  mask_month: `mask_month(d) AS strftime(mask_date_of(d), '%Y-%m')`,
  // full years from birth day b to day t: the birthday itself completes a year (29 Feb: on 1 March in other years)
  mask_full_years: `mask_full_years(b, t) AS year(t) - year(b) - CASE WHEN month(t) * 100 + day(t) < month(b) * 100 + day(b) THEN 1 ELSE 0 END`,
  // an age → its 10-year band: 0-9, 10-19, … 80-89, 90+; a negative age (born after the day) → NULL
  mask_age_band: `mask_age_band(a) AS CASE
    WHEN a IS NULL OR a < 0 THEN NULL
    WHEN a >= 90 THEN '90+'
    ELSE CAST(a // 10 * 10 AS VARCHAR) || '-' || CAST(a // 10 * 10 + 9 AS VARCHAR) END`,
  // a birth date (or an age, see AGE_PATTERN) → the age band on day t
  mask_ageband_at: `mask_ageband_at(s, t) AS mask_age_band(CASE
    WHEN regexp_matches(${V('s')}, ${literal(AGE_PATTERN)}) THEN CAST(regexp_extract(${V('s')}, ${literal(AGE_PATTERN)}, 1) AS INTEGER)
    ELSE mask_full_years(mask_date_of(s), CAST(t AS DATE)) END)`,
  // … on today's date in Shanghai
  mask_ageband: `mask_ageband(s) AS mask_ageband_at(s, CAST(timezone('Asia/Shanghai', now()) AS DATE))`,
  // keyed pseudonym, stable so records still link: 'P' + 16 hex of sha256(key || sha256(key || s))
  pseudonym: `pseudonym(s, k) AS CASE
    WHEN s IS NULL THEN NULL
    ELSE 'P' || substr(sha256(${V('k')} || sha256(${V('k')} || ${V('s')})), 1, 16) END`,
};

/** The statements that install every macro (idempotent; helpers come before the macros that use them). */
export function maskMacroSql(): string {
  return Object.values(MASK_MACROS)
    .map((m) => `CREATE OR REPLACE MACRO ${m};`)
    .join('\n');
}

/** The same keyed pseudonym as the `pseudonym` macro, computed in JS (e.g. for audit subject keys). */
export function pseudonym(s: string, key: string): string {
  const h = (x: string) => createHash('sha256').update(x, 'utf8').digest('hex');
  return 'P' + h(key + h(key + s)).slice(0, 16);
}

/**
 * Every way a value can be shown masked — the one list: fields name theirs (`Field.mask`), the
 * guard applies them, the API's schema enumerates them. `none` shows the value as it is (a field
 * that is never masked); `null` hides it entirely.
 */
export const MASK_KINDS = ['name', 'id', 'phone', 'address', 'email', 'bankcard', 'year', 'month', 'ageband', 'keep', 'pseudonym', 'null', 'none'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

export interface MaskOptions {
  /** keep: characters shown at the start (default 1). */
  first?: number;
  /** keep: characters shown at the end (default 1). */
  last?: number;
  /** pseudonym: the secret key (required). */
  key?: string;
  /** ageband: the instant whose Shanghai day ages are counted to (default: today). */
  today?: Date;
}

/**
 * How much a mask hides: 0 shows the value (`none`); 1 shows part of it or a generalisation
 * (name, id, phone, address, email, bankcard, keep with its first/last, year, month, ageband);
 * 2 replaces it by a keyed pseudonym (records still link, nothing of the value shows); 3 hides it
 * (`null`). A share grant may only tighten the default mask of a field's level — a grant's mask must
 * not rank below it — unless the data owner approves the loosening. Masks of the same rank are
 * neither tighter nor looser than each other.
 */
export const MASK_STRICTNESS: Readonly<Record<MaskKind, number>> = Object.freeze({
  none: 0,
  name: 1, id: 1, phone: 1, address: 1, email: 1, bankcard: 1, keep: 1, year: 1, month: 1, ageband: 1,
  pseudonym: 2,
  null: 3,
});

/** A mask's rank in MASK_STRICTNESS. */
export const maskRank = (kind: MaskKind): number => MASK_STRICTNESS[kind];

/** Whether mask `a` hides strictly more than mask `b`. */
export const isTighter = (a: MaskKind, b: MaskKind): boolean => maskRank(a) > maskRank(b);

/** The SQL expression that masks `columnExpr` (already a valid SQL expression, e.g. a quoted column). */
export function maskSql(kind: MaskKind, columnExpr: string, opts: MaskOptions = {}): string {
  switch (kind) {
    case 'name':
    case 'id':
    case 'phone':
    case 'address':
    case 'email':
    case 'bankcard':
    case 'year':
    case 'month':
      return `mask_${kind}(${columnExpr})`;
    case 'ageband':
      return opts.today ? `mask_ageband_at(${columnExpr}, DATE ${literal(shanghaiDay(opts.today))})` : `mask_ageband(${columnExpr})`;
    case 'keep': {
      const { first, last } = keepArgs(opts);
      return `mask_keep(${columnExpr}, ${first}, ${last})`;
    }
    case 'pseudonym':
      return `pseudonym(${columnExpr}, ${literal(pseudonymKey(opts))})`;
    case 'null':
      return 'CAST(NULL AS VARCHAR)';
    case 'none':
      return columnExpr;
    default:
      throw new Error(`maskSql: unknown mask kind ${JSON.stringify(kind)}`);
  }
}

/** keep's first and last, checked (defaults 1 and 1). */
export function keepArgs(opts: MaskOptions): { first: number; last: number } {
  return { first: intArg(opts.first ?? 1, 'first'), last: intArg(opts.last ?? 1, 'last') };
}

/** pseudonym's key, which must be given. */
export function pseudonymKey(opts: MaskOptions): string {
  if (!opts.key) throw new Error('maskSql: pseudonym needs a key');
  return opts.key;
}

function intArg(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new Error(`maskSql: ${name} must be an integer 0..1000`);
  return n;
}
