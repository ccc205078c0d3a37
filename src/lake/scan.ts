import type { ColumnSchema, LakeFile } from './types.ts';
import { ident, literalList } from './sql.ts';

/** DuckDB table expression over Parquet files (absolute paths), columns unified by name. */
export function parquetScan(absPaths: string[], extra = ''): string {
  return `read_parquet(${literalList(absPaths)}, union_by_name = true, hive_partitioning = false${extra ? ', ' + extra : ''})`;
}

/** A typed relation with no rows: what an empty version reads as. */
export function emptyRelation(schema: ColumnSchema[]): string {
  const cols = schema.length ? schema.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`).join(', ') : 'NULL AS "_empty"';
  return `(SELECT ${cols} LIMIT 0)`;
}

/** The table expression reading exactly these files (or the empty relation of the schema). */
export function scanFiles(files: LakeFile[], schema: ColumnSchema[], abs: (rel: string) => string): string {
  const nonEmpty = files.filter((f) => f.rows > 0);
  return nonEmpty.length ? parquetScan(nonEmpty.map((f) => abs(f.path))) : emptyRelation(schema);
}
