/**
 * Parameterised elements: a code table (code → label), an enumeration, a regular expression,
 * a numeric range and a length range. Their SQL is generated inline from the parameters
 * (no macro), so they work for any code table a department defines.
 *
 * Regular expressions must stay in the subset shared by JavaScript and RE2 (DuckDB):
 * no look-around, no back-references.
 */
import { cleanText } from './text.ts';
import { sqlNumber, sqlString, sqlStringList } from './sql.ts';
import type { ElementDef, ElementParams, ValidationResult } from './types.ts';

export type CodeTable = Record<string, string> | Array<{ code: string; label: string }> | Array<[string, string]>;

export function codePairs(codes: unknown): Array<[string, string]> {
  if (Array.isArray(codes)) {
    return codes.map((e) => {
      if (Array.isArray(e)) return [String(e[0]), String(e[1] ?? '')] as [string, string];
      const o = e as { code: unknown; label?: unknown };
      return [String(o.code), String(o.label ?? '')] as [string, string];
    });
  }
  if (codes && typeof codes === 'object') return Object.entries(codes as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
  throw new TypeError('code_table needs params.codes: an object or a list of {code, label}');
}

/** Written form → code, codes first so that a code always wins over an equal label. */
function codeLookup(params?: ElementParams): { keys: string[]; values: string[] } {
  const pairs = codePairs(params?.codes);
  const matchLabel = params?.matchLabel !== false;
  const map = new Map<string, string>();
  for (const [code] of pairs) map.set(code, code);
  if (matchLabel) for (const [code, label] of pairs) if (label && !map.has(label)) map.set(label, code);
  return { keys: [...map.keys()], values: [...map.values()] };
}

function enumValues(params?: ElementParams): string[] {
  const v = params?.values;
  if (!Array.isArray(v) || v.length === 0) throw new TypeError('enum needs params.values: a non-empty list');
  return v.map(String);
}

function regexOf(params?: ElementParams): { pattern: string; ignoreCase: boolean } {
  const pattern = params?.pattern;
  if (typeof pattern !== 'string' || pattern === '') throw new TypeError('regex needs params.pattern');
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern)) {
    throw new TypeError('regex pattern uses look-around or back-references, which DuckDB (RE2) does not support');
  }
  new RegExp(pattern); // throws on a malformed pattern
  const flags = params?.flags;
  return { pattern, ignoreCase: flags === 'i' || params?.ignoreCase === true };
}

function bounds(params?: ElementParams): { min?: number; max?: number } {
  const num = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v));
  const min = num(params?.min);
  const max = num(params?.max);
  if ((min !== undefined && !Number.isFinite(min)) || (max !== undefined && !Number.isFinite(max))) {
    throw new TypeError('min/max must be numbers');
  }
  return { min, max };
}

const blankSql = (c: string) => `coalesce(${c}, '') = ''`;
const clean = (e: string) => `std_clean(${e})`;

type Cond = (c: string) => string;

/** Builds the three SQL expressions from an ordered list of [reason, failing condition over c]. */
function inlineSql(e: string, fails: Array<[string, Cond]>, norm: Cond) {
  const c = clean(e);
  const reason = `CASE WHEN ${blankSql(c)} THEN 'empty' ${fails.map(([r, f]) => `WHEN ${f(c)} THEN ${sqlString(r)}`).join(' ')} END`;
  const anyFail = fails.length ? fails.map(([, f]) => `(${f(c)})`).join(' OR ') : 'false';
  return {
    valid: `CASE WHEN ${blankSql(c)} THEN NULL ELSE NOT coalesce(${anyFail}, true) END`,
    reason,
    norm: `CASE WHEN NOT ${blankSql(c)} AND NOT coalesce(${anyFail}, true) THEN ${norm(c)} END`,
  };
}

function codeTableSql(e: string, p?: ElementParams) {
  const { keys, values } = codeLookup(p);
  return inlineSql(e, [['unknown', (c) => `NOT list_contains(${sqlStringList(keys)}, ${c})`]], (c) => `${sqlStringList(values)}[list_position(${sqlStringList(keys)}, ${c})]`);
}

