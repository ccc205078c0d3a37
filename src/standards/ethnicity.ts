/**
 * 民族 GB/T 3304-1991: the 56 ethnic groups with two-digit codes, plus 97 其他 and
 * 98 外国血统中国籍人士. Accepts the code (1 or 2 digits), the name with or without "族",
 * and the former names 崩龙族 (now 德昂族) and 毛难族 (now 毛南族). Normalized to the code.
 */
import { cleanText } from './text.ts';
import { checkedElementMacros, macro, sqlString } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

const NAMES = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
  '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
  '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
  '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
  '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
  '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
];

/** Code → name (GB/T 3304). */
export const ETHNICITY_CODES: Record<string, string> = Object.fromEntries([
  ...NAMES.map((n, i) => [String(i + 1).padStart(2, '0'), n] as const),
  ['97', '其他'],
  ['98', '外国血统中国籍人士'],
]);

/** Every accepted written form → code. */
const ALIASES = new Map<string, string>();
for (const [code, name] of Object.entries(ETHNICITY_CODES)) {
  ALIASES.set(code, code);
  if (Number(code) < 10) ALIASES.set(String(Number(code)), code);
  ALIASES.set(name, code);
  if (name.endsWith('族') && name.length >= 2) ALIASES.set(name.slice(0, -1), code);
}
ALIASES.set('崩龙族', '46');
ALIASES.set('崩龙', '46');
ALIASES.set('毛难族', '36');
ALIASES.set('毛难', '36');
ALIASES.set('其他族', '97');
ALIASES.set('未识别民族', '97');
ALIASES.set('外国血统', '98');

export function ethnicityCode(value: unknown): string | null {
  const c = cleanText(value);
  return c ? (ALIASES.get(c) ?? null) : null;
}

export function validateEthnicity(value: unknown): ValidationResult {
  const c = cleanText(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  const code = ALIASES.get(c);
  return code ? { ok: true, normalized: code } : { ok: false, reason: 'unknown' };
}

/** Lookup table std_ethnicity(key, code) — a join is faster than a long list per row. */
export function ethnicityMacros(): string[] {
  const rows = [...ALIASES].map(([k, v]) => `(${sqlString(k)},${sqlString(v)})`).join(',');
  return [
    `CREATE OR REPLACE TEMP TABLE std_ethnicity AS SELECT * FROM (VALUES ${rows}) t(key, code)`,
    macro('std__ethnicity_lookup', 'x', `(SELECT e.code FROM std_ethnicity e WHERE e.key = x)`),
    ...checkedElementMacros({
      id: 'ethnicity',
      prep: `std_clean(s)`,
      checks: [['unknown', `std__ethnicity_lookup(c) IS NOT NULL`]],
      norm: `std__ethnicity_lookup(c)`,
    }),
  ];
}

export const ethnicityElement: ElementDef = builtinElement({
  id: 'ethnicity',
  title: '民族',
  titleEn: 'Ethnic group',
  description: 'GB/T 3304 民族代码（01 汉族 … 56 基诺族，97 其他，98 外国血统中国籍人士）；接受代码或名称，规范为两位代码。',
  descriptionEn: 'GB/T 3304 ethnic group code (01 Han … 56 Jino, 97 other, 98 Chinese citizens of foreign origin); accepts the code or the name, normalized to the two-digit code.',
  standard: 'GB/T 3304-1991',
  codes: ETHNICITY_CODES,
  normalizes: true,
  reasons: ['empty', 'unknown'],
  validate: validateEthnicity,
  macros: ethnicityMacros,
});
