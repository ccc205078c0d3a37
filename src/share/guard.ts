import type { Dataset, Field } from '../catalog/index.ts';
import { type Caller, type Ctx, problem } from '../kernel/index.ts';
import { ident, maskSql, type MaskKind, type VersionInfo } from '../lake/index.ts';
import { compileFilter, filterFields, type RowFilter } from './filter.ts';
import { activeGrant, type Grant } from './grants.ts';
import { maskExprAs } from './masking.ts';

/** Why the caller may read: its own department's data, or a grant. */
export type AccessBasis = 'owner' | 'grant';

export interface PlannedColumn {
  name: string;
  title: string;
  type: string;
  sensitivity: Field['sensitivity'];
  masked: boolean;
  /** The mask applied (absent when shown as it is). */
  mask?: MaskKind;
}

export interface ReadPlan {
  dataset: Dataset;
  version: VersionInfo;
  basis: AccessBasis;
  /** The grant read under (null for the owner). */
  grant: Grant | null;
  columns: PlannedColumn[];
  /** The filter the caller asked for (the grant's own filter is applied too, and not shown here). */
  filter: RowFilter | null;
  /**
   * The one SQL the caller may run, with positional `?` parameters in `params`: allowed columns,
   * masks applied, the grant's and the caller's row filters in place. When the dataset holds ID numbers,
   * a last column `__subjects` lists the keyed pseudonyms of the persons each row is about (for the trail).
   */
  sql: string;
  params: unknown[];
  /** Whether `sql` has the `__subjects` column (last, or before `__rowkey` when a row key was asked for). */
  subjects: boolean;
}

export interface ReadRequest {
  fields?: string[];
  version?: number;
  /** Rows the caller wants (on fields it sees as they are). */
  filter?: RowFilter;
  /** Read under this grant (else the newest active grant that holds). */
  grantId?: string;
  /**
   * For the entity index (一人一档): add a column `__rowkey` (the JSON array of these fields' values as
   * text) so the server can tell which source record a row is; the reader never gets it. With `keys`,
   * only the rows with these key values — values the index holds, never the caller's choice.
   */
  rowKey?: { fields: string[]; keys?: string[][] };
}

/** The reader's own department: no grant needed, every field in clear. */
export const isOwner = (caller: Caller, ds: Pick<Dataset, 'departmentId'>) => !!caller.departmentId && caller.departmentId === ds.departmentId && caller.role !== 'citizen';

const forbidden = (field: string, message: string) => problem('forbidden', `${field}: ${message}`, [{ field, message }]);

/**
 * The guard: the only function that turns (caller, dataset, requested fields and rows) into SQL over
 * the data plane. Deny by default: the providing department reads its own data in clear; everyone
 * else — other departments and the platform admin alike — reads only under an active grant, only the
 * granted fields and rows, masked as the grant says. Citizens read open data through the open guard.
 */
