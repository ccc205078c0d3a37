/**
 * A writer that is killed on purpose by test/integration/lake/lake.test.ts. It opens the control plane
 * and the lake, then writes one version of a dataset:
 *   stage=staging  a large `replace`; the parent kills it while Parquet files are being staged
 *   stage=commit   a small `replace` whose onCommit hook announces itself and never returns, so the
 *                  parent kills it inside the commit transaction (files already published)
 * Arguments: one JSON object { dataDir, datasetId, stage, rows, pgliteDir?, databaseUrl?, schema? }.
 */
import { PgDb, PgliteDb, type Db } from '../../../src/control/index.ts';
import { Lake } from '../../../src/lake/index.ts';
import type { KillArgs } from '../../helpers/lake.ts';

const args = JSON.parse(process.argv[2]) as KillArgs;

const db: Db = args.databaseUrl ? await PgDb.open(args.databaseUrl, { schema: args.schema }) : await PgliteDb.open(args.pgliteDir);
const lake = await Lake.open({ dataDir: args.dataDir, db, threads: 2 });
process.stdout.write('ready\n');
await lake.write({
  datasetId: args.datasetId,
  mode: 'replace',
  from: { sql: `SELECT i AS id, md5(i::VARCHAR) AS name, i % 97 AS district FROM range(${Number(args.rows)}) t(i)` },
  onCommit: async () => {
    if (args.stage !== 'commit') return;
    process.stdout.write('in-commit\n');
    await new Promise(() => {});
  },
});
process.stdout.write('written\n');
await lake.close();
await db.close();
