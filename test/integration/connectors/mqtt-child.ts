/**
 * A govhub process that test/integration/connectors/mqtt.test.ts kills on purpose: it opens the
 * platform on the given data directory and runs the sensor subscribers, printing `connected`
 * and `received <n>` as messages are journaled and acknowledged.
 * Argument: one JSON object { dataDir, sourceId, databaseUrl?, schema? }.
 */
import pino from 'pino';
import { loadConfig } from '../../../src/kernel/index.ts';
import { startSources } from '../../../src/connectors/index.ts';
import { openPlatform } from '../../../src/platform.ts';
import { TEST_SOURCES } from '../../helpers/platform.ts';

const args = JSON.parse(process.argv[2]!) as { dataDir: string; sourceId: string; databaseUrl?: string; schema?: string };
const config = loadConfig({ dataDir: args.dataDir, databaseUrl: args.databaseUrl, secretKey: 'test-secret', duckdbThreads: 1, ...TEST_SOURCES }, {});
const p = await openPlatform(config, { log: pino({ level: 'silent' }), schema: args.schema });
const handle = await startSources(p, { scheduler: false, pollSeconds: 3600 });
let connected = false;
let received = -1;
setInterval(() => {
  const sub = handle.subscribers.get(args.sourceId);
  if (sub?.stats.connected && !connected) {
    connected = true;
    process.stdout.write('connected\n');
  }
  if (sub && sub.stats.received !== received) {
    received = sub.stats.received;
    process.stdout.write(`received ${received}\n`);
  }
}, 20);
