import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Dataset } from '../catalog/index.ts';
import { type Caller, type Ctx, newId, problem } from '../kernel/index.ts';
import { ident, literal } from '../lake/index.ts';
import { csvDownload } from './exportCsv.ts';
import type { RowFilter } from './filter.ts';
import { planRead, type ReadPlan, type ReadRequest } from './guard.ts';
import { checkQuota, recordRead, type ReadVia } from './trail.ts';

/** Split the guard's rows into what the reader gets and the subject keys the trail keeps. */
function splitSubjects(plan: ReadPlan, raw: Record<string, unknown>[], into: Set<string>): Record<string, unknown>[] {
  if (!plan.subjects) return raw;
  return raw.map(({ __subjects, ...r }) => {
    for (const s of (__subjects as (string | null)[] | null) ?? []) if (s) into.add(s);
    return r;
  });
}

/**
 * One page of a plan as objects — `limit` rows from `offset` in `order` — with whether more follow,
 * the trail left (留痕) before it is returned.
 */
async function pageOf(ctx: Ctx, caller: Caller, plan: ReadPlan, p: { limit: number; offset: number; order?: string; via: ReadVia; extra: (more: boolean) => Record<string, unknown> }) {
  const raw = await ctx.lakeReader.query<Record<string, unknown>>(`${plan.sql}${p.order ?? ''} LIMIT ${p.limit + 1} OFFSET ${p.offset}`, plan.params);
  const subjects = new Set<string>();
  const rows = splitSubjects(plan, raw.slice(0, p.limit), subjects);
  const more = raw.length > p.limit;
  await recordRead(ctx, caller, plan, { via: p.via, rows: rows.length, subjects, extra: p.extra(more) });
  return { rows, more };
}

/** Read one page through the guard, and leave the trail (留痕). The console's rows preview. */
export async function readPage(ctx: Ctx, caller: Caller, ds: Dataset, req: ReadRequest & { limit: number; offset: number }) {
  const plan = await planRead(ctx, caller, ds, req);
  const limit = Math.trunc(Math.min(req.limit, await checkQuota(ctx, plan.grant)));
  const { rows } = await pageOf(ctx, caller, plan, { limit, offset: Math.trunc(req.offset), via: 'rows', extra: () => ({ offset: req.offset, limit }) });
  return { columns: plan.columns, rows, total: plan.version.rowCount, version: plan.version.version, basis: plan.basis, grantId: plan.grant?.id ?? null };
}

/**
 * Source records of the entity index (一人一档) through the guard: the rows of `ds` with the given key
 * values (or matching the caller's filter when `keys` is absent), each with its key so the server can
 * tell which record it is; the key itself is not returned as a value. The trail is left like any read.
 */
export async function readKeyed(ctx: Ctx, caller: Caller, ds: Dataset, req: ReadRequest & { rowKey: NonNullable<ReadRequest['rowKey']>; limit: number; purpose: string }) {
  const plan = await planRead(ctx, caller, ds, req);
  const limit = Math.trunc(Math.min(req.limit, await checkQuota(ctx, plan.grant)));
  const { rows } = await pageOf(ctx, caller, plan, { limit, offset: 0, via: 'profile', extra: () => ({ purpose: req.purpose }) });
  return {
    columns: plan.columns, basis: plan.basis, version: plan.version.version, grantId: plan.grant?.id ?? null,
    rows: rows.map(({ __rowkey, ...values }) => ({ key: JSON.parse(String(__rowkey)) as string[], values })),
  };
}

export const DATA_FORMATS = ['json', 'ndjson', 'csv', 'parquet'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];
/** Rows one data-service call returns at most (a page; `cursor` gets the next one). */
export const DATA_LIMIT_MAX = 10_000;

export interface DataQuery {
  fields?: string[];
  filter?: RowFilter;
  /** `field` ascending, `-field` descending; on fields the reader sees as they are. */
  sort?: string[];
  limit?: number;
  cursor?: string;
  version?: number;
  format?: DataFormat;
  grantId?: string;
}

interface Cursor { v: number; o: number; h: string }

/** What a cursor is bound to: the same fields, filter, sort and grant (a cursor of another query is refused). */
const queryHash = (q: DataQuery) => createHash('sha256').update(JSON.stringify([q.fields ?? null, q.filter ?? null, q.sort ?? null, q.grantId ?? null])).digest('base64url').slice(0, 16);

function readCursor(q: DataQuery): Cursor | null {
  if (!q.cursor) return null;
  try {
    const c = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as Cursor;
    if (Number.isInteger(c.v) && Number.isInteger(c.o) && c.o >= 0 && c.h === queryHash(q)) return c;
  } catch { /* refused below */ }
  throw problem('validation', 'cursor: 游标无效或不属于本查询 / cursor is invalid or belongs to another query', [{ field: 'cursor', message: 'invalid cursor' }]);
}

const writeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function orderBy(plan: ReadPlan, sort: string[] | undefined): string {
  if (!sort?.length) return '';
  if (sort.length > 4) throw problem('validation', 'sort: 最多 4 个字段 / at most 4 sort fields', [{ field: 'sort', message: 'at most 4 fields' }]);
  return ` ORDER BY ${sort.map((s) => {
    const name = s.replace(/^[-+]/, '');
    const col = plan.columns.find((c) => c.name === name);
    if (!col) throw problem('validation', `sort: 未知或未授权字段 / unknown or ungranted field ${name}`, [{ field: 'sort', message: `unknown field ${name}` }]);
    if (col.masked) throw problem('forbidden', `sort: 不能按脱敏字段排序 / cannot sort on masked field ${name}`, [{ field: 'sort', message: `masked field ${name}` }]);
    return `${ident(name)} ${s.startsWith('-') ? 'DESC' : 'ASC'} NULLS LAST`;
  }).join(', ')}`;
}

