import { Filter, type Queryable } from '../control/index.ts';
import { notFound } from '../kernel/index.ts';
import { DATASET_SELECT, datasetByCode, toDataset } from './datasets.ts';
import { visibleEntries } from './visibility.ts';
import type { Dataset, Field, OpenRule } from './types.ts';

/** A dataset as open data can show it: published, and open (公开) or conditionally open (有条件开放, API key). */
export const isOpenEntry = (ds: Pick<Dataset, 'status' | 'openType'>) => ds.status === 'published' && ds.openType !== 'none';

/** A published open entry by code, or not-found (drafts, closed and unknown entries are all the same to the public). */
export async function openEntry(q: Queryable, code: string): Promise<Dataset> {
  const ds = await datasetByCode(q, code);
  if (!ds || !isOpenEntry(ds)) throw notFound('dataset', code);
  return ds;
}

/** Every open entry (what the public sees of the catalog: `visibleEntries` for no caller), by code. */
export async function openEntries(q: Queryable): Promise<Dataset[]> {
  const f = visibleEntries(null, new Filter());
  return (await q.query<Parameters<typeof toDataset>[0]>(`${DATASET_SELECT} ${f.where} ORDER BY ds.code`, f.params)).map(toDataset);
}

/** What open data does with field f: its rule, else L1/L2 kept and L3/L4 dropped. An L3/L4 field is never kept. */
export function openRule(f: Pick<Field, 'sensitivity' | 'open'>): Exclude<OpenRule, 'keep'> | 'keep' {
  const sensitive = f.sensitivity === 'L3' || f.sensitivity === 'L4';
  if (f.open === 'mask' || f.open === 'drop') return f.open;
  return sensitive ? 'drop' : 'keep';
}

export interface OpenColumn {
  name: string;
  title: string;
  /** The field's declared type; a masked field is text in open data whatever it was. */
  type: Field['type'];
  element: string | null;
  masked: boolean;
  description?: string;
}

/** The columns open data carries for a dataset, in field order: dropped fields left out, masked ones marked. */
export function openColumns(ds: Pick<Dataset, 'fields'>): OpenColumn[] {
  return ds.fields.flatMap((f) => {
    const rule = openRule(f);
    if (rule === 'drop') return [];
    const masked = rule === 'mask';
    return [{ name: f.name, title: f.title, type: masked ? 'string' : f.type, element: f.element ?? null, masked, ...(f.description ? { description: f.description } : {}) }];
  });
}

/** A catalog entry as the public sees it (portal, open search): no internal ids, fields as open data carries them. */
export function publicEntry(ds: Dataset) {
  return {
    code: ds.code, name: ds.name, description: ds.description, departmentCode: ds.departmentCode, departmentName: ds.departmentName, theme: ds.theme,
    category: ds.category, layer: ds.layer, resourceFormat: ds.resourceFormat, updateCycle: ds.updateCycle, openType: ds.openType,
    openCondition: ds.openCondition, keywords: ds.keywords, contact: ds.contact, licence: ds.licence ?? DEFAULT_LICENCE, publishedAt: ds.publishedAt,
    dataUpdatedAt: ds.dataUpdatedAt, currentVersion: ds.currentVersion, rowCount: ds.rowCount, quality: ds.quality, fields: openColumns(ds),
  };
}
export type PublicEntry = ReturnType<typeof publicEntry>;

/** The licence of open data that names none. */
export const DEFAULT_LICENCE = 'CC-BY-4.0';
