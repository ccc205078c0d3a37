import type { Dataset, Field, OpenRule } from './types.ts';

/** A dataset as open data can show it: published, and open (公开) or conditionally open (有条件开放, API key). */
export const isOpenEntry = (ds: Pick<Dataset, 'status' | 'openType'>) => ds.status === 'published' && ds.openType !== 'none';

/** What open data does with field f: its rule, else L1/L2 kept and L3/L4 dropped. An L3/L4 field is never kept. */
export function openRule(f: Pick<Field, 'sensitivity' | 'open'>): OpenRule {
  const sensitive = f.sensitivity === 'L3' || f.sensitivity === 'L4';
  if (f.open === 'mask' || f.open === 'drop') return f.open;
  return sensitive ? 'drop' : 'keep';
}
