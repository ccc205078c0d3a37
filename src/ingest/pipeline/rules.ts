import { FIELD_TYPES, type Field } from '../../catalog/index.ts';
import { elementSql } from '../../standards/index.ts';
import { problem } from '../../kernel/index.ts';
import { MAX_CODE_MAP } from '../limits.ts';
import { literal } from '../sql.ts';
import type { FieldRules } from '../types.ts';

/**
 * Per-field rules, checked in this order; a value's first failure is reported:
 *   required   no value (after cleaning) in a required or key field
 *   standard   fails its data element (reason: the element's code, e.g. checksum)
 *   type       not castable to the field's type
 *   pattern    does not match the field's regular expression
 *   enum       not one of the allowed values
 *   range      outside [min, max] (numbers, dates)
 *   length     text length outside [minLength, maxLength]
 * Per-dataset rules (reported on the key's first field):
 *   unique     key seen earlier in the batch (append, replace) or already in the dataset (append)
 *   reference  key not found in the referenced dataset
 * Rows the reader could not parse get rule parse.
 */
export const FIELD_RULES = ['required', 'standard', 'type', 'pattern', 'enum', 'range', 'length'] as const;
export const DATASET_RULES = ['unique', 'reference', 'parse'] as const;
export type RuleId = (typeof FIELD_RULES)[number] | (typeof DATASET_RULES)[number];

/** DuckDB type of a field. */
export function duckType(f: Field): string {
  return FIELD_TYPES[f.type] ?? 'VARCHAR';
}

/** The typed value of a cleaned VARCHAR (NULL when it does not cast). */
export function typedSql(f: Field, v: string): string {
  const t = duckType(f);
  return t === 'VARCHAR' ? v : `TRY_CAST(${v} AS ${t})`;
}

function boundSql(f: Field, b: number | string): string {
  const t = duckType(f);
  if (t === 'DATE' || t === 'TIMESTAMP') {
    if (typeof b !== 'string' || Number.isNaN(Date.parse(b))) throw problem('validation', `${f.name}: range bound must be a date`, [{ field: `rules.fields.${f.name}`, message: 'range bound must be a date' }]);
    return `CAST(${literal(b)} AS ${t})`;
  }
  const n = Number(b);
  if (!Number.isFinite(n)) throw problem('validation', `${f.name}: range bound must be a number`, [{ field: `rules.fields.${f.name}`, message: 'range bound must be a number' }]);
  return String(n);
}

/** Check a field's extra rules (regex compiles, bounds fit the type, sizes). */
export function checkFieldRules(f: Field, r: FieldRules): void {
  const bad = (message: string) => problem('validation', `rules.fields.${f.name}: ${message}`, [{ field: `rules.fields.${f.name}`, message }]);
  if (r.pattern) {
    if (r.pattern.length > 1000) throw bad('pattern too long');
    try {
      new RegExp(r.pattern);
    } catch {
      throw bad('pattern is not a valid regular expression');
    }
  }
  if (r.enum && r.enum.length > MAX_CODE_MAP) throw bad(`enum has more than ${MAX_CODE_MAP} values`);
  if (r.min !== undefined && r.min !== null) boundSql(f, r.min);
  if (r.max !== undefined && r.max !== null) boundSql(f, r.max);
}

/**
 * The failure expression of one field.
 * @param v          cleaned value (VARCHAR, NULL when blank)
 * @param normalized the element's normalised value when normalisation ran (NULL = did not normalise)
 */
export function fieldCheckSql(f: Field, v: string, normalized: string | null, r: FieldRules, required: boolean): string {
  const t = duckType(f);
  const parts: string[] = [];
  // the value as stored: the element's normalised form where there is one
  const value = normalized ? `coalesce(${normalized}, ${v})` : v;
  if (required) parts.push(`CASE WHEN ${v} IS NULL THEN 'required' END`);
  if (f.element) {
    // only pass / fail here (the hot path); stageExplain adds the element's reason to the failures
    parts.push(normalized ? `CASE WHEN ${v} IS NOT NULL AND ${normalized} IS NULL THEN 'standard' END` : `CASE WHEN NOT ${elementSql(f.element, v)} THEN 'standard' END`);
  }
  if (t !== 'VARCHAR') parts.push(`CASE WHEN ${v} IS NOT NULL AND TRY_CAST(${value} AS ${t}) IS NULL THEN 'type' END`);
  if (r.pattern) parts.push(`CASE WHEN NOT regexp_full_match(${value}, ${literal(r.pattern)}) THEN 'pattern' END`);
  if (r.enum?.length) parts.push(`CASE WHEN NOT list_contains([${r.enum.map((e) => literal(String(e))).join(', ')}], ${value}) THEN 'enum' END`);
  const lo = r.min !== undefined && r.min !== null ? boundSql(f, r.min) : null;
  const hi = r.max !== undefined && r.max !== null ? boundSql(f, r.max) : null;
  if ((lo || hi) && t !== 'VARCHAR') {
    const x = `TRY_CAST(${value} AS ${t})`;
    const cond = [lo ? `${x} < ${lo}` : '', hi ? `${x} > ${hi}` : ''].filter(Boolean).join(' OR ');
    parts.push(`CASE WHEN ${cond} THEN 'range' END`);
  }
  if (r.minLength || r.maxLength) {
    const cond = [r.minLength ? `length(${value}) < ${Math.floor(r.minLength)}` : '', r.maxLength ? `length(${value}) > ${Math.floor(r.maxLength)}` : ''].filter(Boolean).join(' OR ');
    parts.push(`CASE WHEN ${cond} THEN 'length' END`);
  }
  if (!parts.length) return 'CAST(NULL AS VARCHAR)';
  return parts.length === 1 ? parts[0]! : `coalesce(${parts.join(', ')})`;
}
