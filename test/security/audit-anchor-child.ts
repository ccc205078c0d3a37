// Child process for test/security/audit-truncation.test.ts: writes to one anchor file from a second process.
//   lines  FILE TAG N   append N fabricated anchor lines, 10 per call, without any lock
//   events DIR SCHEMA N open the platform on the test PostgreSQL schema and record N events
import pino from 'pino';
import { AnchorFile } from '../../src/audit/index.ts';
import { loadConfig, SYSTEM } from '../../src/kernel/index.ts';
import { openPlatform } from '../../src/platform.ts';

const [mode, target, arg, count] = process.argv.slice(2);
const n = Number(count);
if (mode === 'lines') {
  const file = new AnchorFile(target);
  const tag = Number(arg);
  for (let i = 0; i < n; i += 10) {
    const batch = Array.from({ length: Math.min(10, n - i) }, (_, j) => ({
      seq: tag * 1_000_000 + i + j + 1, hash: `${tag}`.repeat(64).slice(0, 64), ts: new Date().toISOString(),
      keyId: '0123456789abcdef', signature: 'A'.repeat(86) + '==',
    }));
    await file.append(batch);
  }
} else if (mode === 'events') {
  const p = await openPlatform(loadConfig({ dataDir: target, databaseUrl: process.env.GOVHUB_TEST_DATABASE_URL }, {}), { log: pino({ level: 'silent' }), schema: arg });
  for (let i = 0; i < n; i++) await p.audit.record(SYSTEM, { action: 'test.event', objectType: 'test', details: { pid: process.pid, i } });
  await p.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
