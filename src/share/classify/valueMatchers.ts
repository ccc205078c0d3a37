/**
 * Per-value tests, one per kind: does this single value look like that kind of personal
 * information? Checks with a national standard behind them (ID number, USCC, phone, email, date)
 * are the validators of src/standards; the rest (bank card, plate, passport, name, address) are
 * written here, each with the check that tells it from its look-alikes.
 */
import { cleanText, validateDate, validateEmail, validateIdCard, validateMobile, validatePhone, validateUscc } from '../../standards/index.ts';
import type { PiiKind } from './kinds.ts';
import { COMPOUND_SURNAMES, SINGLE_SURNAMES } from './surnames.ts';

/** Luhn (ISO/IEC 7812) check over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// Issuer prefixes of cards issued in China: UnionPay 62 (and 60/65/81 co-branded), Visa 4,
// Mastercard 51-55 and 2221-2720, JCB 35. A 16-19 digit serial outside these is no card.
const CARD_IIN = /^(?:62|60|65|81|4|5[1-5]|2[2-7]|35)/;

export function isBankCard(v: string): boolean {
  const d = v.replace(/[ -]/g, '');
  return /^\d{16,19}$/.test(d) && CARD_IIN.test(d) && luhnValid(d);
}

const PROVINCE = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const L = 'A-HJ-NP-Z'; // plate letters: no I, no O
const PLATE = new RegExp(
  `^(?:[${PROVINCE}][${L}](?:[${L}0-9]{5}|[DF][${L}0-9][0-9]{4}|[0-9]{5}[DF]|[${L}0-9]{4}[警学领挂港澳试超])|使[0-9]{6}|[0-9]{6}使)$`,
);

/** GA 36 plates: ordinary 7 characters, new-energy 8 (D/F), police, coach, consulate, embassy. */
export function isLicencePlate(v: string): boolean {
  return PLATE.test(v.toUpperCase().replace(/[\s·.\-]/g, ''));
}

// Chinese passports: E + 8 digits, E + letter + 7 digits (from 2017), G + 8 digits (before 2012),
// service / diplomatic / public-affairs P, D, S + 7 digits, and 14/15 + 7 digits.
const PASSPORT_CN = /^(?:E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|[PDS]E?[0-9]{7}|1[45][0-9]{7})$/;
// Other countries: one or two letters and 6-9 digits. Too loose alone; counts when the name says passport.
const PASSPORT_ANY = /^[A-Z]{1,2}[0-9]{6,9}$/;

export function isPassportCn(v: string): boolean {
  return PASSPORT_CN.test(v.toUpperCase());
}

export function isPassportAny(v: string): boolean {
  return PASSPORT_ANY.test(v.toUpperCase());
}

const HAN = '\\u4e00-\\u9fff';
const MINORITY_NAME = new RegExp(`^[${HAN}]{1,8}[·•・.][${HAN}]{1,10}$`);
const ALL_HAN = new RegExp(`^[${HAN}]+$`);
// Characters that end organisation, place and category words, never a given name's last character.
const NOT_NAME_END = /(?:[司局院校店社部队处室科所站厂场馆区市县镇乡村路街省州级类型员病炎症苗费款证号表期业品物税险剂药器机车船楼厅库]|中心|协会)$/;

/**
 * A Chinese person name: a known surname and one or two given characters (compound surnames: one
 * or two), or a minority name written with a middle dot. Organisation, place and category words
 * are told apart by their last character.
 */
export function isPersonName(v: string): boolean {
  if (MINORITY_NAME.test(v)) return true;
  if (!ALL_HAN.test(v) || v.length < 2 || v.length > 4 || NOT_NAME_END.test(v)) return false;
  const compound = COMPOUND_SURNAMES.some((s) => v.startsWith(s));
  if (compound) return v.length >= 3;
  return SINGLE_SURNAMES.has(v[0]!) && v.length <= 3;
}

const ADMIN = /(?:省|自治区|市|区|县|旗|镇|乡|街道|村|社区)/;
// The door: a number on a road, lane or village group, a building, unit or room, or the
// 12-3-1501 shorthand of a residential compound.
const DOOR = /(?:(?:路|街|道|巷|弄|里|村|组|大道|胡同)\s*[0-9０-９一二三四五六七八九十百]+\s*号|[0-9]+\s*(?:幢|栋|号楼|单元|室|组|弄)|[0-9]+-[0-9]+-[0-9]+)/;

/** A door-level Chinese address: an area or a road, and a house number, building or room. */
export function isAddress(v: string): boolean {
  // Sentences (a complaint that mentions where) are free text, not an address.
  if (v.length < 6 || v.length > 120 || /[，。！？；!?]/.test(v)) return false;
  return DOOR.test(v) && (ADMIN.test(v) || /[路街巷弄]/.test(v));
}

/** A calendar date with day precision and no time of day (birth dates are kept without one). */
export function dateOnly(v: string): string | null {
  if (/[0-9]{1,2}:[0-9]{2}/.test(v)) return null;
  const r = validateDate(v);
  return r.ok ? r.normalized! : null;
}

// Values already masked by the exporting system still tell their kind: 330102********123X, 138****5678.
const MASKED_ID = /^[0-9]{6}\*{8}[0-9]{3}[0-9X]$|^[0-9]{3,4}\*{10,11}[0-9]{3}[0-9X]$/i;
const MASKED_MOBILE = /^1[3-9][0-9]\*{4}[0-9]{4}$/;
const MASKED_NAME = new RegExp(`^[${HAN}]\\*{1,2}[${HAN}]?$`);

/** The per-value test of each kind. birth_date is a date here; whether it is a birth is a column question. */
export const VALUE_MATCHERS: Record<PiiKind, (v: string) => boolean> = {
  id_card: (v) => validateIdCard(v).ok || MASKED_ID.test(v),
  uscc: (v) => validateUscc(v).ok,
  bank_card: isBankCard,
  passport: isPassportCn,
  mobile: (v) => validateMobile(v).ok || MASKED_MOBILE.test(v),
  landline: (v) => validatePhone(v).ok,
  email: (v) => validateEmail(v).ok,
  licence_plate: isLicencePlate,
  birth_date: (v) => dateOnly(v) !== null,
  address: isAddress,
  person_name: isPersonName,
};

const LATIN_NAME = /^[A-Za-z]+(?:[ ,.'-]+[A-Za-z]+){1,3}$/;
const YEAR_MONTH = /^(19|20)[0-9]{2}(?:[-/.年]?(?:0?[1-9]|1[0-2])月?)?$/;

/**
 * Looser tests that count only when the column's name or title points to the kind: alone they
 * would take too many other values (any 8-digit number, any two Latin words, any year).
 */
export const NAMED_MATCHERS: Partial<Record<PiiKind, (v: string) => boolean>> = {
  // Foreign passports: one or two letters and 6-9 digits.
  passport: isPassportAny,
  // A local number whose area code the form took for granted.
  landline: (v) => /^[2-8][0-9]{6,7}$/.test(v),
  // 出生年月 and 出生年份: a birth written to the month or the year.
  birth_date: (v) => {
    const m = YEAR_MONTH.exec(v);
    return m !== null && Number(v.slice(0, 4)) <= new Date().getUTCFullYear();
  },
  // Names in pinyin or foreign names in Latin letters, and names masked to the surname (张*, 张*明).
  person_name: (v) => LATIN_NAME.test(v) || MASKED_NAME.test(v),
};

/** A sample value as trimmed half-width text, or null when blank. */
export function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const t = cleanText(v instanceof Date ? v.toISOString().slice(0, 10) : v);
  return t === null || t === '' ? null : t;
}
