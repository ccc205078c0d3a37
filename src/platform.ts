import { failInterruptedJobs, sweepWorkDirs } from './ingest/index.ts';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { AuditLog, auditSettings } from './audit/index.ts';
import type { Config, Ctx } from './kernel/index.ts';
import { migrate, openDb } from './control/index.ts';
import { Lake } from './lake/index.ts';
import { loadCustomElements } from './standards/index.ts';

/** GOVHUB_SECRET_KEY, or a random key created once in <dataDir>/keys/secret.key (mode 0600). */
function secretKey(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, 'keys', 'secret.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export interface Platform extends Ctx {
  /** The whole lake, for the composition root (CLI, tests, benchmarks); services get only ctx.lake / ctx.lakeReader. */
  dataLake: Lake;
  close(): Promise<void>;
}

/**
 * Open everything a server, CLI command or test needs: the control plane (migrated), the audit
 * log with its signing key (a file outside the database), and the data lake (orphans cleaned).
 */
export async function openPlatform(
  config: Config,
  opts: { log?: Logger; schema?: string; memoryControlPlane?: boolean | { template: Blob } } = {},
): Promise<Platform> {
  const log = opts.log ?? pino({ level: config.logLevel });
  fs.mkdirSync(config.dataDir, { recursive: true });
  config = { ...config, secretKey: secretKey(config) };
  const memory = opts.memoryControlPlane;
  const template = typeof memory === 'object' ? memory.template : undefined;
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: memory ? undefined : config.dataDir, schema: opts.schema, template });
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ applied }, 'migrations applied');
    await loadCustomElements({ db });
    const audit = await AuditLog.open(db, auditSettings(config.dataDir), log);
    const lake = await Lake.open({ dataDir: config.dataDir, db, threads: config.duckdbThreads, memoryLimit: config.duckdbMemoryLimit });
    const { removed, skipped } = await lake.cleanupOrphans();
    if (removed.length) log.warn({ removed: removed.length }, 'removed orphaned lake files from failed writes');
    if (skipped.length) log.info({ datasets: skipped }, 'datasets being written elsewhere were not swept this time');
    const interrupted = await failInterruptedJobs(db);
    if (interrupted.length) log.warn({ jobs: interrupted }, 'ingest jobs of a process that ended were marked failed');
    const swept = sweepWorkDirs(config.dataDir);
    if (swept.length) log.warn({ removed: swept }, 'removed uploads and work files that ended processes left behind');
    return {
      config, db, lake: lake.writer(), lakeReader: lake.reader(), dataLake: lake, audit, log,
      async close() {
        await audit.close();
        await lake.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}
