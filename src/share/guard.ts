import type { Dataset, Field } from '../catalog/index.ts';
import { type Caller, type Ctx, problem } from '../kernel/index.ts';
import { ident, maskSql, type VersionInfo } from '../lake/index.ts';
import { maskedColumn } from './masking.ts';

export type AccessBasis = 'owner' | 'admin' | 'unconditional';

export interface PlannedColumn {
  name: string;
  title: string;
  type: string;
  sensitivity: Field['sensitivity'];
  masked: boolean;
}

export interface ReadPlan {
  dataset: Dataset;
  version: VersionInfo;
  basis: AccessBasis;
  columns: PlannedColumn[];
  /** The one SQL the caller may run: allowed columns, masks applied, row filter in place. */
  sql: string;
}

export interface ReadRequest {
  fields?: string[];
  version?: number;
}

const SENSITIVE = new Set(['L3', 'L4']);

/** Does a reader on this basis see field f only masked? (A field whose mask is `none` is never masked.) */
export const masksField = (basis: AccessBasis, f: Pick<Field, 'sensitivity' | 'mask'>) => basis !== 'owner' && SENSITIVE.has(f.sensitivity) && f.mask !== 'none';

/**
 * Why the caller may read the dataset, or a 403. Deny by default:
 *  - members of the providing department read their own data in clear;
 *  - the platform admin reads L1/L2 in clear and L3/L4 masked;
 *  - other departments read `unconditional` (无条件共享) datasets with L3/L4 masked;
 *    `conditional` (有条件共享) needs an approved grant, `none` (不予共享) is never shared.
 */
export function basisFor(caller: Caller, ds: Dataset): AccessBasis {
  if (caller.departmentId && caller.departmentId === ds.departmentId && caller.role !== 'citizen') return 'owner';
  if (caller.role === 'admin') return 'admin';
  if (caller.role === 'citizen') throw problem('forbidden', '公众只能访问开放数据 / citizens read open data through the open portal');
  if (ds.shareType === 'unconditional') return 'unconditional';
  if (ds.shareType === 'none') throw problem('forbidden', `数据集 ${ds.code} 不予共享 / not shared`);
  throw problem('forbidden', `数据集 ${ds.code} 为有条件共享，需提交共享申请 / conditional sharing: request a grant first`);
}

/**
 * The guard: the only function that turns (caller, dataset, requested fields) into SQL over the
 * data plane. Every data read in the platform goes through it.
 */
export async function planRead(ctx: Ctx, caller: Caller, ds: Dataset, req: ReadRequest = {}): Promise<ReadPlan> {
  const basis = basisFor(caller, ds);
  const version = await ctx.lake.version(ds.id, req.version);
  if (!version) throw problem('not-found', req.version ? `数据集 ${ds.code} 没有版本 ${req.version} / no version ${req.version}` : `数据集 ${ds.code} 尚无数据 / dataset has no data yet`);
  const present = new Set(version.schema.map((c) => c.name));
  const known = new Map(ds.fields.map((f) => [f.name, f]));
  for (const name of req.fields ?? []) if (!known.has(name) || !present.has(name)) throw problem('validation', `fields: 未知字段 / unknown field ${name}`, [{ field: 'fields', message: `unknown field ${name}` }]);
  const wanted = (req.fields?.length ? req.fields.map((n) => known.get(n)!) : ds.fields).filter((f) => present.has(f.name));
  const key = ctx.config.secretKey ?? '';
  const columns: PlannedColumn[] = [];
  const exprs: string[] = [];
  for (const f of wanted) {
    const masked = masksField(basis, f);
    columns.push({ name: f.name, title: f.title, type: f.type, sensitivity: f.sensitivity, masked });
    exprs.push(masked ? maskedColumn(f, key) : ident(f.name));
  }
  if (!exprs.length) throw problem('validation', '没有可读字段 / no readable fields');
  // Subject keys (who was read) are pseudonyms of ID-card fields, for "who used my data".
  const idField = ds.fields.find((f) => f.element === 'id_card' && present.has(f.name));
  if (idField) exprs.push(`${maskSql('pseudonym', `CAST(${ident(idField.name)} AS VARCHAR)`, { key })} AS __subject`);
  const sql = `SELECT ${exprs.join(', ')} FROM ${ctx.lakeReader.scan(version)}`;
  return { dataset: ds, version, basis, columns, sql };
}

/** Read one page through the guard, and leave the trail (留痕). */
export async function readPage(ctx: Ctx, caller: Caller, ds: Dataset, req: ReadRequest & { limit: number; offset: number }) {
  const plan = await planRead(ctx, caller, ds, req);
  const raw = await ctx.lakeReader.query<Record<string, unknown>>(`${plan.sql} LIMIT ${Math.trunc(req.limit)} OFFSET ${Math.trunc(req.offset)}`);
  const subjects = new Set<string>();
  const rows = raw.map(({ __subject, ...r }) => {
    if (typeof __subject === 'string') subjects.add(__subject);
    return r;
  });
  await ctx.audit.record(caller, {
    action: 'data.read', objectType: 'dataset', objectId: ds.code, departmentId: ds.departmentId, subjectKeys: [...subjects],
    details: { version: plan.version.version, basis: plan.basis, fields: plan.columns.map((c) => c.name), masked: plan.columns.filter((c) => c.masked).map((c) => c.name), offset: req.offset, limit: req.limit, rows: rows.length },
  });
  return { columns: plan.columns, rows, total: plan.version.rowCount, version: plan.version.version, basis: plan.basis };
}
