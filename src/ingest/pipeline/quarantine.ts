import fs from 'node:fs';
import path from 'node:path';
import { reasonSql } from '../../standards/index.ts';
import { cleanedExpr, cleanSql } from './cleaning.ts';
import { QUARANTINE_COLUMNS } from './mapping.ts';
import { tables, type Measures } from './stages.ts';
import type { Plan } from './plan.ts';
import type { OpenedFile } from '../readers/openFile.ts';
import type { QuarantineFailure } from '../types.ts';
import { errCol, literal, srcCol, valCol } from '../sql.ts';
import type { StageRunner } from '../../lake/index.ts';

/**
 * The quarantine of a job: `<dataDir>/ingest/quarantine/<datasetId>/<jobId>.parquet`, one row per
 * failure: row, field, header, rule, reason, value (the original text), record (the whole original
 * row as JSON, `_raw` holding the line a reader could not parse). It is dataset contents: it is read
 * only through the share guard (src/share), which masks it for readers outside the department and
 * makes the CSV to correct and ingest again.
 */
export const QUARANTINE_DIR = path.join('ingest', 'quarantine');

export function quarantinePaths(dataDir: string, datasetId: string, jobId: string) {
  const rel = path.join(QUARANTINE_DIR, datasetId, jobId).split(path.sep).join('/');
  return { rel: `${rel}.parquet`, parquet: path.join(dataDir, `${rel}.parquet`) };
}

/**
 * The data element's reason (checksum, area, format, …) for each value that failed it. Kept out of
 * the read pass, where only pass / fail is decided: this runs on the rejected rows alone.
 */
async function explain(st: StageRunner, plan: Plan, bad: string): Promise<void> {
  const fs = plan.fields.filter((x) => x.field.element && x.source !== null);
  if (!fs.length) return;
  const [n] = await st.rows<Record<string, number>>('quarantine', `SELECT ${fs.map((f) => `count(*) FILTER (WHERE ${errCol(f.index)} = 'standard') AS n${f.index}`).join(', ')} FROM ${bad}`);
  for (const f of fs) {
    if (!Number(n![`n${f.index}`])) continue;
    const e = errCol(f.index);
    const cleaned = cleanedExpr(cleanSql(f.field, f.cleaning, f.codeMap), srcCol(f.source!));
    await st.run('quarantine', `UPDATE ${bad} SET ${e} = x.r FROM (
        SELECT __row AS rr, 'standard:' || coalesce(${reasonSql(f.field.element!, 'w')}, 'invalid') AS r
        FROM (SELECT __row, ${cleaned} AS w FROM ${bad} WHERE ${e} = 'standard')) x
      WHERE ${bad}.__row = x.rr`);
  }
}

/** SQL string literal of a column label. */
const lit = (s: string | null) => (s === null ? 'CAST(NULL AS VARCHAR)' : literal(s));

