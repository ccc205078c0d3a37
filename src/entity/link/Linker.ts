/**
 * The Fellegi–Sunter linker, the Splink way: every step is a named SQL stage on one DuckDB
 * connection (the StageRunner), working tables are TEMP tables of that connection.
 *
 *  train   — term-frequency tables; u from a seeded random sample of pairs; m by EM over the pairs
 *            of each training blocking rule (leaving out what the rule fixes); lambda from the matches
 *            each pass found over its rule's recall.
 *  predict — candidate pairs from the blocking (and deterministic) rules, scored by one statement.
 *  explain — the same statement for one pair, as waterfall bars.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StageRunner } from '../../lake/index.ts';
import type { Comparison, LinkSettings, PairExplanation, TrainedModel } from './types.ts';
import { allPairsSql, candidatePairsSql, pairGuard } from './blocking.ts';
import { initialM, runEm } from './em.ts';
import { gammaCol, bfCol, levelLabels } from './gamma.ts';
import { levelShares, patternsSql, toPatterns } from './patterns.ts';
import { priorWeight, scoreSql, tfColumnsOf } from './score.ts';
import { ident, literal, rid, ruleUses, tempName, tfTable } from './sql.ts';

export interface LinkerOptions {
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface PredictOptions {
  /** Only pairs with at least one record in this table (one column named like settings.idColumn). */
  involving?: string;
  /** Pairs below this probability are left out (deterministic pairs never); default DEFAULT_MIN_PROBABILITY. */
  minProbability?: number;
  out?: string;
}

/** Default floor of predict's output: pairs this unlikely are noise for clustering and review alike. */
export const DEFAULT_MIN_PROBABILITY = 0.001;
const DEFAULT_U_SAMPLE = 1_000_000;

/** Counts of the last predict: candidate pairs scored against all possible pairs. */
export interface PredictStats {
  candidatePairs: number;
  allPairs: number;
  kept: number;
}

function checkSettings(s: LinkSettings): void {
  const names = new Set<string>();
  for (const c of s.comparisons) {
    if (!/^\w+$/.test(c.name)) throw new Error(`比较名只能含字母、数字、下划线 / link: comparison name must be letters, digits, underscore: ${c.name}`);
    if (names.has(c.name)) throw new Error(`比较名重复 / link: two comparisons named ${c.name}`);
    names.add(c.name);
    if (!c.levels.length) throw new Error(`比较没有等级 / link: comparison ${c.name} has no level`);
  }
  if (!s.comparisons.length) throw new Error('没有比较字段 / link: no comparison');
}

export class Linker {
  /** Figures of the last predict. */
  lastPredict: PredictStats | null = null;

  constructor(
    private readonly run: StageRunner,
    private readonly settings: LinkSettings,
    private readonly opts: LinkerOptions = {},
  ) {
    checkSettings(settings);
  }

  private progress(stage: string, done: number, total: number) {
    this.opts.onProgress?.(stage, done, total);
  }

  private async count(stage: string, sql: string): Promise<number> {
    const [row] = await this.run.rows<{ n: number | bigint }>(stage, `SELECT (${sql}) AS n`);
    return Number(row?.n ?? 0);
  }

