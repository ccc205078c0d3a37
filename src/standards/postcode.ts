/** 邮政编码: six digits. */
import { cleanText } from './text.ts';
import { checkedElementMacros } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

export function validatePostcode(value: unknown): ValidationResult {
  const c = cleanText(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  if (!/^[0-9]{6}$/.test(c)) return { ok: false, reason: 'format' };
  return { ok: true, normalized: c };
}

export const postcodeElement: ElementDef = builtinElement({
  id: 'postcode',
  title: '邮政编码',
  titleEn: 'Postal code',
  description: '六位数字邮政编码。',
  descriptionEn: 'A six-digit postal code.',
  normalizes: false,
  reasons: ['empty', 'format'],
  validate: validatePostcode,
  macros: () =>
    checkedElementMacros({
      id: 'postcode',
      prep: `std_clean(s)`,
      checks: [['format', `regexp_full_match(c, '[0-9]{6}')`]],
      norm: `c`,
    }),
});
