/**
 * Child process of the streaming test: ingest one file into an existing data directory and print
 * the job and this process's peak heap as JSON. Run with a small --max-old-space-size.
 *   node --max-old-space-size=64 --import tsx test/integration/ingest/ingest-child.ts <dataDir> <dataset> <file>
 */
import pino from 'pino';
import { loadConfig, SYSTEM } from '../../../src/kernel/index.ts';
import { ingestFile } from '../../../src/ingest/index.ts';
import { openPlatform } from '../../../src/platform.ts';

const [dataDir, dataset, file] = process.argv.slice(2);
let peakHeap = 0;
const timer = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 20);
const p = await openPlatform(
  loadConfig({ dataDir, databaseUrl: process.env.GOVHUB_DATABASE_URL || undefined, duckdbMemoryLimit: process.env.GOVHUB_DUCKDB_MEMORY_LIMIT ?? '96MB', duckdbThreads: 2 }, {}),
  { log: pino({ level: 'warn' }) },
);
try {
  const job = await ingestFile(p, SYSTEM, { datasetCode: dataset!, file: file!, mode: 'append' });
  clearInterval(timer);
  const heapLimit = (await import('node:v8')).getHeapStatistics().heap_size_limit;
  process.stdout.write(JSON.stringify({ job, peakHeapMb: Math.round(peakHeap / 1048576), heapLimitMb: Math.round(heapLimit / 1048576) }) + '\n');
} finally {
  clearInterval(timer);
  await p.close();
}
