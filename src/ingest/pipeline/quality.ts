import type { Measures } from './stages.ts';
import type { Plan } from './plan.ts';
import { QUALITY_DIMENSIONS, type FieldQuality, type QualityDimension, type QualityReport, type Scores } from '../types.ts';

/** Value failures: the value itself is wrong (format, standard, domain). */
const FORMAT = ['type', 'standard', 'pattern'];
const VALUE = [...FORMAT, 'enum', 'range', 'length'];

const pct = (good: number, total: number): number | null => (total > 0 ? Math.round((10000 * Math.max(good, 0)) / total) / 100 : null);
const sum = (r: Record<string, number>, rules: string[]) => rules.reduce((n, k) => n + (r[k] ?? 0), 0);

function mean(scores: Scores): number | null {
  const v = Object.values(scores).filter((x): x is number => x !== null);
  return v.length ? Math.round((100 * v.reduce((a, b) => a + b, 0)) / v.length) / 100 : null;
}

/** Days in an update cycle written as daily / 每日 / monthly / 每月 …; null when unknown. */
export function cycleDays(cycle: string | null | undefined): number | null {
  if (!cycle) return null;
  const c = cycle.trim().toLowerCase();
  const table: [RegExp, number][] = [
    [/^(realtime|real-time|实时|hourly|每小时)$/, 1],
    [/^(daily|day|每日|每天|日)$/, 1],
    [/^(weekly|week|每周|周)$/, 7],
    [/^(monthly|month|每月|月)$/, 31],
    [/^(quarterly|quarter|每季度|季度|季)$/, 92],
    [/^(half-yearly|semiannual|每半年|半年)$/, 183],
    [/^(yearly|annual|annually|year|每年|年)$/, 366],
  ];
  for (const [re, d] of table) if (re.test(c)) return d;
  return null;
}

/**
 * Timeliness (时效性): 100 when the data arrives within its update cycle after the previous
 * version, falling as cycle / elapsed when late; 100 for a first version; null without a known cycle.
 */
export function timeliness(cycle: string | null | undefined, previousAt: string | null, now = new Date()): number | null {
  const days = cycleDays(cycle);
  if (days === null) return null;
  if (!previousAt) return 100;
  const elapsed = (now.getTime() - new Date(previousAt).getTime()) / 86_400_000;
  return elapsed <= days ? 100 : Math.round((10000 * days) / elapsed) / 100;
}

/**
 * The quality report of a batch (GB/T 36344 dimensions); formulas in docs/ingest.md.
 *   N = rows read (parse failures included), F = fields of the dataset
 *   completeness 完整性 = filled cells / (N × F)
 *   conformity   规范性 = records without a type / standard / pattern / parse failure / N
 *   accuracy     准确性 = records without any failure of a field rule (or parse) / N
 *   consistency  一致性 = records whose references resolve / records checked (null without reference rules)
 *   uniqueness   唯一性 = distinct keys / valid rows with a key (null without a key)
 *   timeliness   时效性 = see timeliness()
 * Field scores use the field's filled values as denominator (completeness: N).
 */
export function qualityReport(plan: Plan, m: Measures, time: number | null): QualityReport {
  const N = m.rowsRead;
  const F = plan.fields.length;
  const filledAll = m.filled.reduce((a, b) => a + b, 0);
  const failures: Record<string, number> = {};
  for (const r of m.fieldFailures) for (const [k, v] of Object.entries(r)) failures[k] = (failures[k] ?? 0) + v;
  if (m.structural) failures.parse = (failures.parse ?? 0) + m.structural;
  const valueBadRecords = m.bad; // bad = any field-rule failure or parse failure (NDJSON)
  const scores: Scores = {
    conformity: pct(N - m.formatBadRecords, N),
    completeness: pct(filledAll, N * F),
    accuracy: pct(N - valueBadRecords - m.structural, N),
    consistency: plan.references.length ? pct(m.referenceChecked - m.referenceFailed, m.referenceChecked) : null,
    timeliness: time,
    uniqueness: plan.unique.length ? pct(m.distinctKeys, m.keyed) : null,
  };
  const singleKey = plan.unique.length === 1 ? plan.unique[0] : null;
  const refFields = new Set(plan.references.flatMap((r) => r.fields));
  const fields: FieldQuality[] = plan.fields.map((f) => {
    const fails = m.fieldFailures[f.index] ?? {};
    const filled = m.filled[f.index] ?? 0;
    const s: Scores = {
      conformity: pct(filled - sum(fails, FORMAT), filled),
      completeness: pct(filled, N),
      accuracy: pct(filled - sum(fails, VALUE), filled),
      consistency: refFields.has(f.field.name) ? pct(filled - (fails.reference ?? 0), filled) : null,
      timeliness: null,
      uniqueness: singleKey === f.field.name ? pct(m.distinctKeys, m.keyed) : null,
    };
    return { field: f.field.name, title: f.field.title, filled, failures: fails, scores: s, score: mean(s) };
  });
  return { rows: N, scores, score: mean(scores) ?? 0, fields, failures };
}

export const DIMENSIONS: QualityDimension[] = QUALITY_DIMENSIONS.map((d) => d.id);
