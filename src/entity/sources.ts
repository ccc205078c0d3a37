/**
 * Which datasets feed the entity index and how their fields map onto an entity's inputs. A dataset
 * may describe several entities per row (a marriage record: husband and wife; a birth record: the
 * child, the mother, the father); each is a role with its own field mapping.
 */
import type { Dataset, Field } from '../catalog/index.ts';
import { type Caller, type Ctx, problem, requireRole } from '../kernel/index.ts';
import { ENTITY_INPUTS, type EntityKind } from './kinds.ts';

export type RoleFields = Partial<Record<string, string>>;
export interface SourceRole {
  /** '' for the row's main subject, else a short name (the field prefix: nf, nv, mq, fddbr …). */
  role: string;
  fields: RoleFields;
}

export interface EntitySource {
  kind: EntityKind;
  datasetId: string;
  datasetCode: string;
  datasetName: string;
  departmentCode: string;
  roles: SourceRole[];
  trust: number;
  enabled: boolean;
  linkedVersion: number;
}

const byName = (fields: Field[], ...names: string[]) => names.map((n) => fields.find((f) => f.name === n)).find(Boolean);
const titled = (fields: Field[], re: RegExp, not?: RegExp) => fields.find((f) => re.test(f.title) && !(not && not.test(f.title)));

/** Person roles: one per ID-number field, its name field found by the usual prefixes (nf_gmsfhm → nf_xm, qlr_gmsfhm → qlr). */
function personRoles(ds: Dataset): SourceRole[] {
  const roles: SourceRole[] = [];
  for (const id of ds.fields.filter((f) => f.element === 'id_card')) {
    const prefix = id.name.replace(/_?gmsfhm$|_?sfzh$|_?id_number$/i, '');
    const name = prefix ? byName(ds.fields, `${prefix}_xm`, `${prefix}xm`, prefix) : byName(ds.fields, 'xm', 'name') ?? titled(ds.fields, /^姓名$/);
    if (!name || name === id) continue;
    const fields: RoleFields = { name: name.name, id_number: id.name };
    if (!prefix) {
      const sex = ds.fields.find((f) => f.element === 'gender');
      const birth = byName(ds.fields, 'csrq', 'birth_date') ?? titled(ds.fields, /出生日期/);
      const phone = ds.fields.find((f) => f.element === 'mobile' && !/监护人|上报人/.test(f.title));
      const address = titled(ds.fields, /(户籍|居住|家庭|联系)?地址|住址/, /单位|经营|发生/);
      if (sex) fields.sex = sex.name;
      if (birth) fields.birth_date = birth.name;
      if (phone) fields.phone = phone.name;
      if (address) fields.address = address.name;
    }
    roles.push({ role: prefix.replace(/_$/, ''), fields });
  }
  // people named with a phone but no ID number (a case's reporter, a pupil's guardian): linked on name and phone
  for (const phone of ds.fields.filter((f) => f.element === 'mobile')) {
    const prefix = /^(.+?)_?(lxdh|dh)$/.exec(phone.name)?.[1];
    if (!prefix || roles.some((r) => r.role === prefix)) continue;
    const name = byName(ds.fields, `${prefix}_xm`, `${prefix}xm`);
    if (name) roles.push({ role: prefix, fields: { name: name.name, phone: phone.name } });
  }
  return roles;
}

/** Enterprise roles: datasets about enterprises (their key holds no ID number): code, name, legal representative, address, founding date. */
function enterpriseRoles(ds: Dataset): SourceRole[] {
  const ids = new Set(ds.fields.filter((f) => f.element === 'id_card').map((f) => f.name));
  if (ds.primaryKey.some((k) => ids.has(k))) return [];
  const code = ds.fields.find((f) => f.element === 'uscc' || f.element === 'org_code');
  const name = titled(ds.fields, /(企业|单位|纳税人|市场主体)?名称$/, /疫苗|学校|险种/) ?? byName(ds.fields, 'qymc', 'dwmc', 'nsrmc');
  if (!code && !name) return [];
  const fields: RoleFields = {};
  if (name) fields.name = name.name;
  if (code) fields.code = code.name;
  const rep = byName(ds.fields, 'fddbr') ?? titled(ds.fields, /法定代表人$|负责人$/);
  const address = titled(ds.fields, /住所|经营场所|地址/);
  const founded = byName(ds.fields, 'clrq') ?? titled(ds.fields, /成立日期/);
  if (rep) fields.legal_rep = rep.name;
  if (address) fields.address = address.name;
  if (founded) fields.established = founded.name;
  return [{ role: '', fields }];
}

