/**
 * 公民身份号码 GB 11643-1999.
 *
 * 18 characters: 6-digit area code (GB/T 2260, as valid when issued), 8-digit birth date,
 * 3-digit sequence (odd = male), and a MOD 11-2 check character (0-9 or X).
 * 15-digit numbers (issued before 1999, birth year 19yy, no check digit) are accepted and
 * upgraded to 18 digits as the normalized form.
 */
import { isAreaCode } from './area.ts';
import { cleanText, todayIso } from './text.ts';
import { checkedElementMacros, macro } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The MOD 11-2 check character for the first 17 digits. */
export function idCardCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new TypeError('idCardCheckDigit expects 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Upgrade a 15-digit number to 18 digits (inserts "19", appends the check digit). Null if not 15 digits. */
export function upgradeId15to18(value: string): string | null {
  const c = cleanText(value);
  if (c === null || !/^\d{15}$/.test(c)) return null;
  const first17 = c.slice(0, 6) + '19' + c.slice(6);
  return first17 + idCardCheckDigit(first17);
}

function isIsoDateValid(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= dim;
}


/** Birth date (YYYY-MM-DD) from the 8 (or 6) digits, if a real date between 1900-01-01 and today. */
function birthOf(c: string): string | null {
  const ymd = c.length === 18 ? c.slice(6, 14) : '19' + c.slice(6, 12);
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(4, 6));
  const d = Number(ymd.slice(6, 8));
  if (!isIsoDateValid(y, m, d)) return null;
  const iso = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  if (iso < '1900-01-01' || iso > todayIso()) return null;
  return iso;
}

export interface IdCardResult extends ValidationResult {
  /** Birth date YYYY-MM-DD (when ok). */
  birthDate?: string;
  /** GB/T 2261.1 sex code: '1' male, '2' female (when ok). */
  sex?: '1' | '2';
  /** Area code of issue (when ok). */
  areaCode?: string;
}

/** Validate an ID number. Reasons: empty, length, charset, area, birthdate, checksum. */
export function validateIdCard(value: unknown): IdCardResult {
  const raw = cleanText(value);
  if (raw === null || raw === '') return { ok: false, reason: 'empty' };
  const c = raw.toUpperCase();
  if (c.length !== 18 && c.length !== 15) return { ok: false, reason: 'length' };
  if (!/^(?:\d{17}[\dX]|\d{15})$/.test(c)) return { ok: false, reason: 'charset' };
  if (!isAreaCode(c.slice(0, 6))) return { ok: false, reason: 'area' };
  const birthDate = birthOf(c);
  if (!birthDate) return { ok: false, reason: 'birthdate' };
  if (c.length === 18 && idCardCheckDigit(c.slice(0, 17)) !== c[17]) return { ok: false, reason: 'checksum' };
  const normalized = c.length === 18 ? c : upgradeId15to18(c)!;
  const sex = Number(normalized[16]) % 2 === 1 ? '1' : '2';
  return { ok: true, normalized, birthDate, sex, areaCode: c.slice(0, 6) };
}

/** Birth date YYYY-MM-DD of a valid ID number, else null. */
export function idCardBirthDate(value: unknown): string | null {
  return validateIdCard(value).birthDate ?? null;
}

/** GB/T 2261.1 sex code ('1' male, '2' female) of a valid ID number, else null. */
export function idCardSex(value: unknown): '1' | '2' | null {
  return validateIdCard(value).sex ?? null;
}

// ---- DuckDB ---------------------------------------------------------------------------

/**
 * Sum of digit × weight over the first 17 digits, as SQL over a BIGINT `n` holding them.
 * Integer arithmetic on one BIGINT is about twice as fast as 17 string extractions.
 */
function checkSumSql(n: string): string {
  const terms = WEIGHTS.map((w, i) => `((${n} // ${10n ** BigInt(16 - i)}) % 10) * ${w}`);
  return `(${terms.join(' + ')})`;
}

export function idCardMacros(): string[] {
  // c: cleaned upper-case input; u: 18-digit layout (15-digit numbers get "19" inserted, 17 chars);
  // n: first 17 digits as BIGINT; b: birth date from n.
  const u = `std__id_card_u(c)`;
  const n = `std__id_card_n(c)`;
  const b = `std__id_card_b(c)`;
  return [
    macro('std__id_card_u', 'c', `substr(c, 1, 6) || repeat('19', (length(c) = 15)::INTEGER) || substr(c, 7)`),
    macro('std__id_card_n', 'c', `TRY_CAST(substr(std__id_card_u(c), 1, 17) AS BIGINT)`),
    macro('std__id_card_check_n', 'n', `substr('${CHECK_CHARS}', (${checkSumSql('n')} % 11)::INTEGER + 1, 1)`),
    macro(
      'std__id_card_b',
      'c',
      `try(make_date(((${n} // 1000) % 100000000 // 10000)::INTEGER, ((${n} // 100000) % 100)::INTEGER, ((${n} // 1000) % 100)::INTEGER))`,
    ),
    ...checkedElementMacros({
      id: 'id_card',
      prep: `upper(std_clean(s))`,
      checks: [
        ['length', `list_contains([15, 18], length(c))`],
        ['charset', `regexp_full_match(c, '[0-9]{17}[0-9X]|[0-9]{15}')`],
        ['area', `std_area_exists(substr(c, 1, 6))`],
        ['birthdate', `(${b} >= DATE '1900-01-01')::INTEGER + (${b} <= current_date)::INTEGER = 2`],
        ['checksum', `(length(c) = 15)::INTEGER + (substr(${u}, 18, 1) = std__id_card_check_n(${n}))::INTEGER >= 1`],
      ],
      norm: `${u} || repeat(std__id_card_check_n(${n}), (length(c) = 15)::INTEGER)`,
    }),
    macro('std_id_card_birth', 's', `[NULL::DATE, std__id_card_b(std__id_card_prep(s))][std_id_card_valid(s)::INTEGER + 1]`),
    // Sequence digit (17th of the 18-digit form) odd → '1' male, even → '2' female.
    macro('std_id_card_sex', 's', `['2', '1'][(std__id_card_n(std__id_card_prep(s)) % 2)::INTEGER + 1 + (NOT std_id_card_valid(s))::INTEGER * 10]`),
  ];
}

export const idCardElement: ElementDef = builtinElement({
  id: 'id_card',
  title: '公民身份号码',
  titleEn: 'Citizen identity number',
  description: 'GB 11643 十八位公民身份号码（身份证号）：地址码（GB/T 2260，含历史代码）、出生日期、顺序码、MOD 11-2 校验码；十五位旧号码升级为十八位。',
  descriptionEn: 'GB 11643 18-digit citizen identity number: region code (GB/T 2260, past codes included), date of birth, sequence number and MOD 11-2 check digit; old 15-digit numbers are upgraded to 18 digits.',
  standard: 'GB 11643-1999',
  normalizes: true,
  reasons: ['empty', 'length', 'charset', 'area', 'birthdate', 'checksum'],
  validate: (v) => {
    const r = validateIdCard(v);
    return r.ok ? { ok: true, normalized: r.normalized } : { ok: false, reason: r.reason };
  },
  macros: idCardMacros,
});
