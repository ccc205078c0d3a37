/**
 * Rows computed in TypeScript into a DuckDB table: how lookup tables of values normalised once per
 * distinct value (names, addresses, codes) and generated records reach the engine. The rows go
 * through a temporary newline-delimited JSON file (one array a line, so column names are not
 * repeated and any text survives the trip, nulls included), which DuckDB reads in parallel, far
 * faster than it parses the same rows as INSERT … VALUES.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ident, literal } from './sql.ts';
import type { StageRunner } from './StageRunner.ts';

/** Create (or replace) `table` with VARCHAR `columns` and fill it with `rows` (strings or nulls). */
export async function loadRows(
  run: StageRunner,
  stage: string,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | null>>,
  opts: { temp?: boolean; emptyAsNull?: boolean } = {},
): Promise<void> {
  const file = path.join(os.tmpdir(), `govhub-rows-${randomUUID()}.ndjson`);
  try {
    await run.step(stage, () => fs.promises.writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
    const value = (i: number) => (opts.emptyAsNull ? `nullif(CAST(j.r[${i + 1}] AS VARCHAR), '')` : `CAST(j.r[${i + 1}] AS VARCHAR)`);
    const cols = columns.map((c, i) => `${value(i)} AS ${ident(c)}`).join(', ');
    await run.run(
      stage,
      `CREATE OR REPLACE ${opts.temp ? 'TEMP ' : ''}TABLE ${ident(table)} AS
       SELECT ${rows.length ? cols : columns.map((c) => `NULL::VARCHAR AS ${ident(c)}`).join(', ')}
       FROM ${rows.length ? `read_json(${literal(file)}, format = 'newline_delimited', columns = {r: 'VARCHAR[]'}) j` : '(SELECT 1) j WHERE false'}`,
    );
  } finally {
    fs.rmSync(file, { force: true });
  }
}
