import fs from 'node:fs';
import path from 'node:path';
import type { ColumnSchema, WriteSource } from './types.ts';
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
 * The DuckDB table expression for a write's new rows (stage `source`).
 * - sql: the SELECT as a subquery;
 * - parquet: the files, unified by column name;
 * - rows: written as newline-delimited JSON into the staging directory and read back by DuckDB, which
 *   infers the types; columns the parent version already has are cast to the parent's types.
 */
export async function sourceRelation(
  run: StageRunner,
  source: WriteSource,
  stagingDir: string,
  parentSchema: ColumnSchema[] | undefined,
): Promise<{ relation: string; columns: ColumnSchema[] }> {
  const relation = await relationOf(run, source, stagingDir, parentSchema);
  // bind it now, so a bad column or table fails here, naming this stage and the source SQL
  const describe = `DESCRIBE SELECT * FROM ${relation}`;
  const cols = await run.rows<{ column_name: string; column_type: string }>('source', describe);
  return { relation, columns: cols.map((c) => ({ name: c.column_name, type: c.column_type })) };
}

async function relationOf(run: StageRunner, source: WriteSource, stagingDir: string, parentSchema: ColumnSchema[] | undefined): Promise<string> {
  if ('sql' in source) {
    const sql = source.sql.trim().replace(/;+\s*$/, '');
    if (!sql) throw run.fail('source', new Error('empty source SQL'));
    return `(${sql}\n)`; // the newline ends a trailing -- comment
  }
  if ('parquet' in source) {
    if (!source.parquet.length) throw run.fail('source', new Error('no parquet files given'));
    return parquetScan(source.parquet.map((p) => path.resolve(p)));
  }
  if ('rows' in source) {
    const rows = source.rows;
    if (rows.length === 0) {
      if (!parentSchema?.length) throw run.fail('source', new Error('no rows, and no earlier version to take a schema from'));
      return emptyRelation(parentSchema);
    }
    const file = path.join(stagingDir, 'rows.ndjson');
    await run.step('source', () => fs.promises.writeFile(file, rows.map(rowJson).join('\n') + '\n'));
    const read = `read_json(${literal(file)}, format = 'newline_delimited', records = true, sample_size = -1, maximum_object_size = 134217728)`;
    if (!parentSchema?.length) return read;
    const inferred = await run.rows<{ column_name: string }>('source', `DESCRIBE SELECT * FROM ${read}`);
    const parentType = new Map(parentSchema.map((c) => [c.name, c.type]));
    const cols = inferred.map(({ column_name: n }) => {
      const t = parentType.get(n);
      return t ? `CAST(${ident(n)} AS ${t}) AS ${ident(n)}` : ident(n);
    });
    return `(SELECT ${cols.join(', ')} FROM ${read})`;
  }
  throw run.fail('source', new Error('source must have sql, rows or parquet'));
}
