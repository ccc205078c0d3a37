/**
 * Enterprise identifiers and the common key they share.
 *
 * Departments name the same enterprise by different codes of different eras:
 *  - 统一社会信用代码 (USCC, 18 characters, since 2015): characters 9–17 are the organisation code;
 *  - 组织机构代码 (9 characters, often written `12345678-9`);
 *  - 工商注册号 (15 digits; first 6 = the registering authority's area code, last = MOD 11,10 check);
 *  - 纳税人识别号: 18 characters = the USCC; the old 15-character form = 6-digit area code + the
 *    9-character organisation code; 20 characters = the operator's ID number + 2 digits (个体工商户).
 *
 * The organisation code is the one key most of them carry, so it is derived wherever possible;
 * every check character is verified and a code that fails its check gives no key at all
 * (a wrong key would merge two enterprises; a missing one only leaves the name to decide).
 */
import { isAreaCode, toHalfWidth, usccOrgCode, validateIdCard, validateOrgCode, validateUscc } from '../../standards/index.ts';

/** Which code a value is said to be; `auto` guesses from its shape. */
export type CodeKind = 'uscc' | 'org_code' | 'reg_no' | 'taxpayer_id' | 'auto';

export interface EnterpriseKeys {
  /** Valid 18-character USCC. */
  uscc: string | null;
  /** Valid 9-character organisation code, without the hyphen. */
  org_code: string | null;
  /** Valid 15-digit business registration number. */
  reg_no: string | null;
  /** Area code carried by the code (USCC 3–8, registration number 1–6, old taxpayer id 1–6). */
  area: string | null;
  /** ID number of a 个体工商户's operator (from a 20-character taxpayer id). */
  operator_id: string | null;
}

const EMPTY: EnterpriseKeys = { uscc: null, org_code: null, reg_no: null, area: null, operator_id: null };

/** Full-width folded, upper case, spaces / hyphens / dots removed: how clerks' spellings of one code meet. */
export function cleanCode(value: unknown): string {
  if (value === null || value === undefined) return '';
  return toHalfWidth(String(value))
    .toUpperCase()
    .replace(/[\s\-—_.·]/g, '');
}

/** Check digit of a 15-digit registration number over its first 14 digits (GB/T 17710 MOD 11,10). */
export function regNoCheckDigit(first14: string): string {
  if (!/^\d{14}$/.test(first14)) throw new TypeError('regNoCheckDigit expects 14 digits');
  let p = 10;
  for (const ch of first14) {
    const s = (p % 11) + Number(ch);
    p = ((s % 10 || 10) * 2) % 11;
  }
  return String((11 - p) % 10);
}

/** A valid registration number (15 digits, known area code, check digit) or null. */
export function validRegNo(value: unknown): string | null {
  const c = cleanCode(value);
  if (!/^\d{15}$/.test(c)) return null;
  if (!isAreaCode(c.slice(0, 6)) && c.slice(0, 6) !== '100000') return null;
  return regNoCheckDigit(c.slice(0, 14)) === c[14] ? c : null;
}

/** A valid organisation code (hyphen optional) or null. */
export function validOrgCode(value: unknown): string | null {
  const r = validateOrgCode(cleanCode(value));
  return r.ok ? r.normalized! : null;
}

function fromUscc(c: string): EnterpriseKeys | null {
  const r = validateUscc(c);
  if (!r.ok) return null;
  const uscc = r.normalized!;
  // The embedded organisation code normally verifies; when it does not (early pilot codes) the
  // USCC itself still identifies the enterprise, but the organisation code is not trusted.
  return { ...EMPTY, uscc, org_code: validOrgCode(usccOrgCode(uscc)), area: uscc.slice(2, 8) };
}

function fromOldTaxpayerId(c: string): EnterpriseKeys | null {
  if (!/^\d{6}[0-9A-Z]{8}[0-9X]$/.test(c) || !isAreaCode(c.slice(0, 6))) return null;
  const org = validOrgCode(c.slice(6));
  return org ? { ...EMPTY, org_code: org, area: c.slice(0, 6) } : null;
}

function fromPersonalTaxpayerId(c: string): EnterpriseKeys | null {
  if (!/^\d{17}[0-9X]\d{2}$/.test(c)) return null;
  const id = validateIdCard(c.slice(0, 18));
  return id.ok ? { ...EMPTY, operator_id: id.normalized ?? c.slice(0, 18) } : null;
}

/** The keys one code yields; all null when it is blank, malformed or fails its check. */
export function keysFromCode(value: unknown, kind: CodeKind = 'auto'): EnterpriseKeys {
  const c = cleanCode(value);
  if (c === '') return EMPTY;
  const orgOnly = (org: string | null): EnterpriseKeys => (org ? { ...EMPTY, org_code: org } : EMPTY);
  switch (kind) {
    case 'uscc':
      return fromUscc(c) ?? EMPTY;
    case 'org_code':
      return orgOnly(validOrgCode(c));
    case 'reg_no': {
      const reg = validRegNo(c);
      return reg ? { ...EMPTY, reg_no: reg, area: reg.slice(0, 6) } : EMPTY;
    }
    case 'taxpayer_id':
      if (c.length === 18) return fromUscc(c) ?? EMPTY;
      if (c.length === 15) return fromOldTaxpayerId(c) ?? EMPTY;
      if (c.length === 20) return fromPersonalTaxpayerId(c) ?? EMPTY;
      return EMPTY;
    case 'auto':
      if (c.length === 18) return fromUscc(c) ?? EMPTY;
      if (c.length === 9) return orgOnly(validOrgCode(c));
      if (c.length === 20) return fromPersonalTaxpayerId(c) ?? EMPTY;
      if (c.length === 15) {
        // 15 characters are either a registration number or an old taxpayer id; the check
        // characters decide, and a value that passes both is ambiguous and gives no key.
        const tax = fromOldTaxpayerId(c);
        const reg = validRegNo(c);
        if (tax && !reg) return tax;
        if (reg && !tax) return { ...EMPTY, reg_no: reg, area: reg.slice(0, 6) };
      }
      return EMPTY;
  }
}

/** Codes of one record, each under the kind its column says it is. */
export interface RecordCodes {
  uscc?: unknown;
  org_code?: unknown;
  reg_no?: unknown;
  taxpayer_id?: unknown;
  /** A column whose kind is not known. */
  code?: unknown;
}

/** Merge the keys of a record's codes; the first code that yields a key wins for that key. */
export function enterpriseKeys(codes: RecordCodes): EnterpriseKeys {
  const out: EnterpriseKeys = { ...EMPTY };
  const parts: Array<[unknown, CodeKind]> = [
    [codes.uscc, 'uscc'],
    [codes.taxpayer_id, 'taxpayer_id'],
    [codes.org_code, 'org_code'],
    [codes.reg_no, 'reg_no'],
    [codes.code, 'auto'],
  ];
  for (const [value, kind] of parts) {
    const k = keysFromCode(value, kind);
    for (const key of Object.keys(out) as Array<keyof EnterpriseKeys>) out[key] ??= k[key];
  }
  return out;
}