  async train(records: string): Promise<TrainedModel> {
    const s = this.settings;
    const comps = s.comparisons;
    const trainingRules = s.trainingBlocking?.length ? s.trainingBlocking : s.blocking;
    const total = 4 + trainingRules.length;
    let step = 0;
    this.progress('train.tf', step++, total);
    const n = await this.count('train.count', `SELECT count(*) FROM ${records}`);
    const tfColumns = tfColumnsOf(comps);
    for (const col of tfColumns) {
      await this.run.run(
        `train.tf.${col}`,
        `CREATE OR REPLACE TEMP TABLE ${tfTable(col)} AS
         SELECT ${ident(col)} AS value, count(*)::DOUBLE / sum(count(*)) OVER () AS tf
         FROM ${records} WHERE ${ident(col)} IS NOT NULL GROUP BY 1`,
      );
    }

    // u: a random sample of records, all pairs among them (≈ uSampleSize pairs). The order is a hash of
    // id and seed, so the same data gives the same sample, hence the same u, on every run.
    this.progress('train.u', step++, total);
    const uSize = s.uSampleSize ?? DEFAULT_U_SAMPLE;
    const k = Math.min(n, Math.ceil(Math.sqrt(2 * uSize)) + 1);
    const sample = tempName('usample');
    await this.run.run(
      'train.u.sample',
      `CREATE OR REPLACE TEMP TABLE ${sample} AS SELECT * FROM ${records}
       ORDER BY hash(${rid(records, s)} || ${literal(String(s.seed ?? 42))}), ${rid(records, s)} LIMIT ${k}`,
    );
    const uRows = await this.run.rows('train.u.patterns', patternsSql(comps, `${sample} l JOIN ${sample} r ON ${pairGuard(s)}`));
    await this.run.run('train.u.drop', `DROP TABLE ${sample}`);
    const u = levelShares(comps, toPatterns(comps, uRows));

    // m: one EM pass per training rule; a comparison the rule fixes (it reads the rule's columns) is
    // left out of that pass. The m of a comparison is the mean over the passes that estimated it.
    const m0 = comps.map((c) => initialM(c.levels.length + 1));
    const mSums = comps.map((c) => Array.from({ length: c.levels.length + 1 }, () => 0));
    const mPasses = comps.map(() => 0);
    const passes: Array<{ matches: number; fixed: boolean[] }> = [];
    let emIterations = 0;
    for (const [i, rule] of trainingRules.entries()) {
      this.progress(`train.em.${i + 1}`, step++, total);
      const from = `(${candidatePairsSql(s, records, [rule])}) p JOIN ${records} l ON ${rid('l', s)} = p.rid_l JOIN ${records} r ON ${rid('r', s)} = p.rid_r`;
      const patterns = toPatterns(comps, await this.run.rows(`train.em.${i + 1}`, patternsSql(comps, from)));
      const active = comps.map((c) => !ruleUses(rule, c));
      if (!patterns.length || !active.some(Boolean)) continue;
      const res = runEm(patterns, m0, u, 0.3, { active });
      emIterations += res.iterations;
      passes.push({ matches: res.lambda * patterns.reduce((a, p) => a + p.count, 0), fixed: active.map((a) => !a) });
      comps.forEach((_, c) => {
        if (!active[c]) return;
        mPasses[c]! += 1;
        res.m[c]!.forEach((v, j) => (mSums[c]![j]! += v));
      });
    }
    const m = comps.map((_, c) => (mPasses[c] ? mSums[c]!.map((v) => v / mPasses[c]!) : m0[c]!));

    // lambda: each pass counted the matches inside its rule's block; the rule holds for a match as
    // often as the match agrees exactly (and is not null) on the columns it fixes, so matches in all
    // = matches in the block / that recall. The median over passes, over all pairs. (EM over the
    // union of the rules cannot give it: those non-matches agree far more often than u says.)
    this.progress('train.lambda', step++, total);
    const all = await this.count('train.allPairs', allPairsSql(s, records));
    const nonNull = await this.nonNullShares(records, comps);
    const estimates = passes
      .filter((p) => p.fixed.every((f, c) => !f || mPasses[c]! > 0))
      .map((p) => p.matches / p.fixed.reduce((acc, f, c) => (f ? acc * m[c]![0]! * nonNull[c]! ** 2 : acc), 1))
      .sort((a, b) => a - b);
    const matches = estimates.length ? estimates[Math.floor((estimates.length - 1) / 2)]! : passes.reduce((a, p) => Math.max(a, p.matches), 0);
    const lambda = Math.min(0.5, Math.max(matches, 1) / Math.max(all, 1));
    this.progress('train.done', total, total);

    return {
      settings: s,
      lambda,
      comparisons: comps.map((c, i) => ({
        name: c.name,
        ...(c.title ? { title: c.title } : {}),
        levels: levelLabels(c).map((label, j) => ({ label, m: m[i]![j]!, u: u[i]![j]! })),
      })),
      tfColumns,
      trainedAt: new Date().toISOString(),
      records: n,
      emIterations,
    };
  }

  /** Share of records where each comparison's columns are all present. */
  private async nonNullShares(records: string, comps: Comparison[]): Promise<number[]> {
    const exprs = comps.map((c, i) => `avg(CASE WHEN ${c.columns.map((col) => `${ident(col)} IS NOT NULL`).join(' AND ')} THEN 1.0 ELSE 0.0 END) AS s${i}`);
    const [row] = await this.run.rows<Record<string, number>>('train.nonNull', `SELECT ${exprs.join(', ')} FROM ${records}`);
    return comps.map((_, i) => Number(row?.[`s${i}`] ?? 1));
  }

