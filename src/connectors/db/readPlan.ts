import type { SourceDb } from './SourceDb.ts';
import type { HeaderMapping } from '../../ingest/index.ts';
import type { DbSettings } from '../types.ts';

/** How a sync reads its source: the relation, the select list and the header mapping for the ingest. */
export interface ReadPlan {
  /** Table expression: a quoted table or the read-only query as a derived table. */
  from: string;
  /** Select list: `*` or the mapped columns (and the cursor column), quoted. */
  list: string;
  /** Mapping for the ingest (null: let the ingest match columns to fields by name). */
  mapping: HeaderMapping | null;
}

/** Build the read plan; the settings were validated when the source was saved. */
export function readPlan(db: SourceDb, s: DbSettings): ReadPlan {
  const from = s.table ? db.quote(s.table) : `(${s.query}) AS src`;
  const given = Object.entries(s.mapping ?? {});
  if (!given.length) return { from, list: '*', mapping: null };
  const cols = given.filter(([, f]) => f !== null).map(([c]) => c);
  if (s.cursorColumn && !cols.includes(s.cursorColumn)) cols.push(s.cursorColumn);
  const mapping: HeaderMapping = Object.fromEntries(cols.map((c) => [c, s.mapping?.[c] ?? null]));
  return { from, list: cols.map((c) => db.quote(c)).join(', '), mapping };
}

/** Position of a column among the result's columns (exact name first, then ignoring case). */
export function columnIndex(columns: string[], name: string): number {
  const i = columns.indexOf(name);
  return i >= 0 ? i : columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
}
