import { QUARANTINE_CSV_COLUMNS } from '../../share/index.ts';
import type { Field } from '../../catalog/index.ts';
import type { HeaderMapping } from '../types.ts';

/**
 * Labels that mean the same thing in department files. A header matches a field when one group
 * holds both the header and the field's name, title or data element.
 */
export const SYNONYMS: string[][] = [
  ['id_card', 'idcard', 'id_no', 'id_number', 'sfzh', '身份证号', '身份证号码', '公民身份号码', '公民身份证号', '身份证', '证件号码', '证件号', '居民身份证号码'],
  ['name', 'xm', '姓名', '名字', '人员姓名', '户主姓名'],
  ['mobile', 'phone', 'tel', 'telephone', 'lxdh', 'sjhm', '联系电话', '手机号', '手机号码', '手机', '电话', '电话号码', '联系方式', '移动电话'],
  ['landline', '固定电话', '座机'],
  ['gender', 'sex', 'xb', '性别'],
  ['birth_date', 'birthday', 'dob', 'csrq', '出生日期', '出生年月日', '生日'],
  ['address', 'addr', 'dz', '地址', '住址', '家庭住址', '联系地址', '居住地址', '户籍地址', '详细地址'],
  ['email', 'e_mail', 'mail', '邮箱', '电子邮箱', '电子邮件'],
  ['ethnicity', 'nation', 'mz', '民族'],
  ['area_code', 'region_code', 'division_code', '行政区划代码', '区划代码', '行政区划'],
  ['postcode', 'zip', 'zipcode', 'postal_code', '邮政编码', '邮编'],
  ['uscc', 'credit_code', 'tyshxydm', '统一社会信用代码', '信用代码', '社会信用代码'],
  ['org_code', 'organization_code', '组织机构代码', '机构代码'],
  ['company_name', 'enterprise_name', 'org_name', '企业名称', '单位名称', '机构名称', '名称'],
  ['legal_person', 'legal_representative', '法定代表人', '法人代表', '法人'],
  ['registered_on', 'register_date', 'reg_date', '登记日期', '注册日期', '成立日期'],
];

/** Lower case, no spaces, no punctuation or brackets (so 联系电话（手机） ~ 联系电话手机, ID_Card ~ idcard). */
export function normLabel(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.·•:：/\\()（）【】[\]"'`]+/g, '');
}

const GROUP = new Map<string, number>();
SYNONYMS.forEach((g, i) => g.forEach((s) => GROUP.set(normLabel(s), i)));

export type MatchKind = 'given' | 'saved' | 'name' | 'title' | 'synonym';

export interface ColumnMatch {
  header: string;
  field: string | null;
  by: MatchKind | null;
}

/**
 * Propose a field for every header: the mapping given, else the saved one, else by field name,
 * by title, then by synonym. A field is taken by at most one header (the first that matches).
 */
export function proposeMapping(headers: string[], fields: Field[], given?: HeaderMapping | null, saved?: HeaderMapping | null): ColumnMatch[] {
  const byName = new Map(fields.map((f) => [normLabel(f.name), f.name]));
  const byTitle = new Map(fields.map((f) => [normLabel(f.title), f.name]));
  const bySynonym = new Map<number, string>();
  for (const f of fields) {
    for (const label of [f.name, f.title, f.element ?? '']) {
      const g = label ? GROUP.get(normLabel(label)) : undefined;
      if (g !== undefined && !bySynonym.has(g)) bySynonym.set(g, f.name);
    }
  }
  const names = new Set(fields.map((f) => f.name));
  const taken = new Set<string>();
  const out: ColumnMatch[] = headers.map((header) => ({ header, field: null, by: null }));
  const take = (m: ColumnMatch, field: string | null | undefined, by: MatchKind) => {
    if (m.by) return;
    if (field === null) { m.by = by; return; } // explicitly ignored
    if (!field || !names.has(field) || taken.has(field)) return;
    m.field = field;
    m.by = by;
    taken.add(field);
  };
  const has = (map: HeaderMapping | null | undefined, h: string) => !!map && Object.prototype.hasOwnProperty.call(map, h);
  for (const m of out) if (has(given, m.header)) take(m, given![m.header], 'given');
  for (const m of out) if (has(saved, m.header)) take(m, saved![m.header], 'saved');
  // the bookkeeping columns of a quarantine CSV are never data
  const auto = out.filter((m) => !QUARANTINE_COLUMNS.has(m.header));
  for (const m of auto) take(m, byName.get(normLabel(m.header)), 'name');
  for (const m of auto) take(m, byTitle.get(normLabel(m.header)), 'title');
  for (const m of auto) {
    const g = GROUP.get(normLabel(m.header));
    if (g !== undefined) take(m, bySynonym.get(g), 'synonym');
  }
  return out;
}

/** Columns the quarantine CSV adds in front of the original ones; ignored when it is re-ingested. */
export const QUARANTINE_COLUMNS = new Set(QUARANTINE_CSV_COLUMNS);

/** The mapping as a plain object (header → field or null). */
export function mappingOf(matches: ColumnMatch[]): HeaderMapping {
  return Object.fromEntries(matches.map((m) => [m.header, m.field]));
}
