/**
 * Pairwise precision / recall / F1 of a clustering against the truth, counted in DuckDB: a pair of
 * records is predicted when they share a cluster, true when they share a truth label.
 */
import type { StageRunner } from '../../lake/index.ts';

export interface PairwiseScores {
  precision: number;
  recall: number;
  f1: number;
  truePairs: number;
  predictedPairs: number;
}

/** predicted: (rid, cluster); truth: (rid, truth). Records missing from either side are left out. */
export async function pairwiseScores(run: StageRunner, predicted: string, truth: string): Promise<PairwiseScores> {
  const pairs = (cols: string) => `SELECT coalesce(sum(n * (n - 1) / 2), 0)::DOUBLE FROM (SELECT count(*)::DOUBLE AS n FROM j GROUP BY ${cols})`;
  const [row] = await run.rows<{ tp: number; pp: number; tr: number }>(
    'scores.pairs',
    `WITH j AS (SELECT CAST(p.cluster AS VARCHAR) AS cluster, CAST(t.truth AS VARCHAR) AS truth
                FROM ${predicted} p JOIN ${truth} t ON CAST(p.rid AS VARCHAR) = CAST(t.rid AS VARCHAR))
     SELECT (${pairs('cluster, truth')}) AS tp, (${pairs('cluster')}) AS pp, (${pairs('truth')}) AS tr`,
  );
  const tp = Number(row!.tp);
  const predictedPairs = Number(row!.pp);
  const truePairs = Number(row!.tr);
  const precision = predictedPairs ? tp / predictedPairs : 1;
  const recall = truePairs ? tp / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, truePairs, predictedPairs };
}