function enumSql(e: string, p?: ElementParams) {
  const values = enumValues(p);
  if (p?.caseSensitive === false) {
    const up = values.map((v) => v.toUpperCase());
    return inlineSql(e, [['unknown', (c) => `NOT list_contains(${sqlStringList(up)}, upper(${c}))`]], (c) => `${sqlStringList(values)}[list_position(${sqlStringList(up)}, upper(${c}))]`);
  }
  return inlineSql(e, [['unknown', (c) => `NOT list_contains(${sqlStringList(values)}, ${c})`]], (c) => c);
}

function regexSql(e: string, p?: ElementParams) {
  const { pattern, ignoreCase } = regexOf(p);
  const opt = ignoreCase ? `, 'i'` : '';
  return inlineSql(e, [['pattern', (c) => `NOT regexp_full_match(${c}, ${sqlString(pattern)}${opt})`]], (c) => c);
}

const NUMBER_RE = '[+-]?[0-9]+(?:\\.[0-9]+)?';
const INTEGER_RE = '[+-]?[0-9]+';

function rangeSql(e: string, p?: ElementParams) {
  const { min, max } = bounds(p);
  const re = p?.integer ? INTEGER_RE : NUMBER_RE;
  const fails: Array<[string, Cond]> = [['format', (c) => `NOT regexp_full_match(${c}, '${re}')`]];
  const conds: Cond[] = [];
  if (min !== undefined) conds.push((c) => `TRY_CAST(${c} AS DOUBLE) < ${sqlNumber(min)}`);
  if (max !== undefined) conds.push((c) => `TRY_CAST(${c} AS DOUBLE) > ${sqlNumber(max)}`);
  if (conds.length) fails.push(['range', (c) => conds.map((f) => f(c)).join(' OR ')]);
  return inlineSql(e, fails, (c) => c);
}

function lengthSql(e: string, p?: ElementParams) {
  const { min, max } = bounds(p);
  const conds: Cond[] = [];
  if (min !== undefined) conds.push((c) => `length(${c}) < ${Math.floor(min)}`);
  if (max !== undefined) conds.push((c) => `length(${c}) > ${Math.floor(max)}`);
  const fails: Array<[string, Cond]> = conds.length ? [['length', (c) => conds.map((f) => f(c)).join(' OR ')]] : [];
  return inlineSql(e, fails, (c) => c);
}

// ---- TS twins ---------------------------------------------------------------------------

function tsCheck(value: unknown, check: (c: string) => ValidationResult): ValidationResult {
  const c = cleanText(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  return check(c);
}

export function validateCodeTable(value: unknown, params?: ElementParams): ValidationResult {
  const { keys, values } = codeLookup(params);
  return tsCheck(value, (c) => {
    const i = keys.indexOf(c);
    return i < 0 ? { ok: false, reason: 'unknown' } : { ok: true, normalized: values[i]! };
  });
}

export function validateEnum(value: unknown, params?: ElementParams): ValidationResult {
  const values = enumValues(params);
  const ci = params?.caseSensitive === false;
  return tsCheck(value, (c) => {
    const i = ci ? values.findIndex((v) => v.toUpperCase() === c.toUpperCase()) : values.indexOf(c);
    return i < 0 ? { ok: false, reason: 'unknown' } : { ok: true, normalized: ci ? values[i]! : c };
  });
}

export function validateRegex(value: unknown, params?: ElementParams): ValidationResult {
  const { pattern, ignoreCase } = regexOf(params);
  const re = new RegExp(`^(?:${pattern})$`, ignoreCase ? 'i' : '');
  return tsCheck(value, (c) => (re.test(c) ? { ok: true, normalized: c } : { ok: false, reason: 'pattern' }));
}

export function validateRange(value: unknown, params?: ElementParams): ValidationResult {
  const { min, max } = bounds(params);
  const re = new RegExp(`^${params?.integer ? INTEGER_RE : NUMBER_RE}$`);
  return tsCheck(value, (c) => {
    if (!re.test(c)) return { ok: false, reason: 'format' };
    const n = Number(c);
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) return { ok: false, reason: 'range' };
    return { ok: true, normalized: c };
  });
}