export interface DataResult {
  plan: ReadPlan;
  /** JSON: the page. */
  body?: { dataset: string; version: number; grantId: string | null; columns: ReadPlan['columns']; rows: Record<string, unknown>[]; nextCursor: string | null };
  /** Other formats: the stream and its type. */
  stream?: Readable;
  contentType: string;
  filename?: string;
}

/**
 * The data service (`GET /api/v1/data/{dataset}`): fields, a filter compiled to bound parameters,
 * sort, a page (limit + cursor, pinned to the version it started on), any version, as JSON, NDJSON,
 * CSV or Parquet. Quotas are checked first; the read is recorded with the rows and persons it returned.
 */
export async function dataRead(ctx: Ctx, caller: Caller, ds: Dataset, q: DataQuery, via: ReadVia = 'api'): Promise<DataResult> {
  const cursor = readCursor(q);
  const plan = await planRead(ctx, caller, ds, { fields: q.fields, filter: q.filter, version: cursor?.v ?? q.version, grantId: q.grantId });
  const left = await checkQuota(ctx, plan.grant);
  const limit = Math.trunc(Math.min(q.limit ?? 100, DATA_LIMIT_MAX, left));
  const offset = cursor?.o ?? 0;
  const order = orderBy(plan, q.sort);
  const format = q.format ?? 'json';
  const extra = (more: boolean) => ({ format, offset, limit, sort: q.sort ?? null, more });
  if (format === 'json') {
    const { rows, more } = await pageOf(ctx, caller, plan, { limit, offset, order, via, extra });
    const nextCursor = more ? writeCursor({ v: plan.version.version, o: offset + limit, h: queryHash(q) }) : null;
    return { plan, contentType: 'application/json', body: { dataset: ds.code, version: plan.version.version, grantId: plan.grant?.id ?? null, columns: plan.columns, rows, nextCursor } };
  }
  const sql = `${plan.sql}${order} LIMIT ${limit + 1} OFFSET ${offset}`;
  const subjects = new Set<string>();
  const trail = (rows: number, more: boolean) => recordRead(ctx, caller, plan, { via, rows, subjects, extra: extra(more) });
  if (format === 'parquet') return { plan, ...(await parquetPage(ctx, plan, sql, limit, subjects, trail)), contentType: 'application/vnd.apache.parquet', filename: `${ds.code}-v${plan.version.version}.parquet` };
  const names = plan.columns.map((c) => c.name);
  const rowsOf = async function* () {
    let n = 0;
    for await (const chunk of ctx.lakeReader.stream(sql, plan.params)) {
      for (const r of chunk) {
        if (++n > limit) break;
        if (plan.subjects) for (const s of (r[names.length] as (string | null)[] | null) ?? []) if (s) subjects.add(s);
        yield plan.subjects ? r.slice(0, names.length) : r;
      }
    }
    // the trail is written before the stream ends: a read that cannot be recorded fails
    await trail(Math.min(n, limit), n > limit);
  };
  if (format === 'csv') return { plan, stream: csvDownload(names, rowsOf()), contentType: 'text/csv; charset=utf-8', filename: `${ds.code}-v${plan.version.version}.csv` };
  const lines = Readable.from((async function* () {
    for await (const r of rowsOf()) yield `${JSON.stringify(Object.fromEntries(names.map((k, i) => [k, r[i] ?? null])))}\n`;
  })());
  return { plan, stream: lines, contentType: 'application/x-ndjson' };
}

/** A Parquet page: written by DuckDB to a work file, its subject keys read back, then streamed without them. */
async function parquetPage(ctx: Ctx, plan: ReadPlan, sql: string, limit: number, subjects: Set<string>, trail: (rows: number, more: boolean) => Promise<void>) {
  const dir = path.join(ctx.lake.dataDir, 'tmp', 'downloads');
  fs.mkdirSync(dir, { recursive: true });
  const all = path.join(dir, `${newId()}.parquet`);
  const out = path.join(dir, `${newId()}.parquet`);
  try {
    await ctx.lakeReader.copyToParquet(sql, all, plan.params);
    const [{ n }] = await ctx.lakeReader.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${literal(all)})`);
    if (plan.subjects) {
      const keys = await ctx.lakeReader.query<{ s: string }>(`SELECT DISTINCT unnest(__subjects) AS s FROM (SELECT __subjects FROM read_parquet(${literal(all)}) LIMIT ${limit})`);
      for (const k of keys) if (k.s) subjects.add(k.s);
    }
    await ctx.lakeReader.copyToParquet(`SELECT ${plan.columns.map((c) => ident(c.name)).join(', ')} FROM read_parquet(${literal(all)}) LIMIT ${limit}`, out);
    await trail(Math.min(n, limit), n > limit);
  } catch (err) {
    fs.rmSync(out, { force: true });
    throw err;
  } finally {
    fs.rmSync(all, { force: true });
  }
  const stream = fs.createReadStream(out);
  stream.once('close', () => fs.rmSync(out, { force: true }));
  return { stream };
}
