import { isOpenEntry, openRule, type Dataset, type Field } from '../catalog/index.ts';

export { isOpenEntry, openRule };

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