export function validateLength(value: unknown, params?: ElementParams): ValidationResult {
  const { min, max } = bounds(params);
  return tsCheck(value, (c) => {
    const n = [...c].length;
    if ((min !== undefined && n < Math.floor(min)) || (max !== undefined && n > Math.floor(max))) return { ok: false, reason: 'length' };
    return { ok: true, normalized: c };
  });
}

type Builder = (e: string, p?: ElementParams) => { valid: string; reason: string; norm: string };

function template(
  id: string,
  title: string,
  titleEn: string,
  description: string,
  descriptionEn: string,
  reasons: string[],
  params: ElementDef['params'],
  validate: ElementDef['validate'],
  build: Builder,
): ElementDef {
  return {
    id,
    title,
    titleEn,
    description,
    descriptionEn,
    normalizes: id === 'code_table' || id === 'enum',
    reasons: ['empty', ...reasons],
    params,
    kind: 'template',
    validate,
    validSql: (e, p) => build(e, p).valid,
    reasonSql: (e, p) => build(e, p).reason,
    normalizeSql: (e, p) => build(e, p).norm,
  };
}

export const codeTableElement = template(
  'code_table', '代码表', 'Code table',
  '自定义代码表（代码 → 名称）；接受代码或名称，规范为代码。', 'A custom code table (code → name); accepts the code or the name, normalized to the code.',
  ['unknown'],
  [
    { name: 'codes', type: 'codes', title: '代码与名称', titleEn: 'Codes and names', required: true },
    { name: 'matchLabel', type: 'boolean', title: '是否接受名称（默认是）', titleEn: 'Accept names too (default yes)' },
  ],
  validateCodeTable, codeTableSql,
);

export const enumElement = template(
  'enum', '枚举值', 'Enumeration',
  '取值必须是给定列表之一。', 'The value must be one of the given list.',
  ['unknown'],
  [
    { name: 'values', type: 'string[]', title: '允许的取值', titleEn: 'Allowed values', required: true },
    { name: 'caseSensitive', type: 'boolean', title: '区分大小写（默认是）', titleEn: 'Case-sensitive (default yes)' },
  ],
  validateEnum, enumSql,
);

export const regexElement = template(
  'regex', '正则表达式', 'Regular expression',
  '取值必须整体匹配给定的正则表达式（JavaScript 与 RE2 共有的语法）。', 'The whole value must match the given regular expression (the syntax JavaScript and RE2 share).',
  ['pattern'],
  [
    { name: 'pattern', type: 'string', title: '正则表达式', titleEn: 'Regular expression', required: true },
    { name: 'flags', type: 'string', title: '标志（i 表示不区分大小写）', titleEn: 'Flags (i: ignore case)' },
  ],
  validateRegex, regexSql,
);

export const rangeElement = template(
  'range', '数值范围', 'Numeric range',
  '取值必须是数字，且在 [min, max] 之内。', 'The value must be a number within [min, max].',
  ['format', 'range'],
  [
    { name: 'min', type: 'number', title: '最小值', titleEn: 'Minimum' },
    { name: 'max', type: 'number', title: '最大值', titleEn: 'Maximum' },
    { name: 'integer', type: 'boolean', title: '只允许整数', titleEn: 'Integers only' },
  ],
  validateRange, rangeSql,
);

export const lengthElement = template(
  'length', '长度范围', 'Length range',
  '取值的字符数必须在 [min, max] 之内。', 'The value\'s length in characters must be within [min, max].',
  ['length'],
  [
    { name: 'min', type: 'number', title: '最少字符数', titleEn: 'Minimum characters' },
    { name: 'max', type: 'number', title: '最多字符数', titleEn: 'Maximum characters' },
  ],
  validateLength, lengthSql,
);

export const templateElements: ElementDef[] = [codeTableElement, enumElement, regexElement, rangeElement, lengthElement];
