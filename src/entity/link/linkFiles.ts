/**
 * Linking CSV files end to end (what `govhub link` and the entity benchmark run): read and clean the
 * files, settle the record ids, build or take the settings, train, predict, cluster at the
 * threshold, and write `id,cluster` for every record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LakeStageError, type StageRunner } from '../../lake/index.ts';
import type { LinkSettings, TrainedModel } from './types.ts';
import { autoSettings, type ColumnKind } from './auto.ts';
import { clusterLinks } from './cluster.ts';
import { columnsOf, settingsFromConfig, type LinkConfig } from './config.ts';
import { DATE_TEXT_PATTERN, normalizeDateSql } from './comparisons.ts';
import { Linker, type PredictStats } from './Linker.ts';
import { ident, literal, literalList } from '../../lake/index.ts';
import { gammaCol, bfCol, gammaSql } from './gamma.ts';
import { tempName } from './sql.ts';

/** Internal columns of the records table: the link id, the input file, the original id, input order. */
export const RID = '__rid';
const SOURCE = '__source';
const ORIG = '__id';
const ROW = '__row';

export interface LinkFilesOptions {
  inputs: string[];
  /** Id column of the inputs. */
  idColumn: string;
  /** Parsed configuration; without one the settings are built from the columns. */
  config?: LinkConfig;
  threshold?: number;
  /** Columns left out of automatic settings (e.g. a label that must not take part). */
  ignoreColumns?: string[];
  /** CSV to write (id,cluster); none: leave the clusters in the returned table only. */
  out?: string;
  /** CSV of the scored pairs at or above the review band (or threshold), with each comparison's level and weight. */
  explainOut?: string;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface LinkFilesResult {
  records: number;
  settings: LinkSettings;
  model: TrainedModel;
  /** Column kinds found when the settings were built automatically. */
  kinds?: Record<string, ColumnKind>;
  predict: PredictStats;
  links: number;
  clusters: number;
  /** TEMP tables on the runner's connection: the cleaned records (with __rid) and (id, cluster). */
  recordsTable: string;
  clustersTable: string;
  seconds: number;
}

/** A user error (bad input): the command prints the message alone and exits 1. */
export class LinkInputError extends Error {}

/** Bind every rule and comparison of a configuration once (no rows), so a typo is reported as such. */
async function checkSql(run: StageRunner, records: string, settings: LinkSettings): Promise<void> {
  const parts: Array<[string, string]> = [
    ...[...settings.blocking, ...(settings.trainingBlocking ?? []), ...(settings.deterministic ?? [])].map((r): [string, string] => [r, `(${r})`]),
    ...settings.comparisons.map((c): [string, string] => [c.name, gammaSql(c)]),
  ];
  for (const [what, sql] of parts) {
    try {
      await run.run('check', `SELECT ${sql} FROM ${records} l, ${records} r LIMIT 0`);
    } catch (err) {
      const cause = ((err as { cause?: Error }).cause ?? (err as Error)).message.split('\n')[0];
      throw new LinkInputError(`配置中的规则或比较有误 / the configuration has a bad rule or comparison: ${what}: ${cause}`);
    }
  }
}

const STAGES = ['read', 'settings', 'train', 'predict', 'cluster', 'write'];

export async function linkFiles(run: StageRunner, o: LinkFilesOptions): Promise<LinkFilesResult> {
  const t0 = performance.now();
  const progress = (stage: string) => o.onProgress?.(stage, STAGES.indexOf(stage), STAGES.length);
  if (!o.inputs.length) throw new LinkInputError('没有输入文件 / no input file');
  const files = o.inputs.map((f) => path.resolve(f));
  for (const f of files) {
    try {
      fs.accessSync(f, fs.constants.R_OK);
      if (!fs.statSync(f).isFile()) throw new Error('not a file');
    } catch {
      throw new LinkInputError(`无法读取文件 / cannot read file: ${f}`);
    }
  }

  progress('read');
  const raw = tempName('raw');
  try {
    await run.run('read', `CREATE OR REPLACE TEMP TABLE ${raw} AS SELECT * FROM read_csv(${literalList(files)}, union_by_name = true, filename = '__file')`);
  } catch (err) {
    const cause = err instanceof LakeStageError ? ((err as { cause?: unknown }).cause as Error | undefined)?.message ?? err.message : (err as Error).message;
    throw new LinkInputError(`无法读取 CSV / cannot read the CSV: ${cause}`);
  }
  const described = await run.rows<{ column_name: string; column_type: string }>('read.describe', `DESCRIBE ${raw}`);
  const columns = described.filter((c) => c.column_name !== '__file');
  if (!columns.some((c) => c.column_name === o.idColumn)) {
    throw new LinkInputError(`缺少 ID 列 / missing id column "${o.idColumn}" (columns: ${columns.map((c) => c.column_name).join(', ')})`);
  }

  // Clean: text trimmed, empty text is missing. Ids: the original value, or file index + value when
  // the same id appears in two files.
  const id = ident(o.idColumn);
  const [dup] = await run.rows<{ within: bigint; across: bigint; missing: bigint }>(
    'read.ids',
    `SELECT (SELECT count(*) FROM (SELECT __file, ${id} FROM ${raw} GROUP BY ALL HAVING count(*) > 1)) AS within,
            (SELECT count(*) FROM (SELECT ${id} FROM ${raw} GROUP BY ALL HAVING count(DISTINCT __file) > 1)) AS across,
            (SELECT count(*) FROM ${raw} WHERE nullif(trim(CAST(${id} AS VARCHAR)), '') IS NULL) AS missing`,
  );
  if (Number(dup!.missing)) throw new LinkInputError(`ID 列有空值 / ${dup!.missing} records have no id in "${o.idColumn}"`);
  if (Number(dup!.within)) throw new LinkInputError(`ID 列不唯一 / id column "${o.idColumn}" is not unique (${dup!.within} repeated values)`);
  const prefix = Number(dup!.across) > 0;
  // Text columns written as dates in other layouts (1996/8/2, 1996年8月2日) become YYYY-MM-DD once
  // per record, so the date comparison stays plain text work per pair.
  const texts = columns.filter((c) => c.column_type === 'VARCHAR' && c.column_name !== o.idColumn);
  const trimmed = (c: string) => `nullif(trim(${ident(c)}), '')`;
  const dateShares = texts.length
    ? (await run.rows<Record<string, number | null>>(
        'read.dates',
        `SELECT ${texts.map((c, i) => `avg(CASE WHEN regexp_matches(${trimmed(c.column_name)}, ${literal(DATE_TEXT_PATTERN)}) THEN 1 ELSE 0 END) FILTER (WHERE ${trimmed(c.column_name)} IS NOT NULL) AS s${i}`).join(', ')} FROM ${raw}`,
      ))[0]!
    : {};
  const dateColumns = new Set(texts.filter((_, i) => Number(dateShares[`s${i}`] ?? 0) >= 0.8).map((c) => c.column_name));
  const cleaned = columns.map((c) => {
    if (c.column_type !== 'VARCHAR') return ident(c.column_name);
    const v = trimmed(c.column_name);
    return `${dateColumns.has(c.column_name) ? normalizeDateSql(v) : v} AS ${ident(c.column_name)}`;
  });
  const source = `list_position(${literalList(files)}, __file) - 1`;
  const origId = `trim(CAST(${id} AS VARCHAR))`;
  const records = tempName('records');
  await run.run(
    'read.clean',
    `CREATE OR REPLACE TEMP TABLE ${records} AS
     SELECT ${prefix ? `(${source})::VARCHAR || ':' || ${origId}` : origId} AS ${RID}, ${source} AS ${SOURCE},
            ${prefix ? `(${source})::VARCHAR || ':' || ${origId}` : origId} AS ${ORIG}, row_number() OVER () AS ${ROW},
            ${cleaned.join(', ')}
     FROM ${raw}`,
  );
  await run.run('read.drop', `DROP TABLE ${raw}`);
  const [{ n }] = (await run.rows<{ n: bigint }>('read.count', `SELECT count(*) AS n FROM ${records}`)) as [{ n: bigint }];

  progress('settings');
  let settings: LinkSettings;
  let kinds: Record<string, ColumnKind> | undefined;
  if (o.config) {
    try {
      settings = settingsFromConfig(o.config, RID);
    } catch (err) {
      throw new LinkInputError((err as Error).message);
    }
    const missing = columnsOf(settings).filter((c) => !columns.some((x) => x.column_name === c));
    if (missing.length) throw new LinkInputError(`配置中的列不存在 / the configuration names missing columns: ${missing.join(', ')}`);
    await checkSql(run, records, settings);
  } else {
    const auto = await autoSettings(run, records, RID, columns.filter((c) => c.column_name !== o.idColumn && !o.ignoreColumns?.includes(c.column_name)).map((c) => ({ name: c.column_name, type: c.column_type })));
    settings = auto.settings;
    kinds = auto.kinds;
  }
  if (files.length > 1) settings = { sourceColumn: SOURCE, ...settings };
  if (o.threshold !== undefined) settings = { ...settings, threshold: o.threshold };

  const linker = new Linker(run, settings, { onProgress: (stage) => o.onProgress?.(stage, STAGES.indexOf(stage.startsWith('train') ? 'train' : 'predict'), STAGES.length) });
  progress('train');
  const model = await linker.train(records);
  progress('predict');
  const predicted = await linker.predict(model, records);

  progress('cluster');
  const links = tempName('links');
  await run.run('links', `CREATE OR REPLACE TEMP TABLE ${links} AS SELECT rid_l, rid_r FROM ${predicted} WHERE match_probability >= ${settings.threshold}`);
  const labels = tempName('labels');
  await clusterLinks(run, { nodes: records, idColumn: RID, edges: links, out: labels });
  const clustersTable = tempName('clusters');
  await run.run(
    'cluster.ids',
    `CREATE OR REPLACE TEMP TABLE ${clustersTable} AS
     SELECT r.${ORIG} AS id, c.cluster FROM ${records} r JOIN ${labels} c ON c.rid = r.${RID} ORDER BY r.${ROW}`,
  );
  const [counts] = await run.rows<{ links: bigint; clusters: bigint }>('cluster.count', `SELECT (SELECT count(*) FROM ${links}) AS links, (SELECT count(DISTINCT cluster) FROM ${clustersTable}) AS clusters`);

  progress('write');
  if (o.out) {
    fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
    await run.run('write', `COPY (SELECT id, cluster FROM ${clustersTable}) TO ${literal(path.resolve(o.out))} (HEADER, DELIMITER ',')`);
  }
  if (o.explainOut) {
    const floor = Math.min(settings.reviewBand?.[0] ?? settings.threshold, settings.threshold);
    const parts = settings.comparisons.flatMap((c) => [gammaCol(c), bfCol(c)]).join(', ');
    await run.run(
      'write.explain',
      `COPY (SELECT l.${ORIG} AS id_l, r.${ORIG} AS id_r, p.match_weight, p.match_probability, p.deterministic, ${parts}
             FROM ${predicted} p JOIN ${records} l ON l.${RID} = p.rid_l JOIN ${records} r ON r.${RID} = p.rid_r
             WHERE p.match_probability >= ${floor} ORDER BY p.match_probability DESC, id_l, id_r)
       TO ${literal(path.resolve(o.explainOut))} (HEADER, DELIMITER ',')`,
    );
  }
  for (const t of [predicted, links, labels]) await run.run('drop', `DROP TABLE ${t}`);
  o.onProgress?.('done', STAGES.length, STAGES.length);
  return {
    records: Number(n),
    settings,
    model,
    ...(kinds ? { kinds } : {}),
    predict: linker.lastPredict!,
    links: Number(counts!.links),
    clusters: Number(counts!.clusters),
    recordsTable: records,
    clustersTable,
    seconds: (performance.now() - t0) / 1000,
  };
}
