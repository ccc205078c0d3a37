import type { LakeFile } from './types.ts';
import { copyToParquet, type WrittenFile } from './parquetFiles.ts';
import { parquetScan } from './scan.ts';
import { ident } from './sql.ts';
import type { StageRunner } from './StageRunner.ts';

/**
 * Upsert by key, latest wins, copy-on-write at file granularity:
 *   from    the batch goes into a temp table in arrival order (rowid = position);
 *   key     keys must be present and not NULL; the last row of each key in the batch wins;
 *   merge   parent files holding none of the batch's keys are carried over untouched; the others
 *           are rewritten as (their rows ANTI JOIN the batch) UNION ALL BY NAME the batch.
 * All of it runs in DuckDB, vectorised. Runs on the writer's private connection.
 */
export async function stageUpsert(
  run: StageRunner,
  src: string,
  parentFiles: LakeFile[],
  key: string[],
  outDir: string,
  abs: (rel: string) => string,
): Promise<{ written: WrittenFile[]; carried: LakeFile[]; rowsAdded: number }> {
  const k = key.map(ident);
  await run.run('from', `CREATE OR REPLACE TEMP TABLE __lake_batch AS SELECT * FROM ${src}`);
  const nullSql = `SELECT count(*) AS n FROM __lake_batch WHERE ${k.map((c) => `${c} IS NULL`).join(' OR ')}`;
  const [{ n: nullKeys }] = await run.rows<{ n: number }>('key', nullSql);
  if (Number(nullKeys) > 0) throw run.fail('key', new Error(`${nullKeys} new row(s) have a NULL key (${key.join(', ')})`), nullSql);
  await run.run(
    'key',
    `CREATE OR REPLACE TEMP TABLE __lake_new AS SELECT * FROM __lake_batch
     QUALIFY row_number() OVER (PARTITION BY ${k.join(', ')} ORDER BY rowid DESC) = 1`,
  );
  await run.run('key', 'DROP TABLE __lake_batch');
  const [{ n }] = await run.rows<{ n: number }>('key', 'SELECT count(*) AS n FROM __lake_new');
  const rowsAdded = Number(n);

  const on = k.map((c) => `p.${c} = b.${c}`).join(' AND ');
  const live = parentFiles.filter((f) => f.rows > 0);
  const hit = new Set<string>();
  if (live.length && rowsAdded > 0) {
    const byAbs = new Map(live.map((f) => [abs(f.path), f.path]));
    const hits = await run.rows<{ f: string }>(
      'merge',
      `SELECT DISTINCT p.__lake_file AS f FROM ${parquetScan([...byAbs.keys()], `filename = '__lake_file'`)} p
       SEMI JOIN __lake_new b ON ${on}`,
    );
    for (const h of hits) {
      const rel = byAbs.get(h.f);
      if (rel === undefined) throw run.fail('merge', new Error(`unexpected file name from the scan: ${h.f}`));
      hit.add(rel);
    }
  }
  const rewrite = live.filter((f) => hit.has(f.path)).map((f) => abs(f.path));
  const select = rewrite.length
    ? `SELECT p.* FROM ${parquetScan(rewrite)} p ANTI JOIN __lake_new b ON ${on}
       UNION ALL BY NAME SELECT * FROM __lake_new`
    : 'SELECT * FROM __lake_new';
  const written = await copyToParquet(run, rewrite.length ? 'merge' : 'write', select, outDir);
  await run.run('write', 'DROP TABLE __lake_new');
  return { written, carried: live.filter((f) => !hit.has(f.path)), rowsAdded };
}
