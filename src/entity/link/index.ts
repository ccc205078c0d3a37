/** The record-linkage engine: Fellegi–Sunter on DuckDB (train, predict, explain, cluster, score). */
export type * from './types.ts';
export { Linker, DEFAULT_MIN_PROBABILITY, type LinkerOptions, type PredictOptions, type PredictStats } from './Linker.ts';
export { clusterLinks, type ClusterOptions } from './cluster.ts';
export { pairwiseScores, type PairwiseScores } from './scores.ts';
export * as comparisons from './comparisons.ts';
export { COMPARISON_HELPERS, type ComparisonHelper, type ComparisonOptions } from './comparisons.ts';
export { settingsFromConfig, comparisonFromSpec, type LinkConfig, type ComparisonSpec } from './config.ts';
export { autoSettings, classify, profileColumns, type ColumnKind, type ColumnProfile } from './auto.ts';
export { linkFiles, LinkInputError, type LinkFilesOptions, type LinkFilesResult } from './linkFiles.ts';
export { runEm, type Pattern } from './em.ts';
export { gammaSql, gammaCol, bfCol } from './gamma.ts';
export { scoreSql, TF_MIN_U } from './score.ts';
