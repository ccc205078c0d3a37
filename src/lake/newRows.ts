import fs from 'node:fs';
import path from 'node:path';
import type { ColumnSchema, NewRows } from './types.ts';
import type { StageRunner } from './StageRunner.ts';
import { emptyRelation, parquetScan } from './scan.ts';
import { ident, literal } from './sql.ts';

/** JSON for one pushed row: BigInts as numbers (or text when too large); Dates become ISO text via toJSON. */
function rowJson(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v) =>
    typeof v === 'bigint' ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v,
  );
}

/**
 * The DuckDB table expression for a write's new rows (stage `from`).
 * - sql: the SELECT as a subquery;
 * - parquet: the files, unified by column name;
 * - rows: written as newline-delimited JSON into the staging directory and read back by DuckDB, which
 *   infers the types; columns the parent version already has are cast to the parent's types.
 */
export async function newRowsRelation(
  run: StageRunner,
  from: NewRows,
  stagingDir: string,
  parentSchema: ColumnSchema[] | undefined,
): Promise<{ relation: string; columns: ColumnSchema[] }> {
  const relation = await relationOf(run, from, stagingDir, parentSchema);
  // bind it now, so a bad column or table fails here, naming this stage and its SQL
  const describe = `DESCRIBE SELECT * FROM ${relation}`;
  const cols = await run.rows<{ column_name: string; column_type: string }>('from', describe);
  return { relation, columns: cols.map((c) => ({ name: c.column_name, type: c.column_type })) };
}

async function relationOf(run: StageRunner, from: NewRows, stagingDir: string, parentSchema: ColumnSchema[] | undefined): Promise<string> {
  if ('sql' in from) {
    const sql = from.sql.trim().replace(/;+\s*$/, '');
    if (!sql) throw run.fail('from', new Error('empty SQL'));
    return `(${sql}\n)`; // the newline ends a trailing -- comment
  }
  if ('parquet' in from) {
    if (!from.parquet.length) throw run.fail('from', new Error('no parquet files given'));
    return parquetScan(from.parquet.map((p) => path.resolve(p)));
  }
  if ('rows' in from) {
    const rows = from.rows;
    if (rows.length === 0) {
      if (!parentSchema?.length) throw run.fail('from', new Error('no rows, and no earlier version to take a schema from'));
      return emptyRelation(parentSchema);
    }
    const file = path.join(stagingDir, 'rows.ndjson');
    await run.step('from', () => fs.promises.writeFile(file, rows.map(rowJson).join('\n') + '\n'));
    const read = `read_json(${literal(file)}, format = 'newline_delimited', records = true, sample_size = -1, maximum_object_size = 134217728)`;
    if (!parentSchema?.length) return read;
    const inferred = await run.rows<{ column_name: string }>('from', `DESCRIBE SELECT * FROM ${read}`);
    const parentType = new Map(parentSchema.map((c) => [c.name, c.type]));
    const cols = inferred.map(({ column_name: n }) => {
      const t = parentType.get(n);
      return t ? `CAST(${ident(n)} AS ${t}) AS ${ident(n)}` : ident(n);
    });
    return `(SELECT ${cols.join(', ')} FROM ${read})`;
  }
  throw run.fail('from', new Error('new rows need sql, rows or parquet'));
}
