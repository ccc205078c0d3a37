import type { Dataset, Field } from '../../catalog/index.ts';
import type { WriteMode } from '../../lake/index.ts';
import { cleaningRules, cleanSql, type CleaningRuleInfo } from './cleaning.ts';
import type { ColumnMatch } from './mapping.ts';
import { checkFieldRules, fieldCheckSql } from './rules.ts';
import { errCol, srcCol, valCol } from '../sql.ts';
import type { CleaningSettings, FieldRules, RuleSettings } from '../types.ts';

/** One dataset field as this ingest fills it. */
export interface FieldPlan {
  field: Field;
  /** Position among the dataset's fields (names its v/e columns). */
  index: number;
  /** Source column feeding it, or null (the field stays empty). */
  source: number | null;
  header: string | null;
  required: boolean;
  cleaning: CleaningRuleInfo[];
  codeMap: Record<string, string> | null;
  rules: FieldRules;
}

/** A reference rule resolved against the other dataset. */
export interface ReferencePlan {
  fields: string[];
  dataset: string;
  datasetId: string;
  key: string[];
  /** DuckDB table expression of the other dataset's current version (null: it has no data yet). */
  scan: string | null;
  /** DuckDB types of the other dataset's key columns. */
  keyTypes: string[];
}

export interface Plan {
  tag: string;
  mode: WriteMode;
  fields: FieldPlan[];
  /** Unique key checked on the batch (the dataset's primary key unless the rules name one). */
  unique: string[];
  references: ReferencePlan[];
  headers: string[];
}

/** Bind the dataset's fields to source columns and resolve each field's cleaning and rules. */
export function buildFields(ds: Dataset, headers: string[], matches: ColumnMatch[], cleaning: CleaningSettings[], rules: RuleSettings[]): FieldPlan[] {
  const bySource = new Map<string, number>();
  matches.forEach((m, i) => {
    if (m.field) bySource.set(m.field, i);
  });
  const pk = new Set(ds.primaryKey);
  return ds.fields.map((field, index) => {
    const source = bySource.get(field.name) ?? null;
    const { rules: cl, codeMap } = cleaningRules(field, ...cleaning.map((c) => c[field.name]));
    const r: FieldRules = Object.assign({}, ...rules.map((x) => x.fields?.[field.name] ?? {}));
    checkFieldRules(field, r);
    return { field, index, source, header: source === null ? null : headers[source]!, required: !!field.required || pk.has(field.name), cleaning: cl, codeMap, rules: r };
  });
}

/**
 * The check stage's SELECT over the source relation: for every field its cleaned value `v<i>`;
 * `__bad` when any field failed or the row did not parse; for bad rows only, the source text
 * (`__src`, a list by source column) and each field's first failure (`__errs`, by field).
 */
export function checkSelect(plan: Plan, relation: string, opts: { hasRow: boolean; hasSkip: boolean; hasParse: boolean }): string {
  const mapped = plan.fields.filter((f) => f.source !== null);
  const clean = mapped.map((f) => ({ f, ...cleanSql(f.field, f.cleaning, f.codeMap) }));
  // level 0: half-width h<i>; level 1: trim, code map b<i>; level 2: date / boolean forms w<i>;
  // level 3: element's normalised n<i>; level 4: value v<i> and first failure e<i>. Each level names
  // its columns so no expression (or macro) expands over a long earlier one.
  const l0h = clean.map((c) => `${c.half ? c.half(srcCol(c.f.source!)) : srcCol(c.f.source!)} AS h${c.f.index}`);
  const l1 = clean.map((c) => `${c.basic(`h${c.f.index}`)} AS b${c.f.index}`);
  const l2 = clean.map((c) => `${c.forms ? c.forms(`b${c.f.index}`) : `b${c.f.index}`} AS w${c.f.index}`);
  const l3 = clean.filter((c) => c.normalize).map((c) => `${c.normalize!(`w${c.f.index}`)} AS n${c.f.index}`);
  const vals = clean.map((c) => `${c.normalize ? `coalesce(n${c.f.index}, w${c.f.index})` : `w${c.f.index}`} AS ${valCol(c.f.index)}`);
  const errs = plan.fields.map((f) => {
    if (f.source === null) return `${f.required ? (opts.hasParse ? `CASE WHEN __parse IS NULL THEN 'required' END` : `'required'`) : 'CAST(NULL AS VARCHAR)'} AS ${errCol(f.index)}`;
    const c = clean.find((x) => x.f === f)!;
    const check = fieldCheckSql(f.field, `w${f.index}`, c.normalize ? `n${f.index}` : null, f.rules, f.required);
    // a row that did not parse has one failure, parse, and no field failures
    return `${opts.hasParse ? `CASE WHEN __parse IS NULL THEN ${check} END` : check} AS ${errCol(f.index)}`;
  });
  const extra = [opts.hasRow ? '__row' : '', opts.hasParse ? '__parse, __raw' : ''].filter(Boolean).join(', ');
  const anyErr = [...plan.fields.map((f) => `${errCol(f.index)} IS NOT NULL`), ...(opts.hasParse ? ['__parse IS NOT NULL'] : [])].join(' OR ');
  // the source text and the failures matter only for bad rows: kept packed in two list columns,
  // NULL for good rows, so the staged table stays narrow (the view of stageRows unpacks them)
  const srcKeep = [`CASE WHEN __bad THEN [${plan.headers.map((_, i) => srcCol(i)).join(', ')}] END AS __src`];
  const errKeep = [`CASE WHEN __bad THEN [${plan.fields.map((f) => errCol(f.index)).join(', ')}] END AS __errs`];
  const base = opts.hasSkip ? `(SELECT * FROM ${relation})` : relation;
  const l0 = `SELECT ${[opts.hasSkip ? '__skip' : '', extra, ...plan.headers.map((_, i) => srcCol(i))].filter(Boolean).join(', ')} FROM ${base}`;
  const s0 = l0h.length ? `SELECT *, ${l0h.join(', ')} FROM (${l0})` : l0;
  const s1 = `SELECT *${l1.length ? ', ' + l1.join(', ') : ''} FROM (${s0})`;
  const s2 = l2.length ? `SELECT *, ${l2.join(', ')} FROM (${s1})` : s1;
  const s2b = l3.length ? `SELECT *, ${l3.join(', ')} FROM (${s2})` : s2;
  const s3 = `SELECT ${[opts.hasSkip ? '__skip' : '', extra, ...plan.headers.map((_, i) => srcCol(i)), ...vals, ...errs].filter(Boolean).join(', ')} FROM (${s2b})`;
  const s4 = `SELECT *, (${anyErr}) AS __bad FROM (${s3})`;
  const keep = [opts.hasSkip ? '__skip' : '', extra, ...srcKeep, ...plan.fields.filter((f) => f.source !== null).map((f) => valCol(f.index)), ...errKeep, '__bad'];
  return `SELECT ${keep.filter(Boolean).join(', ')} FROM (${s4})`;
}
