import type { Caller } from '../kernel/index.ts';
import type { Filter } from '../control/index.ts';
import type { Dataset } from './types.ts';

/**
 * Who sees a catalog entry (目录):
 *  - the public and citizens: published entries that are open or conditionally open;
 *  - the platform admin: every entry;
 *  - every other government role: published entries, and every entry of their own department
 *    (drafts, submitted and returned ones are their department's and the admin's business).
 */
export function seesEntry(caller: Caller | null, ds: Pick<Dataset, 'status' | 'openType' | 'departmentId'>): boolean {
  if (!caller || caller.role === 'citizen') return ds.status === 'published' && ds.openType !== 'none';
  if (caller.role === 'admin') return true;
  return ds.status === 'published' || (!!caller.departmentId && caller.departmentId === ds.departmentId);
}

/** The same rule as a condition on `ds` (datasets) in a list query. */
export function visibleEntries(caller: Caller | null, f: Filter): Filter {
  if (!caller || caller.role === 'citizen') return f.add(`ds.status = 'published' AND ds.open_type <> 'none'`);
  if (caller.role === 'admin') return f;
  return caller.departmentId ? f.add(`(ds.status = 'published' OR ds.department_id = ${f.param(caller.departmentId)})`) : f.add(`ds.status = 'published'`);
}
