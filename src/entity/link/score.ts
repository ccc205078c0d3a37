/**
 * Scoring pairs with a trained model, as one SQL statement used by predict and explain alike:
 * gamma per comparison → log2 Bayes factor (term-frequency adjusted where the level says so) →
 * match weight = log2 prior odds + Σ bf → probability 2^w / (1 + 2^w). Deterministic rules force 1.
 */
import type { Comparison, TrainedModel } from './types.ts';
import { gammaCol, bfCol, gammaSql } from './gamma.ts';
import { ident, num, rid, tfTable } from './sql.ts';

/** Below this the u of a value (its share of records) is not trusted: tiny shares are noise, not evidence. */
export const TF_MIN_U = 1e-6;
/** m and u are kept off 0 and 1 so every weight stays finite. */
export const PROB_FLOOR = 1e-9;

const clamp = (p: number) => Math.min(1, Math.max(PROB_FLOOR, p));
export const log2 = (x: number) => Math.log(x) / Math.LN2;
export const priorWeight = (lambda: number) => log2(lambda / (1 - lambda));

/** Term-frequency columns the model's comparisons use, in a stable order. */
export function tfColumnsOf(comparisons: Comparison[]): string[] {
  return [...new Set(comparisons.flatMap((c) => c.levels.flatMap((l) => (l.tf ? [l.tf] : []))))];
}

/** The Bayes factor of one comparison for a pair whose gamma column is known (inside the scoring query). */
function bfSql(c: Comparison, trained: TrainedModel['comparisons'][number], tfIndex: Map<string, number>): string {
  const whens = trained.levels.map((lv, i) => {
    const m = clamp(lv.m);
    const tf = c.levels[i]?.tf;
    if (!tf) return `WHEN ${i} THEN ${num(log2(m / clamp(lv.u)))}`;
    // Splink's adjustment: an agreement on value v is as surprising as v is rare, so u becomes the
    // share of records with v (the commoner side for fuzzy levels), bounded below by TF_MIN_U.
    const k = tfIndex.get(tf)!;
    // A value the model never saw (a record newer than the model) keeps the level's plain u.
    const u = `CASE WHEN tf_l_${k} IS NULL AND tf_r_${k} IS NULL THEN ${num(clamp(lv.u))} ELSE greatest(coalesce(tf_l_${k}, 0), coalesce(tf_r_${k}, 0), ${num(TF_MIN_U)}) END`;
    return `WHEN ${i} THEN log2(${num(m)} / least(${u}, 1.0))`;
  });
  return `CASE ${gammaCol(c)} WHEN -1 THEN 0.0 ${whens.join(' ')} ELSE 0.0 END`;
}

/**
 * SELECT rid_l, rid_r, match_weight, match_probability, deterministic, gamma_*, bf_* for the pairs
 * of `pairs` (rid_l, rid_r), reading the records from `records` and the tf tables of this connection.
 */
export function scoreSql(model: TrainedModel, records: string, pairs: string): string {
  const s = model.settings;
  const comps = s.comparisons;
  const tfCols = tfColumnsOf(comps);
  const tfIndex = new Map(tfCols.map((c, i) => [c, i]));
  const tfJoins = tfCols.map((col, k) =>
    `LEFT JOIN ${tfTable(col)} tfl_${k} ON tfl_${k}.value = l.${ident(col)} LEFT JOIN ${tfTable(col)} tfr_${k} ON tfr_${k}.value = r.${ident(col)}`,
  );
  const tfSelect = tfCols.flatMap((_, k) => [`tfl_${k}.tf AS tf_l_${k}`, `tfr_${k}.tf AS tf_r_${k}`]);
  const det = s.deterministic?.length ? s.deterministic.map((d) => `coalesce((${d}), false)`).join(' OR ') : 'false';
  const trainedOf = (c: Comparison) => {
    const t = model.comparisons.find((x) => x.name === c.name);
    if (!t) throw new Error(`link: the model has no comparison ${c.name}`);
    return t;
  };
  const gammas = comps.map((c) => `${gammaSql(c)} AS ${gammaCol(c)}`);
  const bfs = comps.map((c) => `${bfSql(c, trainedOf(c), tfIndex)} AS ${bfCol(c)}`);
  const weight = [num(priorWeight(model.lambda)), ...comps.map(bfCol)].join(' + ');
  return `WITH g AS (
  SELECT p.rid_l, p.rid_r, (${det}) AS deterministic,
    ${[...gammas, ...tfSelect].join(',\n    ')}
  FROM ${pairs} p
  JOIN ${records} l ON ${rid('l', s)} = p.rid_l
  JOIN ${records} r ON ${rid('r', s)} = p.rid_r
  ${tfJoins.join('\n  ')}
), b AS (
  SELECT *, ${bfs.join(',\n    ')} FROM g
), w AS (
  SELECT *, ${weight} AS match_weight FROM b
)
SELECT rid_l, rid_r, match_weight,
  CASE WHEN deterministic THEN 1.0 ELSE 1.0 / (1.0 + pow(2.0, -match_weight)) END AS match_probability,
  deterministic,
  ${[...comps.map(gammaCol), ...comps.map(bfCol)].join(', ')}
FROM w`;
}
