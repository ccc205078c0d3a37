/**
 * The contract of the linkage engine (Fellegi–Sunter on DuckDB, the Splink way). Records live in a
 * DuckDB table with one unique VARCHAR id column and the columns the comparisons read; the engine
 * trains a model over them, scores candidate pairs and clusters the links.
 */

/** One level of a comparison, most similar first. `sql` is a predicate over `l.<col>` and `r.<col>`. */
export interface ComparisonLevel {
  /** Short label shown in explanations, e.g. "完全相同", "拼音相同", "Jaro-Winkler ≥ 0.92". */
  label: string;
  sql: string;
  /** Column whose value frequency adjusts this level's weight (term-frequency adjustment: common names weigh less). */
  tf?: string;
}

export interface Comparison {
  /** Identifier (letters, digits, underscore): the gamma column is `gamma_<name>`, the weight `bf_<name>`. */
  name: string;
  /** Human title for explanations, e.g. "姓名". */
  title?: string;
  /** Columns it reads. */
  columns: string[];
  /** Predicate true when the comparison cannot be made (weight 0); default: any of `columns` is null on either side. */
  nullSql?: string;
  /** Levels tried in order; a pair matching none falls in the implicit last level "其他 / else". */
  levels: ComparisonLevel[];
}

export interface LinkSettings {
  /** Unique record id column (VARCHAR). */
  idColumn: string;
  /** Optional column naming the record's source; with `linkType: 'link_only'` pairs are only made across sources. */
  sourceColumn?: string;
  linkType?: 'dedupe' | 'link_only' | 'link_and_dedupe';
  comparisons: Comparison[];
  /** Blocking rules: SQL predicates over l and r; a pair is a candidate when any rule holds (pairs deduplicated). */
  blocking: string[];
  /** Blocking rules for EM training passes (each pass estimates m for the comparisons its rule does not fix). */
  trainingBlocking?: string[];
  /** Pairs meeting any of these predicates are matches whatever their score (e.g. the same valid ID number). */
  deterministic?: string[];
  /** Match probability at or above which a pair is a link used for clustering. */
  threshold: number;
  /** Probability band [low, high) sent to clerical review. */
  reviewBand?: [number, number];
  /** Pairs sampled at random to estimate u (default 1e6). */
  uSampleSize?: number;
  /** Seed for sampling, so training is repeatable. */
  seed?: number;
}

export interface TrainedLevel {
  label: string;
  m: number;
  u: number;
}

/** What training produced; JSON-serialisable. Term-frequency tables are saved beside it. */
export interface TrainedModel {
  settings: LinkSettings;
  /** Prior probability that two records of a random pair match. */
  lambda: number;
  comparisons: Array<{ name: string; title?: string; levels: TrainedLevel[] }>;
  /** Columns with a term-frequency table. */
  tfColumns: string[];
  trainedAt: string;
  records: number;
  emIterations: number;
}

/** One comparison's part in a pair's score (one bar of the waterfall). */
export interface ExplainedField {
  name: string;
  title?: string;
  /** Index of the level the pair fell in; -1 = could not compare (null). */
  level: number;
  label: string;
  /** log2 Bayes factor (match weight), after any term-frequency adjustment. */
  weight: number;
  left: unknown;
  right: unknown;
}

export interface PairExplanation {
  left: string;
  right: string;
  /** log2 prior odds. */
  prior: number;
  fields: ExplainedField[];
  /** prior + sum of field weights. */
  matchWeight: number;
  matchProbability: number;
  /** A deterministic rule decided the pair. */
  deterministic: boolean;
}