/** Stage `quarantine`: write the file from the temp tables of the checks (and hand the failures to `onFailures`). */
export async function stageQuarantine(st: StageRunner, plan: Plan, src: OpenedFile, files: { parquet: string }, m: Measures, onFailures?: (f: QuarantineFailure[]) => void): Promise<void> {
  const structural = m.structural;
  const t = tables(plan.tag);
  const bad = `ing_bad_${plan.tag}`;
  fs.mkdirSync(path.dirname(files.parquet), { recursive: true });
  const hasParse = src.hasParseColumns;
  // rejected rows, gathered in one scan: bad rows keep the source text and their failures; rows
  // failing only dataset rules (unique, reference) show their cleaned values
  const srcFor = new Map(plan.fields.filter((f) => f.source !== null).map((f) => [f.source!, f]));
  const errs = plan.fields.map((f) => errCol(f.index));
  const noErrs = errs.map((e) => `CAST(NULL AS VARCHAR) AS ${e}`);
  const nulls = plan.headers.map((_, k) => `CAST(NULL AS VARCHAR) AS ${srcCol(k)}`);
  const fromValues = plan.headers.map((_, k) => (srcFor.has(k) ? `${valCol(srcFor.get(k)!.index)} AS ${srcCol(k)}` : `CAST(NULL AS VARCHAR) AS ${srcCol(k)}`));
  const parse = hasParse ? '__parse, __raw AS _raw' : 'CAST(NULL AS VARCHAR) AS __parse, CAST(NULL AS VARCHAR) AS _raw';
  const parts = [`SELECT __row, ${parse}, ${[...plan.headers.map((_, k) => srcCol(k)), ...errs].join(', ')} FROM ${t.view} WHERE __bad`];
  if (m.failOnly) parts.push(`SELECT __row, NULL, NULL, ${[...fromValues, ...noErrs].join(', ')} FROM ${t.view} c SEMI JOIN ${t.fail} f ON f.__row = c.__row WHERE NOT c.__bad`);
  if (structural) parts.push(`SELECT __row, NULL, raw, ${[...nulls, ...noErrs].join(', ')} FROM ${t.rej}`);
  await st.run('quarantine', `CREATE TEMP TABLE ${bad} AS ${parts.join(' UNION ALL ')}`);
  await explain(st, plan, bad);

  // one row per failure
  const failures: string[] = [];
  for (const f of plan.fields) {
    const e = errCol(f.index);
    const value = f.source === null ? 'CAST(NULL AS VARCHAR)' : srcCol(f.source);
    failures.push(`SELECT __row, ${lit(f.field.name)} AS field, ${lit(f.header)} AS header, split_part(${e}, ':', 1) AS rule,
        nullif(split_part(${e}, ':', 2), '') AS reason, ${value} AS value FROM ${bad} WHERE ${e} IS NOT NULL`);
  }
  if (hasParse) failures.push(`SELECT __row, NULL, NULL, 'parse', __parse, _raw FROM ${bad} WHERE __parse IS NOT NULL`);
  if (structural) failures.push(`SELECT __row, NULL, NULL, 'parse', reason, raw FROM ${t.rej}`);
  const fieldName = `CASE f.fi ${plan.fields.map((f) => `WHEN ${f.index} THEN ${lit(f.field.name)}`).join(' ')} END`;
  const header = `CASE f.fi ${plan.fields.map((f) => `WHEN ${f.index} THEN ${lit(f.header)}`).join(' ')} END`;
  if (m.failOnly) failures.push(`SELECT __row, ${fieldName}, ${header}, rule, reason, value FROM ${t.fail} f`);
  // columns a re-ingested quarantine CSV brought along are bookkeeping, not data
  const keep = plan.headers.map((h, k) => ({ h, k })).filter(({ h }) => !QUARANTINE_COLUMNS.has(h));
  const record = `json_object(${[...keep.map(({ h, k }) => `${literal(h)}, b.${srcCol(k)}`), `'_raw', b._raw`].join(', ')})`;
  const failed = `ing_q_${plan.tag}`;
  await st.run('quarantine', `CREATE TEMP TABLE ${failed} AS
      SELECT q.__row AS row, q.field, q.header, q.rule, q.reason, q.value, CAST(${record} AS VARCHAR) AS record
      FROM (${failures.join(' UNION ALL ')}) q LEFT JOIN ${bad} b ON b.__row = q.__row`);
  await st.run('quarantine', `COPY (SELECT * FROM ${failed} ORDER BY row, field NULLS FIRST) TO ${literal(files.parquet)} (FORMAT parquet, COMPRESSION zstd)`);
  if (onFailures) {
    const rows = await st.rows<QuarantineFailure>('quarantine', `SELECT row, field, rule, reason, value FROM ${failed} ORDER BY row, field NULLS FIRST`);
    onFailures(rows.map((r) => ({ ...r, row: Number(r.row) })));
  }
}
