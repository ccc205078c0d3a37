import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import pg from 'pg';
import { loadConfig, type Config, SYSTEM, type Caller } from '../../src/kernel/index.ts';
import { listMigrations, migrate, PgliteDb } from '../../src/control/index.ts';
import { openPlatform, type Platform } from '../../src/platform.ts';

export type TestDriver = 'pglite' | 'pg';

/** Run one statement on the test PostgreSQL in a connection of its own (schemas made and dropped around tests). */
export async function onTestServer(sql: string, url = process.env.GOVHUB_TEST_DATABASE_URL): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export const dropSchema = (schema: string, url?: string) => onTestServer(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, url);

/** The first admin's password in tests (it meets the password policy: ≥ 10 characters, not common, not containing `admin`). */
export const ADMIN_PASSWORD = 'manage-pass-2026';

/** PGlite always; the real PostgreSQL too when GOVHUB_TEST_DATABASE_URL is set. */
export function drivers(): TestDriver[] {
  return process.env.GOVHUB_TEST_DATABASE_URL ? ['pglite', 'pg'] : ['pglite'];
}

export interface TestPlatform extends Platform {
  dir: string;
  schema?: string;
}

let n = 0;

/**
 * Connector settings of the tests: the databases and brokers they read run on this machine, so
 * loopback is allowed explicitly (production refuses it unless GOVHUB_SOURCE_ALLOW says so), and
 * connection tests are not rate-limited to the production 10 a minute.
 */
export const TEST_SOURCES: Partial<Config> = { sourceAllow: ['127.0.0.0/8', '::1', '127.0.0.1:5432'], sourceTestsPerMinute: 10_000 };

let template: Promise<Blob> | undefined;

/**
 * A migrated, empty PGlite data directory that in-memory test control planes start from: starting
 * PGlite from it skips initdb, most of PGlite's start-up. Made once for a set of migrations and
 * kept in the temp directory for the test files that follow (each runs in a process of its own).
 */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const migrations = listMigrations().map((m) => `${m.name}\n${m.sql}`).join('\n');
    const pgliteVersion = JSON.parse(fs.readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')).version;
    const key = createHash('sha256').update(`${pgliteVersion}\n${migrations}`).digest('hex').slice(0, 16);
    const file = path.join(os.tmpdir(), `govhub-test-pglite-${key}.tar`);
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
    const db = await PgliteDb.open();
    try {
      await migrate(db);
      const dump = await db.dump();
      const tmp = `${file}.${process.pid}`;
      fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
      fs.renameSync(tmp, file);
      return dump;
    } finally {
      await db.close();
    }
  })();
  return template;
}

/**
 * A fresh platform: temp data directory, and a control plane that is an in-memory PGlite or a
 * fresh schema on the test PostgreSQL (dropped on close). `from` starts a PGlite platform from a
 * saved one instead of an empty one.
 */
export async function openTestPlatform(
  driver: TestDriver,
  overrides: Partial<Config> = {},
  opts: { log?: pino.Logger; from?: { controlPlane: Blob; dataDir: string } } = {},
): Promise<TestPlatform> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-test-'));
  const url = driver === 'pg' ? process.env.GOVHUB_TEST_DATABASE_URL : undefined;
  if (driver === 'pg' && !url) throw new Error('GOVHUB_TEST_DATABASE_URL is not set');
  if (url && opts.from) throw new Error('openTestPlatform: a saved control plane is a PGlite one');
  const schema = url ? `t_${process.pid}_${Date.now().toString(36)}_${n++}` : undefined;
  const config = loadConfig({ dataDir: dir, databaseUrl: url, adminPassword: ADMIN_PASSWORD, secretKey: 'test-secret', duckdbThreads: 1, ...TEST_SOURCES, ...overrides }, {});
  // `from`: a saved platform (test/helpers/demoCity.ts) — its data directory copied here, its control plane's dump
  if (opts.from) fs.cpSync(opts.from.dataDir, dir, { recursive: true });
  const memoryControlPlane = url ? false : { template: opts.from?.controlPlane ?? await pgliteTemplate() };
  const p = await openPlatform(config, { log: opts.log ?? pino({ level: process.env.GOVHUB_TEST_LOG ?? 'silent' }), schema, memoryControlPlane });
  return {
    ...p, dir, schema,
    async close() {
      await p.close();
      if (url && schema) await dropSchema(schema, url);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { SYSTEM, type Caller };

/**
 * A control plane for commands run as child processes (the CLI, a child test script): PGlite on
 * disk in their data directory, or a fresh schema on the test PostgreSQL that the child reaches
 * through the libpq `options` of its connection URL — as an operator points govhub at a schema.
 * `databaseUrl` is for openPlatform in the test itself, `env` for the child.
 */
export async function childControlPlane(driver: TestDriver): Promise<{ databaseUrl?: string; env: Record<string, string>; drop(): Promise<void> }> {
  if (driver === 'pglite') return { env: { GOVHUB_DATABASE_URL: '' }, drop: async () => {} };
  const base = process.env.GOVHUB_TEST_DATABASE_URL;
  if (!base) throw new Error('GOVHUB_TEST_DATABASE_URL is not set');
  const schema = `c_${process.pid}_${Date.now().toString(36)}_${n++}`;
  await onTestServer(`CREATE SCHEMA ${schema}`, base);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    databaseUrl: url.toString(),
    env: { GOVHUB_DATABASE_URL: url.toString() },
    drop: () => dropSchema(schema, base),
  };
}
