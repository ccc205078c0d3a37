import type { Ctx } from '../kernel/index.ts';

type Listener = (ctx: Ctx) => void;
const listeners = new Set<Listener>();

/** Be told whenever this process changes a catalog entry (to drop what was derived from the catalog, e.g. the search index). */
export function onCatalogChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Tell the listeners that this process changed the catalog of `ctx`. */
export function catalogChanged(ctx: Ctx): void {
  for (const fn of listeners) fn(ctx);
}
