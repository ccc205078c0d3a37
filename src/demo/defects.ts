/**
 * Realistic defects injected into department rows, each recorded as ground truth:
 * whether a validator must REJECT the row, or whether cleaning FIXES the value.
 */
import { cleanText, validate, validateIdCard, validateUscc, USCC_ALPHABET } from '../standards/index.ts';
import type { DemoField } from './departments.ts';
import { downgradeTo15, toFullWidth } from './ids.ts';
import { typoName } from './names.ts';
import { Prng } from './prng.ts';

export type DefectKind =
  | 'id_checksum' // wrong check digit — rejects
  | 'id_length' // a digit dropped or doubled — rejects
  | 'id_birthdate' // impossible birth date in the number — rejects
  | 'uscc_checksum' // credit code with a wrong check character — rejects
  | 'missing_required' // a required field left empty — rejects
  | 'name_typo' // homophone / look-alike character in a name — neither (entity resolution must cope)
  | 'id_15' // old 15-digit number — cleaning fixes (upgrade to 18)
  | 'full_width' // digits typed full-width — cleaning fixes
  | 'trailing_space' // spaces after the value — cleaning fixes
  | 'date_form' // date written as 2023/1/5, 2023年1月5日, 20230105… — cleaning fixes
  | 'duplicate'; // the same row again — neither

export interface RowDefect {
  /** 1-based data row (the header is not counted; for NDJSON the line number). */
  row: number;
  field: string | null;
  kind: DefectKind;
  reject: boolean;
  fixable: boolean;
  /** For 'duplicate': the row it repeats. */
  duplicateOf?: number;
}

export interface DefectRates {
  invalidId: number;
  invalidUscc: number;
  missingRequired: number;
  nameTypo: number;
  oldId15: number;
  fullWidth: number;
  trailingSpace: number;
  /** Chance per date field. */
  dateForm: number;
  duplicate: number;
}

export const DEFAULT_RATES: DefectRates = {
  invalidId: 0.03,
  invalidUscc: 0.01,
  missingRequired: 0.015,
  nameTypo: 0.02,
  oldId15: 0.01,
  fullWidth: 0.02,
  trailingSpace: 0.03,
  dateForm: 0.08,
  duplicate: 0.01,
};

export type RowValue = string | number | null;
export type Row = Record<string, RowValue>;
type Found = Omit<RowDefect, 'row'>;

const NAME_FIELDS = new Set(['xm', 'nf_xm', 'nv_xm', 'fddbr', 'qlr', 'xsexm', 'mqxm', 'fqxm', 'jhrxm', 'sbrxm']);
const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官'];

function nonEmpty(v: RowValue): v is string {
  return typeof v === 'string' && v !== '';
}

export function corruptId(rng: Prng, id: string): { value: string; kind: DefectKind } {
  for (let attempt = 0; attempt < 10; attempt++) {
    const r = rng.next();
    let value: string;
    let kind: DefectKind;
    if (r < 0.5) {
      kind = 'id_checksum';
      const digits = '0123456789X'.replace(id[17]!, '');
      value = id.slice(0, 17) + digits[rng.int(digits.length)];
    } else if (r < 0.75) {
      kind = 'id_length';
      const i = rng.between(6, 16);
      value = rng.chance(0.5) ? id.slice(0, i) + id.slice(i + 1) : id.slice(0, i) + id[i] + id.slice(i);
    } else {
      kind = 'id_birthdate';
      const bad = rng.pick(['13', '00', '1332', '0230', '0231', '0431', '1100']);
      value = bad.length === 2 ? id.slice(0, 10) + bad + id.slice(12) : id.slice(0, 10) + bad + id.slice(14);
    }
    if (!validateIdCard(value).ok) return { value, kind };
  }
  throw new Error('could not corrupt an ID number');
}

function corruptUscc(rng: Prng, code: string): string {
  const others = USCC_ALPHABET.replace(code[17]!, '');
  const value = code.slice(0, 17) + others[rng.int(others.length)];
  if (validateUscc(value).ok) throw new Error('uscc corruption stayed valid');
  return value;
}

export const DATE_FORMS = [
  (y: string, m: string, d: string) => `${y}/${Number(m)}/${Number(d)}`,
  (y: string, m: string, d: string) => `${y}年${Number(m)}月${Number(d)}日`,
  (y: string, m: string, d: string) => `${y}${m}${d}`,
  (y: string, m: string, d: string) => `${y}.${m}.${d}`,
  (y: string, m: string, d: string) => `${y}/${m}/${d}`,
  (y: string, m: string, d: string) => `${y}-${Number(m)}-${Number(d)}`,
];

