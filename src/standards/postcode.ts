/** 邮政编码: six digits. */
import { cleanText } from './text.ts';
import { checkedElementMacros } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';

export function validatePostcode(value: unknown): ValidationResult {
  const c = cleanText(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  if (!/^[0-9]{6}$/.test(c)) return { ok: false, reason: 'format' };
  return { ok: true, normalized: c };
}

export const postcodeElement: ElementDef = {
  id: 'postcode',
  title: '邮政编码',
  titleEn: 'Postal code',
  description: '六位数字邮政编码。',
  descriptionEn: 'A six-digit postal code.',
  macroName: 'std_postcode_valid',
  reasonMacroName: 'std_postcode_reason',
  normalizeMacroName: 'std_postcode_norm',
  normalizes: false,
  reasons: ['empty', 'format'],
  kind: 'builtin',
  validate: (v) => validatePostcode(v),
  validSql: (e) => `std_postcode_valid(${e})`,
  reasonSql: (e) => `std_postcode_reason(${e})`,
  normalizeSql: (e) => `std_postcode_norm(${e})`,
  macros: () =>
    checkedElementMacros({
      id: 'postcode',
      prep: `std_clean(s)`,
      checks: [['format', `regexp_full_match(c, '[0-9]{6}')`]],
      norm: `c`,
    }),
};
