import { FIELD_TYPES, type Dataset } from '../catalog/index.ts';
import { type Caller, type Ctx, problem } from '../kernel/index.ts';
import { ident } from '../lake/index.ts';
import { basisFor, masksField, type AccessBasis } from './guard.ts';

/** A department as a reader: what its data officers may read, whoever acts for it. */
export const departmentReader = (ds: Pick<Dataset, 'departmentId' | 'departmentCode'>): Caller => ({
  id: null, username: `department:${ds.departmentCode}`, displayName: ds.departmentCode, role: 'officer', departmentId: ds.departmentId,
});

/**
 * May the department owning `consumer` check values against `target`'s key, in clear? A reference
 * check reads the other dataset (which values exist) as surely as a query does, so it needs what a
 * read of those fields in clear needs: its own datasets, or another department's dataset shared
 * unconditionally (无条件共享) whose key fields it sees unmasked. A conditional (有条件) dataset
 * needs a grant covering the key fields; one not shared (不予共享) can never be referenced.
 * `at` names the rule in errors (e.g. `rules.references.0`).
 */
export function referenceAccess(consumer: Dataset, target: Dataset, key: string[], at: string): AccessBasis {
  const fail = (message: string) => problem('forbidden', `${at}.dataset: ${message}`, [{ field: `${at}.dataset`, message }]);
  let basis: AccessBasis;
  try {
    basis = basisFor(departmentReader(consumer), target);
  } catch {
    throw fail(target.shareType === 'none'
      ? `数据集 ${target.code} 不予共享，不能被引用 / ${target.code} is not shared and cannot be referenced`
      : `数据集 ${target.code} 为有条件共享，引用其键字段需要覆盖这些字段的共享授权 / ${target.code} is shared on conditions: referencing its key needs a grant covering the key fields`);
  }
  const hidden = key.map((k) => target.fields.find((f) => f.name === k)).filter((f) => f && masksField(basis, f)).map((f) => f!.name);
  if (hidden.length)
    throw fail(`数据集 ${target.code} 的键字段 ${hidden.join('、')} 为敏感字段（L3/L4），本部门只能看到脱敏值，需要授权后才能引用 / the key field(s) ${hidden.join(', ')} of ${target.code} are sensitive (L3/L4) and masked for your department: a grant is needed to reference them`);
  return basis;
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
  const basis = referenceAccess(r.consumer, r.target, r.key, r.at);
  const v = await ctx.lake.version(r.target.id);
  const types = new Map(v?.schema.map((c) => [c.name, c.type]) ?? []);
  const keyTypes = r.key.map((k) => types.get(k) ?? FIELD_TYPES[r.target.fields.find((f) => f.name === k)?.type ?? 'string'] ?? 'VARCHAR');
  const usable = !!v && v.rowCount > 0 && r.key.every((k) => types.has(k));
  await ctx.audit.record(caller, {
    action: 'data.read', objectType: 'dataset', objectId: r.target.code, departmentId: r.target.departmentId,
    details: { purpose: 'reference', for: r.consumer.code, forDepartment: r.consumer.departmentCode, jobId: r.jobId, fields: r.key, version: v?.version ?? null, basis },
  });
  return { scan: usable ? `(SELECT DISTINCT ${r.key.map(ident).join(', ')} FROM ${ctx.lakeReader.scan(v)})` : null, keyTypes };
}