export async function planRead(ctx: Ctx, caller: Caller, ds: Dataset, req: ReadRequest = {}): Promise<ReadPlan> {
  if (caller.role === 'citizen') throw problem('forbidden', '公众只能访问开放数据 / citizens read open data through the open portal');
  const grant = isOwner(caller, ds) ? null : await activeGrant(ctx.db, caller, ds, req.grantId);
  // the dataset was just read with its current version number: a numbered version is immutable (and cached)
  const version = await ctx.lake.version(ds.id, req.version ?? (ds.currentVersion || undefined));
  if (!version) throw problem('not-found', req.version ? `数据集 ${ds.code} 没有版本 ${req.version} / no version ${req.version}` : `数据集 ${ds.code} 尚无数据 / dataset has no data yet`);
  const types = new Map(version.schema.map((c) => [c.name, c.type]));
  const known = new Map(ds.fields.map((f) => [f.name, f]));
  const allowed = (f: Field) => types.has(f.name) && (!grant || grant.fields.includes(f.name));
  for (const name of req.fields ?? []) {
    const f = known.get(name);
    if (!f || !types.has(name)) throw problem('validation', `fields: 未知字段 / unknown field ${name}`, [{ field: 'fields', message: `unknown field ${name}` }]);
    if (!allowed(f)) throw forbidden('fields', `字段 ${name} 不在授权范围内 / field ${name} is not granted`);
  }
  const wanted = (req.fields?.length ? req.fields.map((n) => known.get(n)!) : ds.fields).filter(allowed);
  if (!wanted.length) throw problem('validation', '没有可读字段 / no readable fields');
  const maskOf = (name: string): MaskKind | undefined => grant?.masks[name];
  // a condition on a value the reader sees masked (or not at all) would reveal it, row by row
  for (const name of filterFields(req.filter)) {
    const f = known.get(name);
    if (f && (!allowed(f) || maskOf(name))) throw forbidden(`filter.${name}`, `只能按授权中明文可见的字段筛选 / filter only on granted fields shown unmasked`);
  }
  const key = ctx.config.secretKey ?? '';
  const columns: PlannedColumn[] = wanted.map((f) => ({ name: f.name, title: f.title, type: f.type, sensitivity: f.sensitivity, masked: !!maskOf(f.name), ...(maskOf(f.name) ? { mask: maskOf(f.name) } : {}) }));
  const exprs = wanted.map((f) => (maskOf(f.name) ? maskExprAs(maskOf(f.name)!, f, key) : ident(f.name)));
  // Subject keys (who was read): pseudonyms of every ID-number field, for "who used my data".
  const ids = ds.fields.filter((f) => f.element === 'id_card' && types.has(f.name));
  if (ids.length) exprs.push(`[${ids.map((f) => maskSql('pseudonym', `CAST(${ident(f.name)} AS VARCHAR)`, { key })).join(', ')}] AS __subjects`);
  const own = compileFilter(grant?.filter, types, 'grant.filter');
  const asked = compileFilter(req.filter, types);
  const byKey = rowKeySql(req.rowKey, types);
  if (byKey) exprs.push(`${byKey.column} AS __rowkey`);
  const where = [own.sql, asked.sql, byKey?.where ?? ''].filter(Boolean);
  const sql = `SELECT ${exprs.join(', ')} FROM ${ctx.lakeReader.scan(version)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  return { dataset: ds, version, basis: grant ? 'grant' : 'owner', grant, columns, filter: req.filter ?? null, sql, params: [...own.params, ...asked.params, ...(byKey?.params ?? [])], subjects: ids.length > 0 };
}

/** The `__rowkey` column and, with keys, the condition selecting those rows (values bound, never inlined). */
function rowKeySql(rk: ReadRequest['rowKey'], types: Map<string, string>): { column: string; where: string; params: unknown[] } | null {
  if (!rk) return null;
  const missing = rk.fields.find((f) => !types.has(f));
  if (missing || !rk.fields.length) throw problem('validation', `rowKey: 未知字段 / unknown field ${missing ?? '(none)'}`);
  const text = rk.fields.map((f) => `CAST(${ident(f)} AS VARCHAR)`);
  const column = `to_json([${text.join(', ')}])::VARCHAR`;
  if (!rk.keys) return { column, where: '', params: [] };
  if (!rk.keys.length) return { column, where: 'false', params: [] };
  const params: unknown[] = [];
  const one = (key: string[]) => `(${text.map((t, i) => { params.push(key[i] ?? null); return `${t} = ?`; }).join(' AND ')})`;
  return { column, where: `(${rk.keys.map(one).join(' OR ')})`, params };
}

/**
 * How someone managing a department's work (an ingest job's quarantine) sees its values: the
 * department in clear, a platform admin helping it with L3/L4 masked. Not a read of the dataset.
 */
export type ManagerView = 'owner' | 'admin';
export function managerView(caller: Caller, ds: Dataset): ManagerView {
  if (isOwner(caller, ds)) return 'owner';
  if (caller.role === 'admin') return 'admin';
  throw problem('forbidden', '不能访问其他部门的对象 / object belongs to another department');
}

/** Does a manager on this view see field f only masked? (A field whose mask is `none` is never masked.) */
export const masksField = (view: ManagerView, f: Pick<Field, 'sensitivity' | 'mask'>) => view !== 'owner' && (f.sensitivity === 'L3' || f.sensitivity === 'L4') && f.mask !== 'none';
