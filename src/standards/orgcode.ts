/**
 * 组织机构代码 GB 11714-1997: 8 body characters (digits or upper-case letters) and one check
 * character, often written "12345678-9". Weights 3,7,9,10,5,8,4,2; C = 11 - (Σ mod 11),
 * 10 → 'X', 11 → '0'. Positions 9-17 of a 统一社会信用代码 are this code.
 */
import { cleanText } from './text.ts';
import { checkedElementMacros, macro } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Check character indexed by 11 - (Σ mod 11), i.e. 1..11. */
const CHECK_BY_R = '0123456789X0';

/** Check character for an 8-character body. */
export function orgCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) throw new TypeError('orgCodeCheckChar expects 8 characters 0-9A-Z');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ALPHABET.indexOf(body8[i]!) * WEIGHTS[i]!;
  return CHECK_BY_R[11 - (sum % 11)]!;
}

function prep(value: unknown): string | null {
  const c = cleanText(value);
  if (c === null) return null;
  return c.toUpperCase().replace(/-([0-9X])$/, '$1');
}

/** Validate an organization code. Reasons: empty, length, charset, checksum. Normalized without the dash. */
export function validateOrgCode(value: unknown): ValidationResult {
  const c = prep(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  if (c.length !== 9) return { ok: false, reason: 'length' };
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(c)) return { ok: false, reason: 'charset' };
  if (orgCodeCheckChar(c.slice(0, 8)) !== c[8]) return { ok: false, reason: 'checksum' };
  return { ok: true, normalized: c };
}

export function orgCodeMacros(): string[] {
  const sum = WEIGHTS.map((w, i) => `(instr('${ALPHABET}', c[${i + 1}]) - 1) * ${w}`).join(' + ');
  return [
    macro('std__org_code_check', 'c', `substr('${CHECK_BY_R}', 12 - ((${sum}) % 11)::INTEGER, 1)`),
    ...checkedElementMacros({
      id: 'org_code',
      prep: `regexp_replace(upper(std_clean(s)), '-([0-9X])$', '\\1')`,
      checks: [
        ['length', `length(c) = 9`],
        ['charset', `regexp_full_match(c, '[0-9A-Z]{8}[0-9X]')`],
        ['checksum', `substr(c, 9, 1) = std__org_code_check(c)`],
      ],
      norm: `c`,
    }),
  ];
}

export const orgCodeElement: ElementDef = builtinElement({
  id: 'org_code',
  title: '组织机构代码',
  titleEn: 'Organization code',
  description: 'GB 11714 九位组织机构代码（八位本体码 + 一位校验码，可写作 XXXXXXXX-X）；统一社会信用代码第 9–17 位即此代码。',
  descriptionEn: 'GB 11714 nine-character organization code (eight body characters and a check character, may be written XXXXXXXX-X); characters 9–17 of a unified social credit code are this code.',
  standard: 'GB 11714-1997',
  normalizes: true,
  reasons: ['empty', 'length', 'charset', 'checksum'],
  validate: validateOrgCode,
  macros: orgCodeMacros,
});
