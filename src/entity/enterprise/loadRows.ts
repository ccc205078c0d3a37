/**
 * Rows computed in TS into a DuckDB table, a chunk of VALUES at a time: the way lookup tables
 * of normalised values (and generated test records) reach the engine.
 */
import { ident, literal, type StageRunner } from '../../lake/index.ts';

const CHUNK = 1000;

/** Create (or replace) `table` with VARCHAR `columns` and insert `rows` (strings or nulls). */
export async function loadRows(
  run: StageRunner,
  stage: string,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | null>>,
  opts: { temp?: boolean } = {},
): Promise<void> {
  await run.run(stage, `CREATE OR REPLACE ${opts.temp ? 'TEMP ' : ''}TABLE ${ident(table)} (${columns.map((c) => `${ident(c)} VARCHAR`).join(', ')})`);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = rows
      .slice(i, i + CHUNK)
      .map((r) => `(${r.map((v) => (v === null ? 'NULL' : literal(v))).join(', ')})`)
      .join(',\n');
    await run.run(stage, `INSERT INTO ${ident(table)} VALUES ${values}`);
  }
}
