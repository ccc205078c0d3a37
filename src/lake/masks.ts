import { createHash } from 'node:crypto';
import { literal } from './sql.ts';

/**
 * Masking macros (Chinese conventions), DuckDB SQL macros so they run vectorised. Installed in the
 * catalog of the lake's DuckDB instance, so every connection sees them. Every macro returns NULL
 * for NULL and accepts any type (the value is read as text).
 */
const V = (p: string) => `CAST(${p} AS VARCHAR)`;
const STARS = (n: string) => `repeat('*', greatest(${n}, 0)::BIGINT)`;

export const MASK_MACROS: Record<string, string> = {
  // 张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜, 张 → *
  mask_name: `mask_name(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN length(${V('s')}) <= 1 THEN ${STARS(`length(${V('s')})`)}
    WHEN length(${V('s')}) = 2 THEN left(${V('s')}, 1) || '*'
    ELSE left(${V('s')}, 1) || ${STARS(`length(${V('s')}) - 2`)} || right(${V('s')}, 1) END`,
  // ID card: first 6 + stars + last 4 (18 digits → 6 + 8 stars + 4); 10 characters or fewer: all stars
  mask_id: `mask_id(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN length(${V('s')}) <= 10 THEN ${STARS(`length(${V('s')})`)}
    ELSE left(${V('s')}, 6) || ${STARS(`length(${V('s')}) - 10`)} || right(${V('s')}, 4) END`,
  // 13812345678 → 138****5678; shorter than 8 characters: all stars
  mask_phone: `mask_phone(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN length(${V('s')}) < 8 THEN ${STARS(`length(${V('s')})`)}
    ELSE left(${V('s')}, 3) || ${STARS(`length(${V('s')}) - 7`)} || right(${V('s')}, 4) END`,
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
  // show the first n and last m characters; if that would show everything: all stars
  mask_keep: `mask_keep(s, first_n, last_n) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN length(${V('s')}) <= greatest(first_n, 0) + greatest(last_n, 0) THEN ${STARS(`length(${V('s')})`)}
    ELSE left(${V('s')}, greatest(first_n, 0)::BIGINT) || ${STARS(`length(${V('s')}) - greatest(first_n, 0) - greatest(last_n, 0)`)}
      || right(${V('s')}, greatest(last_n, 0)::BIGINT) END`,
  // a date (or timestamp, or ISO date text) → its year as an INTEGER; unparseable text → NULL
  mask_year: `mask_year(d) AS CAST(year(TRY_CAST(d AS DATE)) AS INTEGER)`,
  // keyed pseudonym, stable so records still link: 'P' + 16 hex of sha256(key || sha256(key || s))
  pseudonym: `pseudonym(s, k) AS CASE
    WHEN s IS NULL THEN NULL
    ELSE 'P' || substr(sha256(${V('k')} || sha256(${V('k')} || ${V('s')})), 1, 16) END`,
};

/** The statements that install every macro (idempotent). */
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
export const MASK_KINDS = ['name', 'id', 'phone', 'address', 'email', 'year', 'keep', 'pseudonym', 'null', 'none'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

export interface MaskOptions {
  /** keep: characters shown at the start (default 1). */
  first?: number;
  /** keep: characters shown at the end (default 1). */
  last?: number;
  /** pseudonym: the secret key (required). */
  key?: string;
}

/** The SQL expression that masks `columnExpr` (already a valid SQL expression, e.g. a quoted column). */
export function maskSql(kind: MaskKind, columnExpr: string, opts: MaskOptions = {}): string {
  switch (kind) {
    case 'name':
    case 'id':
    case 'phone':
    case 'address':
    case 'email':
    case 'year':
      return `mask_${kind}(${columnExpr})`;
    case 'keep': {
      const first = intArg(opts.first ?? 1, 'first');
      const last = intArg(opts.last ?? 1, 'last');
      return `mask_keep(${columnExpr}, ${first}, ${last})`;
    }
    case 'pseudonym':
      if (!opts.key) throw new Error('maskSql: pseudonym needs a key');
      return `pseudonym(${columnExpr}, ${literal(opts.key)})`;
    case 'null':
      return 'CAST(NULL AS VARCHAR)';
    case 'none':
      return columnExpr;
    default:
      throw new Error(`maskSql: unknown mask kind ${JSON.stringify(kind)}`);
  }
}

function intArg(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new Error(`maskSql: ${name} must be an integer 0..1000`);
  return n;
}
