import type { Caller } from '../../kernel/index.ts';
import { seesEntry } from '../visibility.ts';
import type { Dataset } from '../types.ts';

/** Who a search answers: which entries they see, and whether they match on fields open data leaves out. */
export interface Audience {
  /** Names the audience: two audiences with one key see the same entries (an index remembers what each key sees). */
  key: string;
  sees(d: Dataset): boolean;
  /** Public callers: fields dropped from open data neither match nor show. */
  openFieldsOnly: boolean;
}

/**
 * The catalog's visibility rule (seesEntry) as a search audience: the admin; a government role of
 * one department (published entries and their department's); the public (no caller, or a citizen).
 */
export function audienceOf(caller: Caller | null): Audience {
  const sees = (d: Dataset) => seesEntry(caller, d);
  if (caller?.role === 'admin') return { key: 'admin', sees, openFieldsOnly: false };
  if (caller && caller.role !== 'citizen') return { key: `government:${caller.departmentId ?? ''}`, sees, openFieldsOnly: false };
  return { key: 'public', sees, openFieldsOnly: true };
}
