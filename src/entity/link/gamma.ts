/** A comparison as SQL: its level index for a pair (gamma) — -1 when it cannot be made, levels.length for "else". */
import type { Comparison } from './types.ts';
import { L, R } from './sql.ts';

export const gammaCol = (c: Pick<Comparison, 'name'>) => `gamma_${c.name}`;
export const bfCol = (c: Pick<Comparison, 'name'>) => `bf_${c.name}`;

/** When the comparison cannot be made: its own predicate, or any column null on either side. */
export function nullPredicate(c: Comparison): string {
  return c.nullSql ?? c.columns.flatMap((col) => [`${L(col)} IS NULL`, `${R(col)} IS NULL`]).join(' OR ');
}

export function gammaSql(c: Comparison): string {
  const whens = c.levels.map((lv, i) => `WHEN (${lv.sql}) THEN ${i}`).join(' ');
  return `CASE WHEN (${nullPredicate(c)}) THEN -1 ${whens} ELSE ${c.levels.length} END`;
}

/** Level labels including the implicit last one. */
export const levelLabels = (c: Comparison) => [...c.levels.map((l) => l.label), '其他 / else'];
