/**
 * 性别 GB/T 2261.1-2003: 0 未知的性别, 1 男性, 2 女性, 9 未说明的性别.
 * Accepts the code or a common written form (男/女/男性/女性/M/F/Male/Female…); normalized to the code.
 */
import { cleanText } from './text.ts';
import { checkedElementMacros, sqlStringList } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

export const GENDER_CODES: Record<string, string> = { '0': '未知的性别', '1': '男性', '2': '女性', '9': '未说明的性别' };

/** Upper-cased written form → code. */
const GENDER_ALIASES: Record<string, string> = {
  '0': '0', '1': '1', '2': '2', '9': '9',
  '男': '1', '男性': '1', 'M': '1', 'MALE': '1',
  '女': '2', '女性': '2', 'F': '2', 'FEMALE': '2',
  '未知': '0', '未知的性别': '0', '未说明': '9', '未说明的性别': '9',
};

export function validateGender(value: unknown): ValidationResult {
  const c = cleanText(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  const code = GENDER_ALIASES[c.toUpperCase()];
  return code ? { ok: true, normalized: code } : { ok: false, reason: 'unknown' };
}

export function genderMacros(): string[] {
  const keys = sqlStringList(Object.keys(GENDER_ALIASES));
  const codes = sqlStringList(Object.values(GENDER_ALIASES));
  return checkedElementMacros({
    id: 'gender',
    prep: `upper(std_clean(s))`,
    checks: [['unknown', `list_contains(${keys}, c)`]],
    norm: `${codes}[list_position(${keys}, c)]`,
  });
}

export const genderElement: ElementDef = builtinElement({
  id: 'gender',
  title: '性别',
  titleEn: 'Sex',
  description: 'GB/T 2261.1 性别代码：0 未知的性别、1 男性、2 女性、9 未说明的性别；“男”“女”等写法规范为代码。',
  descriptionEn: 'GB/T 2261.1 sex code: 0 unknown, 1 male, 2 female, 9 unstated; the Chinese words for male and female are normalized to the code.',
  standard: 'GB/T 2261.1-2003',
  normalizes: true,
  reasons: ['empty', 'unknown'],
  codes: GENDER_CODES,
  codesEn: { '0': 'Unknown', '1': 'Male', '2': 'Female', '9': 'Not stated' },
  validate: validateGender,
  macros: genderMacros,
});
