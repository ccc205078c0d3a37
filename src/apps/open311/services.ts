/**
 * Case categories as GeoReport v2 services. A service is an active category a report can name: a
 * GB/T 30428.2 component or event at level 2 or below (上水井盖, 道路破损 …) and a 12345 first-level
 * category. Its definition has a small fixed set of attributes per kind, kept here as data: what a
 * reporting application asks the reporter besides the description and the place.
 */
import type { Ctx } from '../../kernel/index.ts';
import { caseCategories, type Category } from '../cases/index.ts';
import { open311Error, type Value } from './format.ts';

export type Datatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

export interface AttributeDef {
  code: string;
  /** false: information shown to the reporter, nothing to answer. */
  variable: boolean;
  datatype: Datatype;
  required: boolean;
  datatype_description: string;
  description: string;
  values?: { key: string; name: string }[];
  /** number: the least and the most accepted. */
  min?: number;
  max?: number;
}

type Kind = Category['kind'];

/** The attributes every service asks. */
const COMMON: AttributeDef[] = [
  {
    code: 'NOTICE', variable: false, datatype: 'text', required: false, datatype_description: '',
    description: '危及人身安全的紧急情况请拨打 110、119 或 120；请勿在描述中填写他人隐私 / for emergencies that endanger life call 110, 119 or 120; do not write others\' private details in the description',
  },
  {
    code: 'URGENT', variable: true, datatype: 'singlevaluelist', required: false, datatype_description: '默认否 / default no',
    description: '是否紧急（紧急的按紧急时限办理）/ urgent (handled within the urgent time limit)',
    values: [{ key: 'no', name: '否 / no' }, { key: 'yes', name: '是 / yes' }],
  },
];

/** The attributes of each kind of category. */
export const ATTRIBUTES: Record<Kind, AttributeDef[]> = {
  // 城市部件 (GB/T 30428.2): a thing in the street — a manhole cover, a lamp, a bench
  component: [
    {
      code: 'STATE', variable: true, datatype: 'singlevaluelist', required: true, datatype_description: '',
      description: '部件状态 / the state of the component',
      values: [{ key: 'damaged', name: '破损 / damaged' }, { key: 'missing', name: '丢失 / missing' }, { key: 'displaced', name: '移位 / displaced' }, { key: 'other', name: '其他 / other' }],
    },
    {
      code: 'COUNT', variable: true, datatype: 'number', required: false, datatype_description: '1–999 的整数 / a whole number 1–999',
      description: '涉及数量（个）/ how many', min: 1, max: 999,
    },
  ],
  // 城市事件 (GB/T 30428.2): something happening — litter, illegal parking, a street stall
  event: [
    {
      code: 'DURATION', variable: true, datatype: 'singlevaluelist', required: false, datatype_description: '',
      description: '持续时间 / how long it has lasted',
      values: [{ key: 'now', name: '刚刚发现 / just found' }, { key: 'day', name: '一天以内 / within a day' }, { key: 'days', name: '数天 / a few days' }, { key: 'week', name: '一周以上 / over a week' }],
    },
    {
      code: 'IMPACT', variable: true, datatype: 'multivaluelist', required: false, datatype_description: '可多选 / any of them',
      description: '影响 / what it affects',
      values: [{ key: 'traffic', name: '交通 / traffic' }, { key: 'safety', name: '安全 / safety' }, { key: 'environment', name: '环境卫生 / sanitation' }, { key: 'noise', name: '噪声 / noise' }],
    },
  ],
  // 12345 热线诉求分类: a citizen's request, complaint or suggestion
  hotline: [
    {
      code: 'FIRST', variable: true, datatype: 'singlevaluelist', required: false, datatype_description: '',
      description: '是否首次反映 / reported for the first time',
      values: [{ key: 'yes', name: '是 / yes' }, { key: 'no', name: '否，此前已反映过 / no, reported before' }],
    },
    {
      code: 'SINCE', variable: true, datatype: 'datetime', required: false, datatype_description: 'ISO 8601，如 / e.g. 2026-03-01T08:00:00+08:00',
      description: '问题开始时间 / since when',
    },
  ],
};

export const attributesOf = (kind: Kind): AttributeDef[] => [...COMMON, ...ATTRIBUTES[kind]];

const KIND_NAME: Record<Kind, string> = { component: '城市部件', event: '城市事件', hotline: '12345热线' };

/** Whether a category is a service a report can name: 12345 first-level categories, components and events below their first level. */
export const isService = (c: Category) => c.active && (c.kind === 'hotline' ? c.level === 1 : c.level >= 2);

export interface Service {
  category: Category;
  group: string;
}

/** The services, by code, in code order. */
export async function listServices(ctx: Ctx): Promise<Service[]> {
  const all = await caseCategories.list(ctx);
  const names = new Map(all.map((c) => [c.code, c.name]));
  return all.filter(isService).map((category) => ({ category, group: (category.parent && names.get(category.parent)) || KIND_NAME[category.kind] }));
}

