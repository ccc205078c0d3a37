/** SQL text helpers for the ingest stages (DuckDB dialect). */
// the lake's own file, not its index: the parse process (one per upload) loads only what it needs
export { ident, literal, literalList } from '../lake/sql.ts';

/** Column name of source column i in the staged tables. */
export const srcCol = (i: number) => `c${i}`;
/** Cleaned value of field f. */
export const valCol = (i: number) => `v${i}`;
/** Failure (rule:reason) of field f. */
export const errCol = (i: number) => `e${i}`;

/** A DuckDB struct literal of column name → VARCHAR, for read_csv / read_json `columns`. */
export function varcharColumns(names: string[]): string {
  return `{${names.map((n) => `'${n.replaceAll("'", "''")}': 'VARCHAR'`).join(', ')}}`;
}
