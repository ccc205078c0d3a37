/** What the benchmarks share: timing, and PostgreSQL as the peer measured in the same run. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { Worker } from 'node:worker_threads';

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; out: T }> {
  const t0 = performance.now();
  const out = await fn();
  return { ms: performance.now() - t0, out };
}

/** a / b to two decimals, or undefined when either is missing. */
export const ratio = (a?: number, b?: number) => (a && b ? Math.round((a / b) * 100) / 100 : undefined);

export function defaultPgUrl(): string {
  const e = process.env;
  return e.GOVHUB_BENCH_DATABASE_URL || e.GOVHUB_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

/** COPY the CSV into `table` on PostgreSQL: server-side COPY FROM the file when the server can read it, else psql \copy. */
export async function pgCopy(client: pg.Client, url: string, schema: string, table: string, csv: string): Promise<string> {
  try {
    await client.query(`COPY ${table} FROM '${csv.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER true)`);
    return 'COPY FROM file (server side)';
  } catch (err) {
    const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `SET search_path = ${schema}`, '-c', `\\copy ${table} FROM '${csv}' WITH (FORMAT csv, HEADER true)`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`COPY failed: ${(err as Error).message}; psql \\copy: ${r.error?.message ?? r.stderr}`);
    return 'psql \\copy (COPY FROM STDIN)';
  }
}

/**
 * Run fn on the peer PostgreSQL in a fresh schema (dropped afterwards). When the server cannot be
 * reached, say so and skip: the benchmark still prints its own figures.
 */
export async function withPostgres(
  url: string | null | undefined,
  prefix: string,
  log: (s: string) => void,
  fn: (client: pg.Client, schema: string, url: string) => Promise<void>,
): Promise<void> {
  const target = url === undefined ? defaultPgUrl() : url;
  if (!target) return log('PostgreSQL: no database URL; its figures are skipped');
  const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    return log(`PostgreSQL unreachable (${(err as Error).message}); its figures are skipped`);
  }
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path = ${schema}`);
    await fn(client, schema, target);
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client.end();
  }
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}

/** Print rows as an aligned table (CJK-aware), with a blank line before and after. */
export function printTable(log: (s: string) => void, head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ');
  log('');
  log(line(head));
  log(line(widths.map((n) => '-'.repeat(n))));
  for (const r of rows) log(line(r));
  log('');
}

/** The value after a command-line flag. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * PGlite as a peer: a database on disk under `dir`, the table made by `ddl`, the CSV loaded with
 * COPY FROM /dev/blob (timed); `then` runs more work on the loaded database before it closes.
 */
export async function withPgliteCopy<T>(
  dir: string, ddl: string, table: string, csv: string,
  then: (lite: PGlite, copy: { ms: number }) => Promise<T>,
): Promise<T> {
  const lite = await PGlite.create(path.join(dir, 'pglite'));
  try {
    await lite.exec(ddl);
    const copy = await timed(async () => {
      const blob = new Blob([fs.readFileSync(csv)]);
      await lite.query(`COPY ${table} FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob });
    });
    return await then(lite, copy);
  } finally {
    await lite.close();
  }
}

/** Does a PostgreSQL server answer at `url` (within 5 s)? */
export async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Drop a benchmark's schema on the server, with what is in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

/** Run the HTTP load in a worker thread (bench/_httpLoad.mjs): the server keeps this thread to itself. */
export function httpLoad(data: { url: string; connections: number; duration: number; headers: Record<string, string>; paths: string[] }) {
  return new Promise<{ latencies: number[]; bad: number; errors: number; seconds: number }>((resolve, reject) => {
    const w = new Worker(new URL('./_httpLoad.mjs', import.meta.url), { workerData: data });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

/** A section of a benchmark: its figures as key=value pairs, or null when its data is missing. */
export interface Section {
  key: string;
  run: (log: (s: string) => void) => Promise<Record<string, number> | null>;
}

/** Run the sections (or the one named), then print one key=value line per figure. */
export async function runSections(sections: Section[], log: (s: string) => void, only?: string): Promise<Record<string, number>> {
  const chosen = sections.filter((s) => !only || s.key === only);
  if (!chosen.length) throw new Error(`unknown section "${only}"; sections: ${sections.map((s) => s.key).join(', ')}`);
  const figures: Record<string, number> = {};
  for (const s of chosen) Object.assign(figures, (await s.run(log)) ?? {});
  log('');
  for (const [key, v] of Object.entries(figures)) log(`${key}=${v}`);
  return figures;
}
