// Coded values shown by name (性别 1 → 男性, 民族 01 → 汉族), the raw code kept for the hover. The code
// tables come with the data elements (GET /standards/elements); the values themselves come through the
// share guard, so a masked value is no code and is shown as it is.
import { currentLocale } from './i18n/index.ts';
import type { DatasetField, ElementInfo } from './types.ts';

export interface ShownValue {
  text: string;
  /** The raw code, when the value was decoded. */
  code: string | null;
}

const plain = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A function showing a field's value by name where the field's data element has a code table. */
export function codeDecoder(fields: Pick<DatasetField, 'name' | 'element'>[], elements: ElementInfo[]): (field: string, value: unknown) => ShownValue {
  const en = currentLocale() === 'en';
  const byId = new Map(elements.map((e) => [e.id, e]));
  const tables = new Map<string, Record<string, string>>();
  for (const f of fields) {
    const e = f.element ? byId.get(f.element) : undefined;
    if (e?.codes) tables.set(f.name, en && e.codesEn ? { ...e.codes, ...e.codesEn } : e.codes);
  }
  return (field, value) => {
    const text = plain(value);
    const name = tables.get(field)?.[text];
    return name === undefined ? { text, code: null } : { text: name, code: text };
  };
}
