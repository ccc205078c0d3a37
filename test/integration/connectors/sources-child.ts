/**
 * A govhub process that test/integration/connectors/sources-crash.test.ts kills on purpose: it opens the
 * platform on the given data directory (PGlite on disk, or a PostgreSQL schema), runs one sync of
 * a source, and prints `committed <version>` whenever the dataset gets a new version, then
 * `done <run JSON>`.
 * Argument: one JSON object { dataDir, sourceId, datasetId, databaseUrl?, schema? }.
 */
import pino from 'pino';
import { loadConfig, SYSTEM } from '../../../src/kernel/index.ts';
import { startRun } from '../../../src/connectors/index.ts';
import { openPlatform } from '../../../src/platform.ts';
import { TEST_SOURCES } from '../../helpers/platform.ts';

const args = JSON.parse(process.argv[2]!) as { dataDir: string; sourceId: string; datasetId: string; databaseUrl?: string; schema?: string };
const config = loadConfig({ dataDir: args.dataDir, databaseUrl: args.databaseUrl, secretKey: 'test-secret', duckdbThreads: 1, ...TEST_SOURCES }, {});
const p = await openPlatform(config, { log: pino({ level: 'silent' }), schema: args.schema });
const version = async () => Number((await p.db.one<{ v: number }>('SELECT current_version AS v FROM datasets WHERE id = $1', [args.datasetId]))?.v ?? 0);
let last = await version();
const watch = setInterval(() => {
  void version().then((v) => {
    if (v > last) {
      last = v;
      process.stdout.write(`committed ${v}\n`);
    }
  });
}, 20);
process.stdout.write('started\n');
const { done } = await startRun(p, SYSTEM, args.sourceId, 'manual');
const run = await done;
clearInterval(watch);
process.stdout.write(`done ${JSON.stringify(run)}\n`);
await p.close();
