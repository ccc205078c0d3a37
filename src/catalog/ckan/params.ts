import { problem } from '../../kernel/index.ts';

/** Parameters as CKAN reads them, on GET (query text) and POST (JSON) alike; a bad one is a Validation Error naming it. */

const invalid = (field: string, message: string) => problem('validation', `${field}: ${message}`, [{ field, message }]);

/** A non-negative integer parameter. */
export function intParam(v: unknown, name: string, dflt: number, max?: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'number' ? v : /^\s*\d+\s*$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(name, 'Invalid integer');
  return max === undefined ? n : Math.min(n, max);
}

/** A boolean parameter as CKAN reads it (true/false, 1/0, yes/no, in any case). */
export function boolParam(v: unknown, name: string, dflt: boolean): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw invalid(name, 'Not a boolean value');
}
