/**
 * The element registry: one place to list elements, validate a value in TS, get the SQL
 * for a column, and install the DuckDB macros.
 */
import { areaCodeElement } from './area.ts';
import { codePairs, templateElements } from './custom.ts';
import { dateElement } from './date.ts';
import { emailElement } from './email.ts';
import { ethnicityElement } from './ethnicity.ts';
import { genderElement } from './gender.ts';
import { idCardElement } from './idcard.ts';
import { orgCodeElement } from './orgcode.ts';
import { mobileElement, phoneElement } from './phone.ts';
import { postcodeElement } from './postcode.ts';
import { cleanMacros } from './text.ts';
import { usccElement } from './uscc.ts';
import type { ElementDef, ElementInfo, ElementParams, SqlRunner, ValidationResult } from './types.ts';

const BUILTIN: ElementDef[] = [
  idCardElement,
  usccElement,
  orgCodeElement,
  areaCodeElement,
  mobileElement,
  phoneElement,
  postcodeElement,
  emailElement,
  dateElement,
  genderElement,
  ethnicityElement,
];

const elements = new Map<string, ElementDef>();
for (const e of [...BUILTIN, ...templateElements]) elements.set(e.id, e);
const customIds = new Set<string>();

/** Thrown for an unknown element id or bad parameters. */
export class StandardsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StandardsError';
  }
}

/** Run an element function; bad parameters surface as StandardsError. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw new StandardsError(err.message);
    throw err;
  }
}

function element(id: string): ElementDef {
  const e = elements.get(id);
  if (!e) throw new StandardsError(`unknown data element: ${id}`);
  return e;
}

function info(e: ElementDef): ElementInfo {
  const out: ElementInfo = {
    id: e.id,
    title: e.title,
    titleEn: e.titleEn,
    description: e.description,
    normalizes: e.normalizes,
    reasons: [...e.reasons],
    kind: e.kind,
  };
  if (e.descriptionEn) out.descriptionEn = e.descriptionEn;
  if (e.standard) out.standard = e.standard;
  if (e.macroName) out.macroName = e.macroName;
  if (e.reasonMacroName) out.reasonMacroName = e.reasonMacroName;
  if (e.normalizeMacroName) out.normalizeMacroName = e.normalizeMacroName;
  if (e.params) out.params = e.params.map((p) => ({ ...p }));
  if (e.codes) out.codes = { ...e.codes };
  if (e.codesEn) out.codesEn = { ...e.codesEn };
  return out;
}

/** Every element: the built-in standards, the parameterised templates, then registered custom ones. */
export function listElements(): ElementInfo[] {
  return [...elements.values()].map(info);
}

export function getElement(id: string): ElementInfo | undefined {
  const e = elements.get(id);
  return e ? info(e) : undefined;
}

export function hasElement(id: string): boolean {
  return elements.has(id);
}

/** Validate one value in TS. Blank values give { ok: false, reason: 'empty' }. */
export function validate(id: string, value: unknown, params?: ElementParams): ValidationResult {
  const e = element(id);
  return guard(() => e.validate(value, params));
}

/** One of an element's SQL builders, looked up by element id, with the element's errors made StandardsErrors. */
const sqlBuilder =
  (builder: 'validSql' | 'reasonSql' | 'normalizeSql') =>
  (id: string, expr: string, params?: ElementParams): string => {
    const e = element(id);
    return guard(() => e[builder](expr, params));
  };

/** SQL BOOLEAN expression for a column expression: true / false, NULL when blank. */
export const elementSql = sqlBuilder('validSql');

/** SQL VARCHAR: the reason code, NULL when valid, 'empty' when blank. */
export const reasonSql = sqlBuilder('reasonSql');

/** SQL expression giving the normalized value (ISO date, code, 18-digit ID…), NULL when invalid. */
export const normalizeSql = sqlBuilder('normalizeSql');

/** SQL VARCHAR flag (e.g. 'legacy' for USCC), or the literal NULL for elements without flags. */
export function flagSql(id: string, expr: string, params?: ElementParams): string {
  const e = element(id);
  return e.flagSql ? guard(() => e.flagSql!(expr, params)) : 'NULL::VARCHAR';
}

/** The templates a custom element is built on. */
export const ELEMENT_TEMPLATES = ['code_table', 'enum', 'regex', 'range', 'length'] as const;

export interface CustomElementSpec {
  id: string;
  title: string;
  titleEn?: string;
  description?: string;
  /** Which template it is built on: code_table, enum, regex, range or length. */
  template: (typeof ELEMENT_TEMPLATES)[number];
  params: ElementParams;
}

/**
 * Register a user-defined element: a template with its parameters fixed, under its own id
 * (e.g. 'industry_code' as a code table). Replaces an earlier custom element of the same id.
 */
export function registerElement(spec: CustomElementSpec): ElementInfo {
  if (!/^[a-z][a-z0-9_]{1,62}$/.test(spec.id)) throw new StandardsError(`invalid element id: ${spec.id}`);
  if (elements.has(spec.id) && !customIds.has(spec.id)) throw new StandardsError(`element id is taken by a built-in element: ${spec.id}`);
  const base = element(spec.template);
  if (base.kind !== 'template') throw new StandardsError(`not a template: ${spec.template}`);
  const params = { ...spec.params };
  try {
    base.validSql('x', params); // checks the parameters once, at definition time
  } catch (err) {
    throw new StandardsError(`bad parameters for ${spec.template}: ${(err as Error).message}`);
  }
  const def: ElementDef = {
    id: spec.id,
    title: spec.title,
    titleEn: spec.titleEn ?? spec.id,
    description: spec.description ?? base.description,
    descriptionEn: spec.description ? undefined : base.descriptionEn,
    normalizes: base.normalizes,
    reasons: [...base.reasons],
    kind: 'custom',
    ...(spec.template === 'code_table' ? { codes: Object.fromEntries(codePairs(params.codes)) } : {}),
    validate: (v) => base.validate(v, params),
    validSql: (e) => base.validSql(e, params),
    reasonSql: (e) => base.reasonSql(e, params),
    normalizeSql: (e) => base.normalizeSql(e, params),
  };
  elements.set(spec.id, def);
  customIds.add(spec.id);
  return info(def);
}

export function unregisterElement(id: string): boolean {
  if (!customIds.has(id)) return false;
  customIds.delete(id);
  return elements.delete(id);
}

/**
 * Every statement that installs the macros and lookup tables, in dependency order.
 * All are TEMP: they live in the connection (session) and never end up in a database file,
 * so run them once per DuckDB connection.
 */
export function macroSql(): string[] {
  const out = [...cleanMacros()];
  const order = [areaCodeElement, ...BUILTIN.filter((e) => e !== areaCodeElement)];
  for (const e of order) if (e.macros) out.push(...e.macros());
  return out;
}

/** Install all macros into a DuckDB connection (anything with `run(sql)`). */
export async function registerMacros(conn: SqlRunner): Promise<void> {
  for (const sql of macroSql()) await conn.run(sql);
}
