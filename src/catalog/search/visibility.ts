import type { Caller } from '../../kernel/index.ts';
import { isOpenEntry } from '../openness.ts';
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
 * Catalog visibility: the admin sees every entry; government roles (officer, analyst, handler)
 * published entries and every entry of their own department (drafts included); the public (no
 * caller, or a citizen) published entries that are open or conditionally open.
 */
export function audienceOf(caller: Caller | null): Audience {
  if (caller?.role === 'admin') return { key: 'admin', sees: () => true, openFieldsOnly: false };
  if (caller && caller.role !== 'citizen') {
    const own = caller.departmentId;
    return { key: `government:${own ?? ''}`, sees: (d) => d.status === 'published' || (!!own && d.departmentId === own), openFieldsOnly: false };
  }
  return { key: 'public', sees: isOpenEntry, openFieldsOnly: true };
}
