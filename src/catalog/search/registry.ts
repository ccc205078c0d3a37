/**
 * One catalog search per control plane (per `ctx.db`), so every request of a process shares one
 * index; told of every catalog change this process makes (onCatalogChange).
 */
import { onCatalogChange } from '../events.ts';

interface Invalidatable {
  invalidate(): void;
}

const searches = new WeakMap<object, Invalidatable>();

/** The search kept for this control plane, made by `make` the first time. */
export function searchFor<T extends Invalidatable>(db: object, make: () => T): T {
  let s = searches.get(db) as T | undefined;
  if (!s) searches.set(db, (s = make()));
  return s;
}

/** After a catalog change in this process: the next search rebuilds the index first. */
export function invalidateCatalogSearch(ctx: { db: object }): void {
  searches.get(ctx.db)?.invalidate();
}

onCatalogChange(invalidateCatalogSearch);