/** The fields of a dataset grouped by the defects that can hit them (computed once per file). */
export interface FieldGroups {
  idCard: DemoField[];
  uscc: DemoField[];
  required: DemoField[];
  names: DemoField[];
  fullWidth: DemoField[];
  strings: DemoField[];
  dates: DemoField[];
}

export function fieldGroups(fields: readonly DemoField[]): FieldGroups {
  return {
    idCard: fields.filter((f) => f.element === 'id_card'),
    uscc: fields.filter((f) => f.element === 'uscc'),
    required: fields.filter((f) => f.required),
    names: fields.filter((f) => NAME_FIELDS.has(f.name)),
    fullWidth: fields.filter((f) => f.element === 'id_card' || f.element === 'mobile' || f.element === 'uscc'),
    strings: fields.filter((f) => f.type === 'string'),
    dates: fields.filter((f) => f.element === 'date'),
  };
}

function eligible(group: DemoField[], touched: Set<string>, row: Row, pred?: (f: DemoField) => boolean): DemoField[] {
  const out: DemoField[] = [];
  for (const f of group) if (!touched.has(f.name) && nonEmpty(row[f.name] ?? null) && (!pred || pred(f))) out.push(f);
  return out;
}

/** Inject defects into `row` (in place); returns what was done. */
export function injectDefects(rng: Prng, groups: FieldGroups, row: Row, rates: DefectRates): Found[] {
  const found: Found[] = [];
  const touched = new Set<string>();
  const candidates = (group: DemoField[], pred?: (f: DemoField) => boolean) => eligible(group, touched, row, pred);

  const REJECT = { reject: true, fixable: false };
  const FIXABLE = { reject: false, fixable: true };
  /**
   * With probability `rate`, one eligible field of `group` takes `corrupt(value)`: the new value, or
   * the new value with its own kind; undefined leaves the row as it was.
   */
  const inject = (
    rate: number, group: DemoField[], kind: DefectKind, effect: typeof REJECT,
    corrupt: (value: string) => string | null | undefined | { value: string; kind: DefectKind },
    pred?: (f: DemoField) => boolean,
  ): void => {
    if (!rng.chance(rate)) return;
    const c = candidates(group, pred);
    if (!c.length) return;
    const fld = rng.pick(c);
    const out = corrupt(row[fld.name] as string);
    if (out === undefined) return;
    const done = out !== null && typeof out === 'object' ? out : { value: out, kind };
    row[fld.name] = done.value;
    touched.add(fld.name);
    found.push({ field: fld.name, kind: done.kind, ...effect });
  };

  inject(rates.invalidId, groups.idCard, 'id_checksum', REJECT, (v) => corruptId(rng, v)); // corruptId names its own kind
  inject(rates.invalidUscc, groups.uscc, 'uscc_checksum', REJECT, (v) => corruptUscc(rng, v));
  inject(rates.missingRequired, groups.required, 'missing_required', REJECT, () => null);
  inject(rates.nameTypo, groups.names, 'name_typo', { reject: false, fixable: false }, (name) =>
    typoName(rng, name, COMPOUND_SURNAMES.some((s) => name.startsWith(s)) ? 2 : 1) || undefined);
  inject(rates.oldId15, groups.idCard, 'id_15', FIXABLE, downgradeTo15, (f) => /^\d{6}19[0-8]/.test(row[f.name] as string));
  inject(rates.fullWidth, groups.fullWidth, 'full_width', FIXABLE, toFullWidth);
  inject(rates.trailingSpace, groups.strings, 'trailing_space', FIXABLE, (v) =>
    v + (rng.chance(0.15) ? '\u3000' : ' '.repeat(rng.between(1, 3))));
  for (const fld of groups.dates) {
    if (touched.has(fld.name) || !nonEmpty(row[fld.name] ?? null) || !rng.chance(rates.dateForm)) continue;
    const iso = row[fld.name] as string;
    row[fld.name] = rng.pick(DATE_FORMS)(iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10));
    touched.add(fld.name);
    found.push({ field: fld.name, kind: 'date_form', reject: false, fixable: true });
  }
  return found;
}

/**
 * What a validator decides for a row: rejected when a required field is blank or a field
 * with a data element holds an invalid value. Used to prove the recorded ground truth.
 */
export function rowRejected(fields: readonly DemoField[], row: Row): boolean {
  for (const f of fields) {
    const v = row[f.name];
    const blank = v === null || v === undefined || (cleanText(v) ?? '') === '';
    if (blank) {
      if (f.required) return true;
      continue;
    }
    if (f.element && !validate(f.element, v).ok) return true;
  }
  return false;
}
