/** Gamma patterns of a set of pairs, counted in DuckDB: what u sampling and EM read. */
import type { Comparison } from './types.ts';
import type { Pattern } from './em.ts';
import { gammaCol, gammaSql } from './gamma.ts';

/** SELECT gamma_* , count(*) AS n over the pairs of `fromClause` (which binds l and r), grouped. */
export function patternsSql(comparisons: Comparison[], fromClause: string): string {
  const g = comparisons.map((c) => `${gammaSql(c)} AS ${gammaCol(c)}`);
  return `SELECT ${comparisons.map(gammaCol).join(', ')}, count(*) AS n FROM (SELECT ${g.join(', ')} FROM ${fromClause}) GROUP BY ALL ORDER BY ALL`;
}

export function toPatterns(comparisons: Comparison[], rows: Record<string, unknown>[]): Pattern[] {
  return rows.map((r) => ({ gammas: comparisons.map((c) => Number(r[gammaCol(c)])), count: Number(r.n) }));
}

/** Share of each level among the pairs where the comparison could be made (one pseudo-pair keeps empty levels above 0). */
export function levelShares(comparisons: Comparison[], patterns: Pattern[]): number[][] {
  return comparisons.map((c, k) => {
    const counts = Array.from({ length: c.levels.length + 1 }, () => 0);
    for (const p of patterns) if (p.gammas[k]! >= 0) counts[p.gammas[k]!]! += p.count;
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((x) => Math.max(x, 1) / Math.max(total, 1));
  });
}
