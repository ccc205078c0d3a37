import { listElements } from '../standards/index.ts';
import { type FieldError, problem } from '../kernel/index.ts';
import type { Field } from './types.ts';

/** Field types a dataset may declare, and the DuckDB type each is stored as. */
export const FIELD_TYPES = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  decimal: 'DECIMAL(18,4)',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
} as const;
export type FieldType = keyof typeof FIELD_TYPES;

export const FIELD_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Check a dataset's field list and primary key; throws one validation problem naming every bad field. */
export function checkFields(fields: Field[], primaryKey: string[]): void {
  const errors: FieldError[] = [];
  const elements = new Set(listElements().map((e) => e.id));
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const at = `fields.${i}`;
    if (!FIELD_NAME.test(f.name)) errors.push({ field: `${at}.name`, message: `字段名须为小写字母、数字、下划线 / lower-case letters, digits and _ : ${f.name}` });
    if (seen.has(f.name)) errors.push({ field: `${at}.name`, message: `字段重复 / duplicate field ${f.name}` });
    seen.add(f.name);
    if (!(f.type in FIELD_TYPES)) errors.push({ field: `${at}.type`, message: `类型须为 / type must be one of ${Object.keys(FIELD_TYPES).join(', ')}` });
    if (f.element && !elements.has(f.element)) errors.push({ field: `${at}.element`, message: `未知数据元 / unknown data element ${f.element}` });
  });
  if (!fields.length) errors.push({ field: 'fields', message: '至少一个字段 / at least one field' });
  primaryKey.forEach((k, i) => {
    if (!seen.has(k)) errors.push({ field: `primaryKey.${i}`, message: `主键字段不存在 / no field ${k}` });
  });
  if (errors.length) throw problem('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}
