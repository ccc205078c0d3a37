import { FIELD_TYPES, type Dataset } from '../catalog/index.ts';
import { type Caller, type Ctx, problem, SYSTEM } from '../kernel/index.ts';
import { ident } from '../lake/index.ts';
import type { Queryable } from '../control/index.ts';
import { isOwner } from './guard.ts';
import { activeGrant, type Grant } from './grants.ts';

/** A department as a reader: what its data officers may read, whoever acts for it. */
export const departmentReader = (ds: Pick<Dataset, 'departmentId' | 'departmentCode'>): Caller => ({
  id: null, username: `department:${ds.departmentCode}`, displayName: ds.departmentCode, role: 'officer', departmentId: ds.departmentId,
});

/**
 * May the department owning `consumer` check values against `target`'s key, in clear? A reference
 * check reads the other dataset (which values exist) as surely as a query does, so it needs what a
 * read of those fields in clear needs: its own datasets, or an active grant of its department on the
 * target that covers the key fields unmasked (a dataset shared unconditionally is granted on request;
 * one not shared (不予共享) can never be referenced). `at` names the rule in errors
 * (e.g. `rules.references.0`). Returns the grant read under (null: the department's own data).
 */
export async function referenceAccess(q: Queryable, consumer: Dataset, target: Dataset, key: string[], at: string): Promise<Grant | null> {
  const fail = (message: string) => problem('forbidden', `${at}.dataset: ${message}`, [{ field: `${at}.dataset`, message }]);
  const reader = departmentReader(consumer);
  if (isOwner(reader, target)) return null;
  if (target.shareType === 'none') throw fail(`数据集 ${target.code} 不予共享，不能被引用 / ${target.code} is not shared and cannot be referenced`);
  let grant: Grant;
  try {
    grant = await activeGrant(q, reader, target);
  } catch {
    throw fail(`数据集 ${target.code} 为${target.shareType === 'conditional' ? '有条件共享' : '无条件共享'}，引用其键字段需要覆盖这些字段的共享授权 / referencing the key of ${target.code} needs a share grant covering the key fields`);
  }
  const hidden = key.filter((k) => !grant.fields.includes(k) || grant.masks[k]);
  if (hidden.length)
    throw fail(`数据集 ${target.code} 的键字段 ${hidden.join('、')} 不在授权中或为脱敏字段，需要授权明文读取后才能引用 / the key field(s) ${hidden.join(', ')} of ${target.code} are not granted in clear to your department: a grant is needed to reference them`);
  return grant;
}

export interface ReferenceScan {
  /** Table expression of the target's distinct keys (current version), or null when it has no data yet. */
  scan: string | null;
  /** DuckDB types of the key columns. */
  keyTypes: string[];
}

/**
 * The guarded read behind a reference rule, at ingest time: access is checked again (the target's
 * share type or levels may have changed since the rule was saved), and the check is recorded as a
 * `data.read` of the target — its department sees who checked values against its data, and why.
 */
export async function referenceScan(ctx: Ctx, caller: Caller, r: { consumer: Dataset; target: Dataset; key: string[]; jobId: string; at: string }): Promise<ReferenceScan> {
  const grant = await referenceAccess(ctx.db, r.consumer, r.target, r.key, r.at);
  const v = await ctx.lake.version(r.target.id);
  const types = new Map(v?.schema.map((c) => [c.name, c.type]) ?? []);
  const keyTypes = r.key.map((k) => types.get(k) ?? FIELD_TYPES[r.target.fields.find((f) => f.name === k)?.type ?? 'string'] ?? 'VARCHAR');
  const usable = !!v && v.rowCount > 0 && r.key.every((k) => types.has(k));
  await ctx.audit.record(caller, {
    action: 'data.read', objectType: 'dataset', objectId: r.target.code, departmentId: r.target.departmentId,
    details: { purpose: 'reference', for: r.consumer.code, forDepartment: r.consumer.departmentCode, jobId: r.jobId, fields: r.key, version: v?.version ?? null, basis: grant ? 'grant' : 'owner', grantId: grant?.id ?? null },
  });
  return { scan: usable ? `(SELECT DISTINCT ${r.key.map(ident).join(', ')} FROM ${ctx.lakeReader.scan(v)})` : null, keyTypes };
}

/**
 * The entity index's read of a source dataset: the platform links the records of one person or
 * enterprise across departments (一人一档 / 一企一档) for the data bureau. Reads the current version,
 * recorded as a `data.read` of the dataset with purpose `entity-index`, so its department sees it. A
 * dataset not shared (不予共享) never feeds the index: even a link would tell what it holds.
 */
export async function entitySourceScan(ctx: Ctx, ds: Dataset, r: { kind: string; runId: string; fields: string[] }): Promise<{ scan: string; version: number } | null> {
  if (ds.shareType === 'none') return null;
  const v = await ctx.lake.version(ds.id);
  if (!v || v.rowCount === 0) return null;
  const cols = new Set(v.schema.map((c) => c.name));
  const fields = [...new Set(r.fields)].filter((f) => cols.has(f));
  await ctx.audit.record(SYSTEM, {
    action: 'data.read', objectType: 'dataset', objectId: ds.code, departmentId: ds.departmentId,
    details: { purpose: 'entity-index', kind: r.kind, runId: r.runId, fields, version: v.version, rows: v.rowCount, basis: 'platform' },
  });
  return { scan: `(SELECT ${fields.map(ident).join(', ')} FROM ${ctx.lakeReader.scan(v)})`, version: v.version };
}