/** The roles a dataset offers for a kind, from its fields' data elements and names; [] when none. */
export function suggestRoles(kind: EntityKind, ds: Dataset): SourceRole[] {
  return kind === 'person' ? personRoles(ds) : enterpriseRoles(ds);
}

interface SourceRow {
  kind: EntityKind; dataset_id: string; code: string; name: string; dept: string;
  roles: SourceRole[]; trust: number; enabled: boolean; linked_version: number;
}
const toSource = (r: SourceRow): EntitySource => ({
  kind: r.kind, datasetId: r.dataset_id, datasetCode: r.code, datasetName: r.name, departmentCode: r.dept,
  roles: r.roles, trust: r.trust, enabled: r.enabled, linkedVersion: r.linked_version,
});

export const entitySources = {
  async list(ctx: Ctx, kind: EntityKind): Promise<EntitySource[]> {
    const rows = await ctx.db.query<SourceRow>(
      `SELECT s.kind, s.dataset_id, d.code, d.name, dep.code AS dept, s.roles, s.trust, s.enabled, s.linked_version
         FROM entity_sources s JOIN datasets d ON d.id = s.dataset_id JOIN departments dep ON dep.id = d.department_id
        WHERE s.kind = $1 ORDER BY s.trust DESC, d.code`, [kind]);
    return rows.map(toSource);
  },

  /** Add or change a source (admin): roles checked against the dataset's fields. */
  async put(ctx: Ctx, caller: Caller, kind: EntityKind, ds: Dataset, input: { roles?: SourceRole[]; trust?: number; enabled?: boolean }): Promise<EntitySource> {
    requireRole(caller, 'admin');
    const roles = input.roles ?? suggestRoles(kind, ds);
    if (!roles.length) throw problem('validation', `roles: 数据集 ${ds.code} 中找不到可用于${kind === 'person' ? '人员' : '法人'}关联的字段 / no fields to link on`, [{ field: 'roles', message: 'no usable fields' }]);
    const names = new Set(ds.fields.map((f) => f.name));
    roles.forEach((r, i) => {
      for (const [input, field] of Object.entries(r.fields)) {
        if (!ENTITY_INPUTS[kind].includes(input)) throw problem('validation', `roles.${i}.fields.${input}: 未知输入 / unknown input`, [{ field: `roles.${i}.fields.${input}`, message: 'unknown input' }]);
        if (field && !names.has(field)) throw problem('validation', `roles.${i}.fields.${input}: 数据集没有字段 ${field} / no such field`, [{ field: `roles.${i}.fields.${input}`, message: `no field ${field}` }]);
      }
      if (!r.fields.name) throw problem('validation', `roles.${i}.fields.name: 必须映射名称字段 / a name field is required`, [{ field: `roles.${i}.fields.name`, message: 'required' }]);
    });
    await ctx.db.query(
      `INSERT INTO entity_sources (kind, dataset_id, roles, trust, enabled, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (kind, dataset_id) DO UPDATE SET roles = EXCLUDED.roles, trust = EXCLUDED.trust, enabled = EXCLUDED.enabled, updated_at = now()`,
      [kind, ds.id, JSON.stringify(roles), input.trust ?? 0, input.enabled ?? true]);
    await ctx.audit.record(caller, { action: 'entity.source.put', objectType: 'dataset', objectId: ds.code, departmentId: ds.departmentId, details: { kind, roles: roles.map((r) => r.role || 'main'), fields: [...new Set(roles.flatMap((r) => Object.values(r.fields).filter((f): f is string => !!f)))], trust: input.trust ?? 0, enabled: input.enabled ?? true } });
    return (await entitySources.list(ctx, kind)).find((s) => s.datasetId === ds.id)!;
  },

  async markLinked(ctx: Ctx, kind: EntityKind, versions: Map<string, number>): Promise<void> {
    for (const [datasetId, v] of versions) await ctx.db.query('UPDATE entity_sources SET linked_version = $3 WHERE kind = $1 AND dataset_id = $2', [kind, datasetId, v]);
  },
};
