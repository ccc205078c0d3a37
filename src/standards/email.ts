/**
 * 电子邮箱: a pragmatic address check (not full RFC 5322): dot-separated atoms of
 * letters, digits and _%+- before "@", a domain with a letter TLD, at most 254 characters.
 * Normalized: the domain in lower case.
 */
import { cleanText } from './text.ts';
import { checkedElementMacros } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

const EMAIL_RE = '[A-Za-z0-9_%+-]+(?:\\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}';
const emailRe = new RegExp(`^${EMAIL_RE}$`);

export function validateEmail(value: unknown): ValidationResult {
  const c = cleanText(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  if (!emailRe.test(c)) return { ok: false, reason: 'format' };
  if (c.length > 254) return { ok: false, reason: 'length' };
  const at = c.indexOf('@');
  return { ok: true, normalized: c.slice(0, at) + '@' + c.slice(at + 1).toLowerCase() };
}

export const emailElement: ElementDef = builtinElement({
  id: 'email',
  title: '电子邮箱',
  titleEn: 'Email address',
  description: '电子邮箱地址（实用校验，非完整 RFC 5322），域名统一为小写。',
  descriptionEn: 'An email address (a practical check, not full RFC 5322); the domain is lower-cased.',
  normalizes: true,
  reasons: ['empty', 'format', 'length'],
  validate: validateEmail,
  macros: () =>
    checkedElementMacros({
      id: 'email',
      prep: `std_clean(s)`,
      checks: [
        ['format', `regexp_full_match(c, '${EMAIL_RE}')`],
        ['length', `length(c) <= 254`],
      ],
      norm: `split_part(c, '@', 1) || '@' || lower(split_part(c, '@', 2))`,
    }),
});
