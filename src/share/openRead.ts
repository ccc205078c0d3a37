import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';

import { type Ctx, newId, notFound, problem } from '../kernel/index.ts';
import { ident, type VersionInfo } from '../lake/index.ts';
import { csvLinesDownload, csvLinesSql } from './exportCsv.ts';
import { maskExprAs, maskKindOf } from './masking.ts';
import { isOpenEntry, openColumns, type Dataset, type OpenColumn } from '../catalog/index.ts';
import type { OpenReader } from './openKeys.ts';

export const OPEN_FORMATS = {
  csv: { contentType: 'text/csv; charset=utf-8', ext: 'csv' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  json: { contentType: 'application/json; charset=utf-8', ext: 'json' },
  parquet: { contentType: 'application/vnd.apache.parquet', ext: 'parquet' },
} as const;
export type OpenFormat = keyof typeof OPEN_FORMATS;

/** The most rows a worksheet holds (Excel's limit, less the header). */
const XLSX_MAX_ROWS = 1_048_575;

export interface OpenPlan {
  dataset: Dataset;
  version: VersionInfo;
  columns: OpenColumn[];
  /** The one SQL open data runs: kept columns, masked ones masked, dropped ones absent. */
  sql: string;
}

/**
 * The guard for open data: the SQL that shows a version of an open dataset to the public. Fields
 * go by their open rule (`openColumns`): L1/L2 kept, L3/L4 dropped unless masked — never in clear.
 * Conditionally open data (有条件开放) needs an approved key.
 */
export async function planOpenRead(ctx: Ctx, reader: OpenReader, ds: Dataset, versionNo?: number): Promise<OpenPlan> {
  if (!isOpenEntry(ds)) throw notFound('dataset', ds.code);
  if (ds.openType === 'conditional' && !reader.keyId) {
    throw problem('forbidden', `数据集 ${ds.code} 为有条件开放，须申请并获批密钥 / conditionally open: apply for an API key`);
  }
  const version = await ctx.lake.version(ds.id, versionNo);
  if (!version) throw problem('not-found', versionNo ? `数据集 ${ds.code} 没有版本 ${versionNo} / no version ${versionNo}` : `数据集 ${ds.code} 尚无数据 / no data yet`);
  const present = new Set(version.schema.map((c) => c.name));
  const byName = new Map(ds.fields.map((f) => [f.name, f]));
  const columns = openColumns(ds).filter((c) => present.has(c.name));
  if (!columns.length) throw problem('not-found', `数据集 ${ds.code} 没有开放字段 / no open fields`);
  const key = ctx.config.secretKey ?? '';
  const exprs = columns.map((c) => (c.masked ? maskExprAs(maskKindOf(byName.get(c.name)!), byName.get(c.name)!, key) : ident(c.name)));
  return { dataset: ds, version, columns, sql: `SELECT ${exprs.join(', ')} FROM ${ctx.lakeReader.scan(version)}` };
}

/** Leave the trail of a read of open data (`data.read`, marked open, with the key, version, fields and what was masked). */
export async function auditOpenRead(ctx: Ctx, reader: OpenReader, plan: OpenPlan, details: Record<string, unknown>) {
  await ctx.audit.record(reader.caller, {
    action: 'data.read', objectType: 'dataset', objectId: plan.dataset.code, departmentId: plan.dataset.departmentId,
    details: { open: true, key: reader.keyId, version: plan.version.version, fields: plan.columns.map((c) => c.name), masked: plan.columns.filter((c) => c.masked).map((c) => c.name), ...details },
  });
}

/** A page of open rows (the portal's preview, CKAN's datastore_search builds its own on the same plan). */
export async function openRows(ctx: Ctx, reader: OpenReader, ds: Dataset, q: { version?: number; limit: number; offset: number }) {
  const plan = await planOpenRead(ctx, reader, ds, q.version);
  const rows = await ctx.lakeReader.query<Record<string, unknown>>(`${plan.sql} LIMIT ${Math.trunc(q.limit)} OFFSET ${Math.trunc(q.offset)}`);
  await auditOpenRead(ctx, reader, plan, { format: 'rows', offset: q.offset, rows: rows.length });
  return { columns: plan.columns, rows, total: plan.version.rowCount, version: plan.version.version };
}

/** Rows of a plan, one at a time, streamed a chunk at a time from the data plane. */
async function* rowsOf(ctx: Ctx, plan: OpenPlan): AsyncGenerator<unknown[]> {
  for await (const chunk of ctx.lakeReader.stream(plan.sql)) yield* chunk;
}

function jsonStream(ctx: Ctx, plan: OpenPlan): Readable {
  const names = plan.columns.map((c) => JSON.stringify(c.name));
  return Readable.from((async function* () {
    yield '[';
    let first = true;
    for await (const chunk of ctx.lakeReader.stream(plan.sql)) {
      const parts = chunk.map((r) => `{${r.map((v, i) => `${names[i]}:${JSON.stringify(v ?? null)}`).join(',')}}`);
      yield (first ? '\n' : ',\n') + parts.join(',\n');
      first = false;
    }
    yield '\n]\n';
  })());
}

function xlsxStream(ctx: Ctx, plan: OpenPlan): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet(plan.dataset.code.slice(0, 31));
  void (async () => {
    try {
      ws.addRow(plan.columns.map((c) => c.title)).commit();
      // strings are written as text cells, which spreadsheets never run as formulas and keep digit for digit
      for await (const r of rowsOf(ctx, plan)) ws.addRow(r.map((v) => v ?? null)).commit();
      ws.commit();
      await wb.commit();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}

async function parquetStream(ctx: Ctx, plan: OpenPlan): Promise<Readable> {
  const dir = path.join(ctx.lake.dataDir, 'tmp', 'downloads');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${newId()}.parquet`);
  try {
    await ctx.lakeReader.copyToParquet(plan.sql, file);
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
  const s = fs.createReadStream(file);
  s.once('close', () => fs.rmSync(file, { force: true }));
  return s;
}

/**
 * A download of a version of an open dataset, streamed: CSV (UTF-8 with BOM, spreadsheet-safe
 * cells), XLSX (one sheet, titles as header), JSON (an array of objects) or Parquet. Audited.
 */
export async function openDownload(ctx: Ctx, reader: OpenReader, ds: Dataset, format: OpenFormat, versionNo?: number) {
  const plan = await planOpenRead(ctx, reader, ds, versionNo);
  if (format === 'xlsx' && plan.version.rowCount > XLSX_MAX_ROWS) {
    throw problem('unprocessable', `超过 Excel 行数上限，请下载 CSV 或 Parquet / more rows than a worksheet holds: use CSV or Parquet`, [{ field: 'format', message: 'too many rows for xlsx' }]);
  }
  await auditOpenRead(ctx, reader, plan, { format, rows: plan.version.rowCount });
  const stream = format === 'csv' ? csvLinesDownload(plan.columns.map((c) => c.name), ctx.lakeReader.stream(csvLinesSql(plan.sql, plan.columns.map((c) => ({ name: c.name, text: c.type === 'string' })))))
    : format === 'json' ? jsonStream(ctx, plan)
      : format === 'xlsx' ? xlsxStream(ctx, plan)
        : await parquetStream(ctx, plan);
  const { contentType, ext } = OPEN_FORMATS[format];
  return { stream, contentType, filename: `${ds.code}-v${plan.version.version}.${ext}`, version: plan.version.version };
}
