/**
 * 手机号码 and 固定电话 (mainland China).
 *
 * Mobile: 1[3-9] + 9 digits; an optional +86 / 86 / 0086 prefix; spaces, dashes and
 * parentheses are ignored. Normalized: the 11 digits.
 *
 * Landline: area code + local number (7-8 digits, not starting with 0 or 1) + optional
 * extension. Area codes 010 and 02X have three digits, all others (03XX-09XX) four, which
 * makes "057187654321" unambiguous. Normalized: "0571-87654321" or "0571-87654321-123".
 */
import { cleanText } from './text.ts';
import { checkedElementMacros } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

const MOBILE_RE = '(?:\\+?86|0086)?(1[3-9][0-9]{9})';
const PHONE_RE = '(?:\\+?86-?)?(010|02[0-9]|0[3-9][0-9]{2})-?([2-9][0-9]{6,7})(?:(?:-|转|ext\\.?|EXT\\.?|x|X|#)([0-9]{1,6}))?';
const mobileRe = new RegExp(`^${MOBILE_RE}$`);
const phoneRe = new RegExp(`^${PHONE_RE}$`);

function prepMobile(value: unknown): string | null {
  const c = cleanText(value);
  return c === null ? null : c.replace(/[ \-()]/g, '');
}

function prepPhone(value: unknown): string | null {
  const c = cleanText(value);
  return c === null ? null : c.replace(/[ ()]/g, '');
}

export function validateMobile(value: unknown): ValidationResult {
  const c = prepMobile(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  const m = mobileRe.exec(c);
  if (!m) return { ok: false, reason: 'format' };
  return { ok: true, normalized: m[1]! };
}

export function validatePhone(value: unknown): ValidationResult {
  const c = prepPhone(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  const m = phoneRe.exec(c);
  if (!m) return { ok: false, reason: 'format' };
  return { ok: true, normalized: `${m[1]}-${m[2]}${m[3] ? `-${m[3]}` : ''}` };
}

export function mobileMacros(): string[] {
  return checkedElementMacros({
    id: 'mobile',
    prep: `regexp_replace(std_clean(s), '[ \\-()]', '', 'g')`,
    checks: [['format', `regexp_full_match(c, '${MOBILE_RE}')`]],
    norm: `right(c, 11)`,
  });
}

export function phoneMacros(): string[] {
  const g = (i: number) => `regexp_extract(c, '^${PHONE_RE}$', ${i})`;
  return checkedElementMacros({
    id: 'phone',
    prep: `regexp_replace(std_clean(s), '[ ()]', '', 'g')`,
    checks: [['format', `regexp_full_match(c, '${PHONE_RE}')`]],
    norm: `${g(1)} || '-' || ${g(2)} || CASE WHEN ${g(3)} <> '' THEN '-' || ${g(3)} ELSE '' END`,
  });
}

export const mobileElement: ElementDef = builtinElement({
  id: 'mobile',
  title: '手机号码',
  titleEn: 'Mobile phone number',
  description: '中国大陆手机号码：1[3-9] 开头的 11 位数字，可带 +86/86/0086 前缀，忽略空格与连字符。',
  descriptionEn: 'A mainland China mobile number: 11 digits starting 1[3-9], optionally prefixed +86/86/0086; spaces and hyphens are ignored.',
  normalizes: true,
  reasons: ['empty', 'format'],
  validate: validateMobile,
  macros: mobileMacros,
});

export const phoneElement: ElementDef = builtinElement({
  id: 'phone',
  title: '固定电话',
  titleEn: 'Landline phone number',
  description: '固定电话：区号（010、02X 三位，其余四位）+ 7–8 位号码，可带分机号；规范为 0571-87654321[-分机]。',
  descriptionEn: 'A landline number: area code (three digits for 010 and 02X, four otherwise) and a 7–8 digit number, optionally an extension; normalized to 0571-87654321[-extension].',
  normalizes: true,
  reasons: ['empty', 'format'],
  validate: validatePhone,
  macros: phoneMacros,
});
