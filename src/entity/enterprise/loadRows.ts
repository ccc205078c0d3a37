/**
 * Rows computed in TS into a DuckDB table: the way lookup tables of normalised values (and
 * generated test records) reach the engine. The rows go through a temporary newline-delimited
 * JSON file, which DuckDB reads far faster than it parses the same rows as INSERT … VALUES.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ident, literal, type StageRunner } from '../../lake/index.ts';

/** Create (or replace) `table` with VARCHAR `columns` and fill it with `rows` (strings or nulls). */
export async function loadRows(
  run: StageRunner,
  stage: string,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | null>>,
  opts: { temp?: boolean } = {},
): Promise<void> {
  const file = path.join(os.tmpdir(), `govhub-rows-${randomUUID()}.ndjson`);
  try {
    // one JSON array a line: column names are not repeated, and any text survives the trip
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const cols = columns.map((c, i) => `CAST(j.r[${i + 1}] AS VARCHAR) AS ${ident(c)}`).join(', ');
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
