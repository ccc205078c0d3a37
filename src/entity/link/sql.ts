/** SQL text helpers of the linkage engine: both sides of a pair, ids as text, generated table names. */
import { ident } from '../../lake/index.ts';
import type { Comparison, LinkSettings } from './types.ts';

export { ident, literal } from '../../lake/index.ts';

/** `l."col"` / `r."col"`. */
export const L = (col: string) => `l.${ident(col)}`;
export const R = (col: string) => `r.${ident(col)}`;

/** A record's id as text: pairs are ordered and joined on it whatever the id column's type. */
export const rid = (side: string, settings: Pick<LinkSettings, 'idColumn'>) => `CAST(${side}.${ident(settings.idColumn)} AS VARCHAR)`;

let counter = 0;
/** A fresh name for a temporary table of this connection. */
export function tempName(prefix: string): string {
  counter += 1;
  return `__link_${prefix}_${process.pid.toString(36)}_${counter}`;
}

/** A number as a SQL DOUBLE literal at full precision. */
export function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`link: not a finite number: ${x}`);
  return `CAST(${x.toPrecision(17)} AS DOUBLE)`;
}

/** The table holding the term frequencies of `column` on this connection. */
export const tfTable = (column: string) => `__link_tf_${column.replace(/\W/g, '_')}`;

/** Identifier-safe name built from column names: `given_name`, `surname_given_name`. */
export const safeName = (parts: string[]) => parts.join('_').replace(/\W+/g, '_').replace(/^_+|_+$/g, '') || 'c';

/**
 * Whether a blocking rule fixes the values a comparison reads (one of its columns is named in the
 * rule): training on that rule's pairs says nothing about that comparison's m, so the pass leaves it out.
 */
export function ruleUses(rule: string, c: Comparison): boolean {
  return c.columns.some((col) => {
    const esc = col.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^\\w"])"?${esc}"?($|[^\\w"])`).test(rule);
  });
}
