/**
 * Builders of the usual comparisons (the Splink comparison library, in SQL over `l.` and `r.`):
 * each takes column names and returns a `Comparison` whose levels go from most to least similar.
 * Anything else (e.g. the Chinese name and ID-number comparisons) builds the same type directly.
 */
import type { Comparison, ComparisonLevel } from './types.ts';
import { L, R, safeName, num } from './sql.ts';

export interface ComparisonOptions {
  /** Comparison name (gamma_<name>); default from the column names. */
  name?: string;
  title?: string;
  /** Term-frequency adjust the exact level (common values weigh less). */
  tf?: boolean;
}

const exactLevel = (col: string, tf?: boolean, label = '完全相同 / exact'): ComparisonLevel => ({
  label,
  sql: `${L(col)} = ${R(col)}`,
  ...(tf ? { tf: col } : {}),
});

const make = (columns: string[], o: ComparisonOptions, levels: ComparisonLevel[]): Comparison => ({
  name: o.name ?? safeName(columns),
  ...(o.title ? { title: o.title } : {}),
  columns,
  levels,
});

/** Equal or not. */
export function exact(column: string, o: ComparisonOptions = {}): Comparison {
  return make([column], o, [exactLevel(column, o.tf)]);
}

/**
 * Exact, then Jaro-Winkler similarity at or above each threshold (e.g. [0.92, 0.8]). With `swapWith`
 * (e.g. the surname for a first name), a last level catches the two fields entered the other way round.
 */
export function jaroWinkler(column: string, thresholds: number[] = [0.92, 0.8], o: ComparisonOptions & { swapWith?: string } = {}): Comparison {
  const s = `jaro_winkler_similarity(CAST(${L(column)} AS VARCHAR), CAST(${R(column)} AS VARCHAR))`;
  const levels = [exactLevel(column, o.tf), ...[...thresholds].sort((a, b) => b - a).map((t) => ({ label: `Jaro-Winkler ≥ ${t}`, sql: `${s} >= ${num(t)}` }))];
  if (!o.swapWith) return make([column], o, levels);
  const w = o.swapWith;
  return {
    ...make([column, w], { ...o, name: o.name ?? safeName([column]) }, [...levels, { label: `与 ${w} 互换 / swapped with ${w}`, sql: `${L(column)} = ${R(w)} OR ${L(w)} = ${R(column)}` }]),
    // only this comparison's own column decides whether it can be made
    nullSql: `${L(column)} IS NULL OR ${R(column)} IS NULL`,
  };
}

/** Exact, then Levenshtein (edit) distance at or below each threshold (e.g. [1, 2]). */
export function levenshtein(column: string, thresholds: number[] = [1, 2], o: ComparisonOptions = {}): Comparison {
  const d = `levenshtein(CAST(${L(column)} AS VARCHAR), CAST(${R(column)} AS VARCHAR))`;
  return make([column], o, [exactLevel(column, o.tf), ...[...thresholds].sort((a, b) => a - b).map((t) => ({ label: `编辑距离 ≤ ${t} / Levenshtein ≤ ${t}`, sql: `${d} <= ${t}` }))]);
}

/**
 * Dates, as DATE / TIMESTAMP or text `YYYY-MM-DD` / `YYYYMMDD` (compared as the eight digits): exact,
 * then one of year / month / day differs, day and month swapped, within about `days` days (default
 * 31; months counted as 31 days), then within each number of years. Everything is text and integer
 * work on the pair — no date parsing per pair, which would dominate the cost of u sampling; text in
 * other layouts (`1996/8/2`, `1996年8月2日`) is brought to `YYYY-MM-DD` once per record by
 * `normalizeDateSql` (linkFiles does it when reading).
 */