  async saveModel(model: TrainedModel, dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(model, null, 2));
    for (const col of model.tfColumns) {
      await this.run.run(`model.save.${col}`, `COPY ${tfTable(col)} TO ${literal(path.join(dir, tfFile(col)))} (FORMAT parquet)`);
    }
  }

  static async loadModel(run: StageRunner, dir: string): Promise<TrainedModel> {
    const model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as TrainedModel;
    for (const col of model.tfColumns) {
      await run.run(`model.load.${col}`, `CREATE OR REPLACE TEMP TABLE ${tfTable(col)} AS SELECT * FROM read_parquet(${literal(path.join(dir, tfFile(col)))})`);
    }
    return model;
  }

  async predict(model: TrainedModel, records: string, opts: PredictOptions = {}): Promise<string> {
    const s = model.settings;
    const out = opts.out ?? tempName('predict');
    const pairs = tempName('pairs');
    this.progress('predict.block', 0, 2);
    await this.run.run(
      'predict.block',
      `CREATE OR REPLACE TEMP TABLE ${pairs} AS ${candidatePairsSql(s, records, [...s.blocking, ...(s.deterministic ?? [])], opts.involving)}`,
    );
    this.progress('predict.score', 1, 2);
    const minP = opts.minProbability ?? DEFAULT_MIN_PROBABILITY;
    await this.run.run(
      'predict.score',
      `CREATE OR REPLACE TEMP TABLE ${out} AS SELECT * FROM (${scoreSql(model, records, pairs)})
       WHERE deterministic OR match_probability >= ${minP} ORDER BY rid_l, rid_r`,
    );
    const candidatePairs = await this.count('predict.count', `SELECT count(*) FROM ${pairs}`);
    const kept = await this.count('predict.count', `SELECT count(*) FROM ${out}`);
    const allPairs = await this.count('predict.count', allPairsSql(s, records));
    this.lastPredict = { candidatePairs, allPairs, kept };
    await this.run.run('predict.drop', `DROP TABLE ${pairs}`);
    this.progress('predict.done', 2, 2);
    return out;
  }

  async explain(model: TrainedModel, records: string, left: string, right: string): Promise<PairExplanation> {
    const s = model.settings;
    const [a, b] = left < right ? [left, right] : [right, left];
    const pair = tempName('explain');
    await this.run.run('explain.pair', `CREATE OR REPLACE TEMP TABLE ${pair} AS SELECT ${literal(a)} AS rid_l, ${literal(b)} AS rid_r`);
    const [row] = await this.run.rows('explain.score', scoreSql(model, records, pair));
    await this.run.run('explain.drop', `DROP TABLE ${pair}`);
    if (!row) throw new Error(`找不到记录 / link: no record ${a} or ${b}`);
    const values = await this.run.rows('explain.values', `SELECT ${rid(records, s)} AS __rid, * FROM ${records} WHERE ${rid(records, s)} IN (${literal(a)}, ${literal(b)})`);
    const rec = (id: string) => values.find((v) => v.__rid === id) ?? {};
    const valueOf = (c: Comparison, r: Record<string, unknown>) => (c.columns.length === 1 ? r[c.columns[0]!] : Object.fromEntries(c.columns.map((col) => [col, r[col]])));
    const fields = s.comparisons.map((c) => {
      const level = Number(row[gammaCol(c)]);
      return {
        name: c.name,
        ...(c.title ? { title: c.title } : {}),
        level,
        label: level < 0 ? '无法比较 / null' : levelLabels(c)[level]!,
        weight: Number(row[bfCol(c)]),
        left: valueOf(c, rec(a)),
        right: valueOf(c, rec(b)),
      };
    });
    return {
      left: a,
      right: b,
      prior: priorWeight(model.lambda),
      fields,
      matchWeight: Number(row.match_weight),
      matchProbability: Number(row.match_probability),
      deterministic: Boolean(row.deterministic),
    };
  }
}

const tfFile = (col: string) => `tf_${col.replace(/[^\p{L}\p{N}_-]/gu, '_')}.parquet`;