/** A service by its code: 404 when there is none (a POST that names one answers 400: the request is what is wrong). */
export async function findService(ctx: Ctx, code: string, status: 400 | 404 = 404): Promise<Service> {
  const s = (await listServices(ctx)).find((x) => x.category.code === code);
  if (!s) throw open311Error(status, `service_code: 没有这项服务 / no service ${code}`);
  return s;
}

/** A service as `GET services` lists it. */
export function toService(s: Service): Value {
  const c = s.category;
  const where = c.department ? `；责任单位 / responsible: ${c.department.name}` : '';
  return {
    service_code: c.code,
    service_name: c.name,
    description: `${KIND_NAME[c.kind]} · ${s.group === KIND_NAME[c.kind] ? '' : `${s.group} · `}${c.name}${where}；办理时限 ${c.days.normal} 个工作日（紧急 ${c.days.urgent} 个）/ handled within ${c.days.normal} working days (urgent: ${c.days.urgent})`,
    metadata: true,
    type: 'realtime',
    keywords: c.keywords.join(','),
    group: s.group,
  };
}

/** A service's definition: its attributes, in order. */
export function toDefinition(s: Service): Value {
  return {
    service_code: s.category.code,
    attributes: attributesOf(s.category.kind).map((a, i) => ({
      variable: a.variable, code: a.code, datatype: a.datatype, required: a.required, datatype_description: a.datatype_description,
      order: i + 1, description: a.description, ...(a.values ? { values: a.values } : {}),
    })),
  };
}

const MAX_TEXT: Record<Datatype, number> = { string: 200, text: 2000, number: 20, datetime: 40, singlevaluelist: 100, multivaluelist: 100 };

/**
 * The attributes a request gives (`attribute[CODE]=value`, a list as `attribute[CODE][]=…`), checked
 * against the service's definition: each required one given, each value of its type and list, no code
 * the service does not ask. Every fault is a 400 that names the attribute.
 */
export function checkAttributes(kind: Kind, given: Record<string, string | string[]>): Record<string, string | number | string[]> {
  const defs = attributesOf(kind).filter((a) => a.variable);
  const bad = (code: string, why: string) => open311Error(400, `attribute[${code}]: ${why}`);
  for (const code of Object.keys(given)) if (!defs.some((d) => d.code === code)) throw bad(code, `此服务没有这个属性 / the service has no attribute ${code}`);
  const out: Record<string, string | number | string[]> = {};
  for (const d of defs) {
    const raw = given[d.code];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => String(v).trim()).filter((v) => v !== '');
    if (!list.length) {
      if (d.required) throw bad(d.code, `必填 / required (${d.description})`);
      continue;
    }
    if (list.some((v) => v.length > MAX_TEXT[d.datatype])) throw bad(d.code, `最长 ${MAX_TEXT[d.datatype]} 字 / ${MAX_TEXT[d.datatype]} characters at most`);
    if (d.datatype !== 'multivaluelist' && list.length > 1) throw bad(d.code, '只能有一个值 / one value only');
    const v = list[0]!;
    const keys = d.values?.map((x) => x.key) ?? [];
    switch (d.datatype) {
      case 'singlevaluelist':
        if (!keys.includes(v)) throw bad(d.code, `须为 / one of ${keys.join(', ')}`);
        out[d.code] = v;
        break;
      case 'multivaluelist': {
        const wrong = list.find((x) => !keys.includes(x));
        if (wrong !== undefined) throw bad(d.code, `${wrong} 不在可选值中 / not one of ${keys.join(', ')}`);
        out[d.code] = [...new Set(list)];
        break;
      }
      case 'number': {
        const n = Number(v);
        if (!/^-?\d+(\.\d+)?$/.test(v) || !Number.isFinite(n) || (d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)) throw bad(d.code, `须为数字 / a number${d.datatype_description ? ` (${d.datatype_description})` : ''}`);
        out[d.code] = n;
        break;
      }
      case 'datetime':
        if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || Number.isNaN(Date.parse(v))) throw bad(d.code, '须为 ISO 8601 时间 / an ISO 8601 date-time');
        out[d.code] = new Date(v).toISOString();
        break;
      default:
        out[d.code] = v;
    }
  }
  return out;
}

/** The attributes' answers as words, for a description the reporter did not write. */
export function describeAttributes(kind: Kind, given: Record<string, string | number | string[]>): string {
  return attributesOf(kind).filter((d) => d.variable && given[d.code] !== undefined).map((d) => {
    const v = given[d.code]!;
    const name = (k: string) => (d.values?.find((x) => x.key === k)?.name.split(' / ')[0] ?? k);
    return `${d.description.split(' / ')[0]}：${Array.isArray(v) ? v.map(name).join('、') : name(String(v))}`;
  }).join('；');
}