export function date(column: string, years: number[] = [1, 10], o: ComparisonOptions & { days?: number } = {}): Comparison {
  const days = o.days ?? 31;
  const digits = (side: string) => `translate(CAST(${side} AS VARCHAR), '-/. ', '')`;
  const [dl, dr] = [digits(L(column)), digits(R(column))];
  const part = (d: string, from: number, len: number) => `substr(${d}, ${from}, ${len})`;
  const [y, m, dd] = [[1, 4], [5, 2], [7, 2]] as const;
  const eq = ([f, k]: readonly [number, number]) => `${part(dl, f, k)} = ${part(dr, f, k)}`;
  const int = (d: string, from: number, len: number) => `TRY_CAST(${part(d, from, len)} AS INTEGER)`;
  const dayNumber = (d: string) => `(${int(d, 1, 4)} * 372 + ${int(d, 5, 2)} * 31 + ${int(d, 7, 2)})`;
  return make([column], o, [
    { ...exactLevel(column, o.tf), sql: `${dl} = ${dr}` },
    { label: '年月日中一项不同 / one of y-m-d differs', sql: `length(${dl}) = 8 AND length(${dr}) = 8 AND (CAST(${eq(y)} AS INTEGER) + CAST(${eq(m)} AS INTEGER) + CAST(${eq(dd)} AS INTEGER)) >= 2` },
    { label: '日月颠倒 / day and month swapped', sql: `${eq(y)} AND ${part(dl, 5, 2)} = ${part(dr, 7, 2)} AND ${part(dl, 7, 2)} = ${part(dr, 5, 2)}` },
    { label: `相差约 ${days} 天内 / within about ${days} days`, sql: `abs(${dayNumber(dl)} - ${dayNumber(dr)}) <= ${days}` },
    ...[...years].sort((a, b) => a - b).map((k) => ({ label: `相差 ${k} 年内 / within ${k} years`, sql: `abs(${int(dl, 1, 4)} - ${int(dr, 1, 4)}) <= ${k}` })),
  ]);
}

/** Text dates in other layouts (`1996/8/2`, `1996.08.02`, `1996年8月2日`) as `YYYY-MM-DD`; other text unchanged. */
export function normalizeDateSql(expr: string): string {
  return `coalesce(strftime(try_strptime(${expr}, ${DATE_FORMATS}), '%Y-%m-%d'), ${expr})`;
}

/** Share of text values written as a date in one of those layouts (to decide whether to normalise a column). */
export const DATE_TEXT_PATTERN = '^\\d{4}[-/.年]\\d{1,2}[-/.月]\\d{1,2}日?$';

const DATE_FORMATS = `['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%Y年%m月%d日']`;

/** Numbers: exact, then absolute difference at or below each threshold. */
export function numeric(column: string, differences: number[] = [1], o: ComparisonOptions = {}): Comparison {
  const d = `abs(TRY_CAST(${L(column)} AS DOUBLE) - TRY_CAST(${R(column)} AS DOUBLE))`;
  return make([column], o, [exactLevel(column, o.tf), ...[...differences].sort((a, b) => a - b).map((t) => ({ label: `相差 ≤ ${t} / within ${t}`, sql: `${d} <= ${num(t)}` }))]);
}

/** Postcodes: exact, one character mistyped, then the same leading area (first `prefix` characters). */
export function postcode(column: string, prefix = 3, o: ComparisonOptions = {}): Comparison {
  const [a, b] = [`CAST(${L(column)} AS VARCHAR)`, `CAST(${R(column)} AS VARCHAR)`];
  return make([column], o, [
    exactLevel(column, o.tf),
    { label: '一位不同 / one character differs', sql: `levenshtein(${a}, ${b}) <= 1` },
    { label: `前 ${prefix} 位相同 / same first ${prefix}`, sql: `left(${a}, ${prefix}) = left(${b}, ${prefix})` },
  ]);
}

/** E-mail addresses: exact, the same local part (before @), then a similar local part. */
export function email(column: string, o: ComparisonOptions = {}): Comparison {
  const local = (side: string) => `lower(split_part(CAST(${side} AS VARCHAR), '@', 1))`;
  return make([column], o, [
    exactLevel(column, o.tf),
    { label: '用户名相同 / same local part', sql: `${local(L(column))} = ${local(R(column))}` },
    { label: '用户名相似 / similar local part', sql: `jaro_winkler_similarity(${local(L(column))}, ${local(R(column))}) >= ${num(0.88)}` },
  ]);
}

/** The helpers by name, as a link configuration file names them. */
export const COMPARISON_HELPERS = { exact, jaroWinkler, levenshtein, date, numeric, postcode, email } as const;
export type ComparisonHelper = keyof typeof COMPARISON_HELPERS;
