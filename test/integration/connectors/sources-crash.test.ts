/**
 * Crash safety of database syncs: a govhub process killed in the middle of a sync, then started
 * again, ends with exactly the source's rows — the cursor only moves with a committed version,
 * the next run reads again from there, and the upsert by primary key absorbs rows read twice.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { datasetAdmin } from '../../../src/catalog/index.ts';
import { loadConfig, SYSTEM } from '../../../src/kernel/index.ts';
import { departments } from '../../../src/identity/index.ts';
import { sources } from '../../../src/connectors/index.ts';
import { openPlatform, type Platform } from '../../../src/platform.ts';
import { drivers, dropSchema, TEST_SOURCES } from '../../helpers/platform.ts';
import { idCard, mysqlConn, PEOPLE_FIELDS, uniq } from '../../helpers/sources.ts';

const ROWS = 12_000;

interface Child {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  waitLine(re: RegExp, timeoutMs?: number): Promise<string>;
}

function startChild(args: object): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'sources-child.ts'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.re.test(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(line));
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc, lines, exited,
    waitLine(re, timeoutMs = 60_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`child: no line ${re} (stderr: ${err.slice(-2000)})`)), timeoutMs);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
        void exited.then(() => setTimeout(() => reject(new Error(`child exited before ${re}; stderr: ${err.slice(-2000)}`)), 100));
      });
    },
  };
}

const stamp = (i: number, base = '2024-01-01T00:00:00Z') => new Date(Date.parse(base) + i * 1000).toISOString().replace('T', ' ').replace('Z', '');

for (const driver of drivers()) {
  describe(`a sync killed mid-way (${driver})`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-crash-'));
    const url = driver === 'pg' ? process.env.GOVHUB_TEST_DATABASE_URL : undefined;
    const schema = url ? `t_crash_${process.pid}_${Date.now().toString(36)}` : undefined;
    const table = uniq('gh_crash');
    const open = () => openPlatform(loadConfig({ dataDir: dir, databaseUrl: url, secretKey: 'test-secret', duckdbThreads: 1, ...TEST_SOURCES }, {}), { log: pino({ level: 'silent' }), schema });

    after(async () => {
      const my = await mysqlConn();
      await my.query(`DROP TABLE IF EXISTS ${table}`);
      await my.end();
      if (url && schema) await dropSchema(schema, url);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function lakeVsSource(p: Platform, datasetId: string) {
      const v = (await p.lake.version(datasetId))!;
      const lake = await p.dataLake.query<{ id: number; name: string; amount: number; updated_at: string }>(
        `SELECT id, name, CAST(amount AS DOUBLE) AS amount, strftime(updated_at, '%Y-%m-%d %H:%M:%S') AS updated_at FROM ${p.dataLake.scanSql(v)} ORDER BY id`);
      const my = await mysqlConn();
      const [rows] = await my.query(`SELECT id, name, CAST(amount AS DOUBLE) AS amount, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s') AS updated_at FROM ${table} ORDER BY id`);
      await my.end();
      return { lake: lake.map((r) => ({ ...r, id: Number(r.id) })), source: (rows as typeof lake).map((r) => ({ ...r, id: Number(r.id), amount: Number(r.amount) })) };
    }

    test('incremental: killed after two committed batches, changed at the source, restarted → exactly the source rows', async () => {
      const my = await mysqlConn();
      await my.query(`CREATE TABLE ${table} (id BIGINT PRIMARY KEY, name VARCHAR(50), id_card VARCHAR(20), amount DECIMAL(12,2), updated_at DATETIME(3), KEY (updated_at))`);
      const rows = Array.from({ length: ROWS }, (_, k) => [k + 1, `居民${k + 1}`, idCard(k + 1), ((k + 1) * 1.5).toFixed(2), stamp(k + 1)]);
      for (let i = 0; i < rows.length; i += 5000) await my.query(`INSERT INTO ${table} VALUES ?`, [rows.slice(i, i + 5000)]);

      let p = await open();
      const d = await departments.create(p, SYSTEM, { code: 'crash', name: '崩溃测试局', regionCode: '110000' });
      const ds = await datasetAdmin.create(p, SYSTEM, { code: 'crash_people', name: 'crash', departmentId: d.id, primaryKey: ['id'], fields: PEOPLE_FIELDS });
      const src = await sources.create(p, SYSTEM, {
        name: 'crash', datasetCode: 'crash_people', kind: 'mysql',
        settings: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test', table, mode: 'incremental', cursorColumn: 'updated_at', batchRows: 1500, throttleRowsPerSecond: 6000 },
      });
      await p.close();
      const args = { dataDir: dir, sourceId: src.id, datasetId: ds.id, databaseUrl: url, schema };

      // 1. killed while reading the third batch (two versions committed)
      const first = startChild(args);
      await first.waitLine(/^committed 2$/, 90_000);
      first.proc.kill('SIGKILL');
      await first.exited;
      assert.ok(!first.lines.some((l) => l.startsWith('done')), 'the first run was killed before it finished');

      // 2. the source changes meanwhile: new rows, and rows already synced are updated
      await my.query(`INSERT INTO ${table} VALUES ?`, [Array.from({ length: 300 }, (_, k) => [ROWS + k + 1, `新居民${k}`, idCard(ROWS + k + 1), '1.00', stamp(ROWS + k + 1)])]);
      await my.query(`UPDATE ${table} SET name = concat(name, '*'), amount = amount + 1, updated_at = '2025-06-01 00:00:00' WHERE id <= 50 OR id BETWEEN 2990 AND 3010`);
      await my.end();

      // 3. started again: it resumes from the committed cursor and finishes
      const second = startChild(args);
      const done = JSON.parse((await second.waitLine(/^done /, 120_000)).slice(5));
      await second.exited;
      assert.equal(done.status, 'succeeded', done.error);
      assert.ok(done.cursorFrom, 'the second run started from a stored cursor');
      assert.ok(done.rowsRead < ROWS + 300, `the second run read ${done.rowsRead} rows, not everything again`);

      p = await open();
      try {
        const { lake, source } = await lakeVsSource(p, ds.id);
        assert.equal(lake.length, ROWS + 300);
        assert.deepEqual(lake, source);
        const runs = await sources.runs(p, SYSTEM, src.id, { limit: 10, offset: 0 });
        assert.equal(runs.total, 2);
        const killed = runs.items.find((r) => r.id !== done.id)!;
        assert.equal(killed.status, 'failed');
        assert.match(killed.error ?? '', /interrupted/);
        assert.equal((await sources.get(p, SYSTEM, src.id)).state.cursor, '2025-06-01 00:00:00.000');
      } finally {
        await p.close();
      }
    });

    test('full: killed while reading, restarted → exactly the source rows', async () => {
      let p = await open();
      const d = await departments.list(p, SYSTEM, { limit: 10, offset: 0 });
      await datasetAdmin.create(p, SYSTEM, { code: 'crash_full', name: 'crash full', departmentId: d.items.find((x) => x.code === 'crash')!.id, primaryKey: ['id'], fields: PEOPLE_FIELDS });
      const ds = (await p.db.one<{ id: string }>(`SELECT id FROM datasets WHERE code = 'crash_full'`))!;
      const src = await sources.create(p, SYSTEM, {
        name: 'crash-full', datasetCode: 'crash_full', kind: 'mysql',
        settings: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test', table, mode: 'full', throttleRowsPerSecond: 5000 },
      });
      await p.close();
      const args = { dataDir: dir, sourceId: src.id, datasetId: ds.id, databaseUrl: url, schema };
      const first = startChild(args);
      await first.waitLine(/^started$/, 60_000);
      await new Promise((r) => setTimeout(r, 1500));
      first.proc.kill('SIGKILL');
      await first.exited;
      assert.ok(!first.lines.some((l) => l.startsWith('committed')), 'killed before anything was committed');
      const second = startChild({ ...args });
      const done = JSON.parse((await second.waitLine(/^done /, 120_000)).slice(5));
      await second.exited;
      assert.equal(done.status, 'succeeded', done.error);
      p = await open();
      try {
        const { lake, source } = await lakeVsSource(p, ds.id);
        assert.deepEqual(lake, source);
        // nothing the killed writer staged is left behind
        assert.deepEqual(fs.readdirSync(path.join(dir, 'ingest', 'sources', src.id)), []);
      } finally {
        await p.close();
      }
    });
  });
}
