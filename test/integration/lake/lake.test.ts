import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../../src/control/index.ts';
import { newId } from '../../../src/kernel/index.ts';
import { Lake, LakeStageError, type VersionInfo } from '../../../src/lake/index.ts';
import { drivers } from '../../helpers/platform.ts';
import { addDataset, addDepartment, killWriter, openControl, openLakeEnv, stagedFiles, tempDir, type LakeEnv } from '../../helpers/lake.ts';

const gen = (from: number, to: number, tag = 'v') => ({ sql: `SELECT i AS id, '${tag}' || i AS name FROM range(${from}, ${to}) t(i)` });

async function content(lake: Lake, v: VersionInfo) {
  const [r] = await lake.query<{ n: number; s: number; h: string }>(
    `SELECT count(*) AS n, coalesce(sum(id), 0) AS s, coalesce(md5(string_agg(name, ',' ORDER BY id)), '') AS h FROM ${lake.scanSql(v)}`,
  );
  return r;
}

function lakeEntries(dataDir: string, datasetId: string): string[] {
  const dir = path.join(dataDir, 'lake', datasetId);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

async function intents(db: Db, datasetId: string) {
  return db.query<{ write_id: string; pid: number; host: string }>('SELECT write_id, pid, host FROM lake_write_intents WHERE dataset_id = $1', [datasetId]);
}

for (const driver of drivers()) {
  describe(`lake (${driver})`, () => {
    let env: LakeEnv;
    let lake: Lake;
    const dataset = (pk: string[] = []) => addDataset(env.db, env.departmentId, pk);

    before(async () => {
      env = await openLakeEnv(driver);
      lake = env.lake;
    });
    after(() => env.close());

    test('append adds files to the parent list without rewriting; every version stays readable with its own schema', async () => {
      const ds = await dataset();
      const v1 = await lake.write({ datasetId: ds, mode: 'append', from: { sql: gen(0, 100).sql + ' -- a trailing comment;' }, jobId: newId(), actorId: newId() });
      assert.equal(v1.version, 1);
      assert.equal(v1.parentVersion, null);
      assert.equal(v1.rowCount, 100);
      assert.equal(v1.rowsAdded, 100);
      assert.match(v1.files[0].path, new RegExp(`^lake/${ds}/v1_[0-9a-f-]+/data_0\\.parquet$`));
      assert.ok(v1.jobId && v1.createdBy && !Number.isNaN(Date.parse(v1.createdAt)));

      const v2 = await lake.write({ datasetId: ds, mode: 'append', from: { rows: [{ id: 100, name: 'v100', city: '杭州' }] } });
      assert.equal(v2.parentVersion, 1);
      assert.deepEqual(v2.files.slice(0, v1.files.length), v1.files, 'parent files are referenced, not rewritten');
      assert.equal(v2.files.length, v1.files.length + 1);
      assert.equal(v2.rowCount, 101);
      assert.equal(v2.rowsAdded, 1);
      assert.deepEqual(v1.schema.map((c) => c.name), ['id', 'name']);
      assert.deepEqual(v2.schema, [...v1.schema, { name: 'city', type: 'VARCHAR' }]);

      assert.deepEqual(await lake.query(`SELECT count(*) AS n, count(city) AS c FROM ${lake.scanSql(v2)}`), [{ n: 101, c: 1 }]);
      assert.deepEqual(await lake.query(`SELECT count(*) AS n FROM ${lake.scanSql(v1)}`), [{ n: 100 }]);
      assert.deepEqual((await lake.versions(ds)).map((v) => v.version), [2, 1]);
      assert.deepEqual(await lake.version(ds), v2);
      assert.deepEqual(await lake.version(ds, 1), v1);
      assert.equal(await lake.version(ds, 7), undefined);
      assert.equal(await lake.version('not-a-uuid'), undefined);
      assert.equal((await env.db.one<{ current_version: number }>('SELECT current_version FROM datasets WHERE id = $1', [ds]))!.current_version, 2);
    });

    test('replace keeps only the new files, written with ZSTD in 122,880-row groups; the old version stays readable', async () => {
      const ds = await dataset();
      const v1 = await lake.write({ datasetId: ds, mode: 'append', from: gen(0, 10) });
      const v2 = await lake.write({ datasetId: ds, mode: 'replace', from: gen(0, 300_000, 'r') });
      assert.equal(v2.rowCount, 300_000);
      assert.ok(v2.files.every((f) => !v1.files.some((g) => g.path === f.path)));
      assert.ok(v2.files.every((f) => fs.statSync(path.join(env.dataDir, f.path)).size === f.bytes));
      const files = v2.files.map((f) => `'${path.join(env.dataDir, f.path)}'`).join(', ');
      const meta = await lake.query<{ groups: number; maxrows: number; codecs: string }>(
        `SELECT count(DISTINCT row_group_id) AS groups, max(row_group_num_rows) AS maxrows, string_agg(DISTINCT compression, ',') AS codecs FROM parquet_metadata([${files}])`,
      );
      assert.deepEqual(meta, [{ groups: 3, maxrows: 122_880, codecs: 'ZSTD' }]);
      assert.equal((await content(lake, v1)).n, 10);
      assert.equal((await content(lake, v2)).n, 300_000);

      const empty = await lake.write({ datasetId: ds, mode: 'replace', from: { sql: 'SELECT * FROM range(0) t(id)' } });
      assert.deepEqual(empty.files, []);
      assert.equal(empty.rowCount, 0);
      assert.deepEqual(empty.schema, [{ name: 'id', type: 'BIGINT' }]);
      assert.deepEqual(await lake.query(`SELECT count(*) AS n FROM ${lake.scanSql(empty)}`), [{ n: 0 }]);
      assert.deepEqual(await lake.query(`DESCRIBE SELECT * FROM ${lake.scanSql(empty)}`).then((r) => r.map((c) => c.column_type)), ['BIGINT']);
    });

    test('upsert: the last occurrence of a key in a batch wins, parent rows with that key are replaced, untouched files are carried over', async () => {
      const ds = await dataset(['id']);
      const v1 = await lake.write({ datasetId: ds, mode: 'append', from: gen(0, 1000, 'a') });
      const v2 = await lake.write({ datasetId: ds, mode: 'append', from: gen(1000, 2000, 'b') });
      const v3 = await lake.write({
        datasetId: ds,
        mode: 'upsert',
        from: { rows: [{ id: 5, name: 'x1' }, { id: 5, name: 'x2' }, { id: 3000, name: 'new' }, { id: 5, name: 'x3' }] },
      });
      assert.equal(v3.mode, 'upsert');
      assert.equal(v3.rowCount, 2001);
      assert.equal(v3.rowsAdded, 2);
      assert.ok(v3.files.some((f) => f.path === v2.files.at(-1)!.path), 'the file without hits is carried over');
      assert.ok(!v3.files.some((f) => f.path === v1.files[0].path), 'the file with a hit is rewritten');
      const rows = await lake.query<{ id: number; name: string }>(`SELECT id, name FROM ${lake.scanSql(v3)} WHERE id IN (4, 5, 1500, 3000) ORDER BY id`);
      assert.deepEqual(rows, [{ id: 4, name: 'a4' }, { id: 5, name: 'x3' }, { id: 1500, name: 'b1500' }, { id: 3000, name: 'new' }]);
      assert.deepEqual(await lake.query(`SELECT count(*) AS n, count(DISTINCT id) AS d FROM ${lake.scanSql(v3)}`), [{ n: 2001, d: 2001 }]);
      assert.deepEqual(await lake.query(`SELECT name FROM ${lake.scanSql(v2)} WHERE id = 5`), [{ name: 'a5' }], 'v2 is unchanged');

      // a large batch with a composite key and many duplicates: the last row of each key wins
      const ck = await dataset(['a', 'b']);
      await lake.write({ datasetId: ck, mode: 'append', from: { sql: 'SELECT i % 10 AS a, i // 10 AS b, -1 AS seq FROM range(2000) t(i)' } });
      const big = await lake.write({
        datasetId: ck,
        mode: 'upsert',
        from: { sql: 'SELECT i % 10 AS a, (i // 10) % 150 AS b, i AS seq FROM range(300000) t(i)' },
      });
      assert.equal(big.rowsAdded, 1500);
      assert.equal(big.rowCount, 2000);
      const wrong = await lake.query(
        `SELECT count(*) AS n FROM ${lake.scanSql(big)} s WHERE b < 150 AND seq <> (SELECT max(i) FROM range(300000) t(i) WHERE i % 10 = s.a AND (i // 10) % 150 = s.b)`,
      );
      assert.deepEqual(wrong, [{ n: 0 }]);
      assert.deepEqual(await lake.query(`SELECT count(*) AS n FROM ${lake.scanSql(big)} WHERE seq = -1`), [{ n: 500 }]);
    });

    test('upsert refuses NULL and missing keys, and a dataset without a key', async () => {
      const ds = await dataset(['id']);
      await lake.write({ datasetId: ds, mode: 'append', from: gen(0, 10) });
      await assert.rejects(lake.write({ datasetId: ds, mode: 'upsert', from: { rows: [{ id: null, name: 'x' }] } }), (e: LakeStageError) => e.stage === 'key' && /NULL key/.test(e.message));
      await assert.rejects(lake.write({ datasetId: ds, mode: 'upsert', from: { rows: [{ name: 'x' }] } }), (e: LakeStageError) => e.stage === 'key' && /id/.test(e.message));
      const nokey = await dataset();
      await assert.rejects(lake.write({ datasetId: nokey, mode: 'upsert', from: gen(0, 1) }), /primary key/);
      const withKey = await lake.write({ datasetId: nokey, mode: 'upsert', primaryKey: ['id'], from: gen(0, 3) });
      assert.equal(withKey.rowCount, 3);
      assert.equal((await lake.version(ds))!.version, 1);
      assert.deepEqual(await intents(env.db, ds), []);
    });

    test('pushed rows keep the types of the parent version; parquet files can be the source', async () => {
      const ds = await dataset(['id_number']);
      const v1 = await lake.write({
        datasetId: ds,
        mode: 'append',
        from: { sql: `SELECT '330102199001011234' AS id_number, DATE '1990-01-01' AS birth_date, 1234.50::DECIMAL(12,2) AS income, 3::INTEGER AS n` },
      });
      const v2 = await lake.write({
        datasetId: ds,
        mode: 'upsert',
        from: { rows: [{ id_number: '330102199001011234', birth_date: '1990-01-02', income: 99, n: 4n }, { id_number: '330102199202021234', birth_date: null, income: 1.25, n: null }] },
      });
      assert.deepEqual(v2.schema, v1.schema);
      assert.deepEqual(await lake.query(`SELECT * FROM ${lake.scanSql(v2)} ORDER BY id_number`), [
        { id_number: '330102199001011234', birth_date: '1990-01-02', income: 99, n: 4 },
        { id_number: '330102199202021234', birth_date: null, income: 1.25, n: null },
      ]);

      const file = path.join(env.dataDir, 'outside.parquet');
      await lake.query(`COPY (SELECT '330102199303031234' AS id_number, 7 AS n) TO '${file}' (FORMAT parquet)`);
      const v3 = await lake.write({ datasetId: ds, mode: 'append', from: { parquet: [file] } });
      assert.equal(v3.rowCount, 3);
      assert.deepEqual(await lake.query(`SELECT n FROM ${lake.scanSql(v3)} WHERE id_number = '330102199303031234'`), [{ n: 7 }]);
      const v4 = await lake.write({ datasetId: ds, mode: 'append', from: { rows: [] } });
      assert.equal(v4.rowCount, 3);
      assert.equal(v4.rowsAdded, 0);
    });

    test('a failed SELECT of new rows names its stage, carries its SQL, commits nothing and leaves no files', async () => {
      const ds = await dataset();
      const v1 = await lake.write({ datasetId: ds, mode: 'append', from: gen(0, 10) });
      const before = lakeEntries(env.dataDir, ds);
      const bad = 'SELECT no_such_column FROM range(3)';
      await assert.rejects(lake.write({ datasetId: ds, mode: 'append', from: { sql: bad } }), (e: unknown) => {
        assert.ok(e instanceof LakeStageError);
        assert.match(e.message, /^lake\.write: stage from failed: .*no_such_column/s);
        assert.equal(e.stage, 'from');
        assert.match(e.sql!, /no_such_column/);
        return true;
      });
      // binds, then fails while running
      await assert.rejects(lake.write({ datasetId: ds, mode: 'replace', from: { sql: `SELECT CAST('x' || i AS INTEGER) AS id FROM range(10) t(i)` } }), (e: LakeStageError) => e.stage === 'write' && /COPY/.test(e.sql!));
      await assert.rejects(lake.write({ datasetId: ds, mode: 'append', from: gen(0, 1), setup: async () => { throw new Error('no temp table'); } }), /stage setup failed: no temp table/);
      await assert.rejects(lake.write({ datasetId: newId(), mode: 'append', from: gen(0, 1) }), /not found/);
      assert.deepEqual(await lake.version(ds), v1);
      assert.deepEqual(lakeEntries(env.dataDir, ds), before, 'no staging directory, no new version directory');
      assert.deepEqual(await intents(env.db, ds), []);
    });

    test('onCommit runs in the manifest transaction: its writes commit with the version, and its failure undoes the version', async () => {
      await env.db.exec('CREATE TABLE IF NOT EXISTS lake_test_events (dataset_id uuid, version int)');
      const ds = await dataset();
      const v1 = await lake.write({
        datasetId: ds,
        mode: 'append',
        from: gen(0, 5),
        setup: async (run) => void (await run.run('setup', 'CREATE TEMP TABLE src AS SELECT 1')),
        onCommit: async (tx, v) => void (await tx.query('INSERT INTO lake_test_events VALUES ($1, $2)', [v.datasetId, v.version])),
      });
      assert.deepEqual(await env.db.query('SELECT version FROM lake_test_events WHERE dataset_id = $1', [ds]), [{ version: 1 }]);
      const before = lakeEntries(env.dataDir, ds);
      await assert.rejects(
        lake.write({
          datasetId: ds,
          mode: 'append',
          from: gen(5, 10),
          onCommit: async (tx, v) => {
            await tx.query('INSERT INTO lake_test_events VALUES ($1, $2)', [v.datasetId, v.version]);
            throw new Error('audit refused');
          },
        }),
        (e: LakeStageError) => e.stage === 'commit' && /audit refused/.test(e.message),
      );
      assert.deepEqual(await lake.version(ds), v1);
      assert.deepEqual(await env.db.query('SELECT version FROM lake_test_events WHERE dataset_id = $1', [ds]), [{ version: 1 }]);
      assert.deepEqual(lakeEntries(env.dataDir, ds), before, 'the published files of the undone version are removed');
      const v2 = await lake.write({ datasetId: ds, mode: 'append', from: gen(5, 10) });
      assert.equal(v2.version, 2, 'no gap after an undone version');
    });

    test('20 parallel appends on one dataset are serialised: versions 1..20 without gaps, no row lost', async () => {
      const ds = await dataset();
      const n = 20;
      const out = await Promise.all(Array.from({ length: n }, (_, i) => lake.write({ datasetId: ds, mode: 'append', from: gen(i * 100, i * 100 + 100) })));
      assert.deepEqual(out.map((v) => v.version).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i + 1));
      const cur = (await lake.version(ds))!;
      assert.equal(cur.version, n);
      assert.ok(cur.files.length < n, `small appends are compacted (${cur.files.length} files)`);
      assert.deepEqual(await lake.query(`SELECT count(*) AS n, count(DISTINCT id) AS d, sum(id) AS s FROM ${lake.scanSql(cur)}`), [
        { n: n * 100, d: n * 100, s: ((n * 100 - 1) * n * 100) / 2 },
      ]);
      for (const v of await lake.versions(ds)) assert.equal(v.parentVersion, v.version === 1 ? null : v.version - 1);
    });

    test('many small appends are compacted: few files, every row kept, older versions read as before', async () => {
      const ds = await dataset();
      const n = 100;
      const before: Record<number, Awaited<ReturnType<typeof content>>> = {};
      for (let i = 0; i < n; i++) {
        const v = await lake.write({ datasetId: ds, mode: 'append', from: gen(i * 10, i * 10 + 10, 'm') });
        assert.equal(v.rowsAdded, 10, 'compaction does not count as added rows');
        if (v.version % 25 === 0) before[v.version] = await content(lake, v);
      }
      const cur = (await lake.version(ds))!;
      assert.ok(cur.files.length <= 16, `version ${n} reads ${cur.files.length} files`);
      assert.ok(cur.files.some((f) => f.path.includes('/compacted/')), 'folded files live under compacted/');
      assert.deepEqual(await content(lake, cur), { n: n * 10, s: ((n * 10 - 1) * n * 10) / 2, h: before[n]!.h });
      assert.equal(cur.rowCount, n * 10);
      // every file of every version is still there, and each older version reads exactly as when it was written
      assert.deepEqual((await lake.cleanupOrphans(ds)).removed, []);
      for (const [version, c] of Object.entries(before)) assert.deepEqual(await content(lake, (await lake.version(ds, Number(version)))!), c);
      const manifests = await lake.versions(ds);
      assert.ok(Math.max(...manifests.map((v) => v.files.length)) <= 16, 'no manifest lists more than 16 files');
    });

    test('the sweep of all datasets skips one being written instead of waiting for it', async () => {
      const ds = await dataset();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inSetup = new Promise<void>((r) => (entered = r));
      const write = lake.write({ datasetId: ds, mode: 'append', from: gen(0, 10), setup: async () => { entered(); await gate; } });
      await inSetup;
      const swept = await Promise.race([lake.cleanupOrphans(), new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      assert.ok(swept, 'the sweep returned while the write held its lock');
      assert.ok(swept.skipped.includes(ds), 'the dataset being written was skipped');
      if (driver === 'pg') {
        // another server (its own pool and sessions) finds the PostgreSQL advisory lock taken too
        const other = await openControl('pg');
        try {
          assert.deepEqual(await other.db.tryLock(`lake:${ds}`, async () => 'ran'), { ran: false });
        } finally {
          await other.drop();
        }
      }
      release();
      assert.equal((await write).rowCount, 10);
      const again = await lake.cleanupOrphans();
      assert.ok(!again.skipped.includes(ds));
      assert.deepEqual((await lake.cleanupOrphans(ds)).removed, []);
    });

    test('writers on different datasets run at the same time; on one dataset one after another', async () => {
      const [a, b] = [await dataset(), await dataset()];
      const spans: Record<string, [number, number]> = {};
      const slow = (ds: string, tag: string) =>
        lake.write({
          datasetId: ds,
          mode: 'append',
          from: gen(0, 10),
          setup: async () => {
            const t0 = Date.now();
            await new Promise((r) => setTimeout(r, 300));
            spans[tag] = [t0, Date.now()];
          },
        });
      await Promise.all([slow(a, 'a1'), slow(b, 'b1'), slow(a, 'a2')]);
      const overlap = (x: [number, number], y: [number, number]) => x[0] < y[1] && y[0] < x[1];
      assert.ok(overlap(spans.a1, spans.b1), 'different datasets overlap');
      assert.ok(!overlap(spans.a1, spans.a2), 'same dataset does not');
    });

    test('cleanupOrphans removes what dead or stale writers left, and keeps what a live writer may still own', async () => {
      const ds = await dataset();
      const v1 = await lake.write({ datasetId: ds, mode: 'append', from: gen(0, 50) });
      const dir = path.join(env.dataDir, 'lake', ds);
      const make = (rel: string, ageMs = 0) => {
        const f = path.join(dir, rel, 'data_0.parquet');
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, 'partial');
        const t = new Date(Date.now() - ageMs);
        for (let p = f; p !== dir; p = path.dirname(p)) fs.utimesSync(p, t, t);
      };
      const intent = (writeId: string, pid: number, host?: string) =>
        env.db.query(`INSERT INTO lake_write_intents (write_id, dataset_id, version, host, pid) VALUES ($1, $2, 2, coalesce($3, $4), $5)`, [
          writeId, ds, host ?? null, (os.hostname()), pid,
        ]);
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      const live = spawn('sleep', ['30']);
      try {
        const ids = { stale: newId(), young: newId(), deadPub: newId(), deadStaging: newId(), livePub: newId(), otherHost: newId(), gone: newId() };
        make(`_staging/${ids.stale}/out`, 60 * 60_000);
        make(`_staging/${ids.young}/out`);
        make(`v2_${ids.deadPub}`);
        make(`_staging/${ids.deadStaging}`);
        make(`v2_${ids.livePub}`);
        make(`_staging/${ids.otherHost}`);
        await intent(ids.deadPub, dead);
        await intent(ids.deadStaging, dead);
        await intent(ids.livePub, live.pid!);
        await intent(ids.otherHost, 1, 'another-host');
        await intent(ids.gone, dead);
        const { removed } = await lake.cleanupOrphans();
        const mine = removed.filter((r) => r.startsWith(`lake/${ds}/`)).sort();
        assert.deepEqual(mine, [`lake/${ds}/_staging/${ids.deadStaging}`, `lake/${ds}/_staging/${ids.stale}`, `lake/${ds}/v2_${ids.deadPub}`].sort());
        assert.deepEqual(lakeEntries(env.dataDir, ds), ['_staging', path.dirname(v1.files[0].path).split('/').pop()!, `v2_${ids.livePub}`].sort());
        assert.deepEqual(fs.readdirSync(path.join(dir, '_staging')).sort(), [ids.otherHost, ids.young].sort());
        assert.deepEqual((await intents(env.db, ds)).map((i) => i.write_id).sort(), [ids.livePub, ids.otherHost].sort());
        assert.equal((await content(lake, (await lake.version(ds))!)).n, 50, 'committed files are never touched');
      } finally {
        live.kill('SIGKILL');
      }
    });

    test('query returns plain JS values; DuckDB downloads nothing', async () => {
      const [r] = await lake.query(
        `SELECT 1::BIGINT AS a, 9007199254740993::BIGINT AS b, DATE '2024-01-02' AS d, TIMESTAMP '2024-01-02 03:04:05' AS ts,
                TIMESTAMPTZ '2024-01-02 03:04:05+08' AS tz, 12.34::DECIMAL(10,2) AS m, [1, 2] AS l, {'k': 1::HUGEINT} AS s, $1::VARCHAR AS p, $2::INTEGER + 1 AS q`,
        ['参数', 41],
      );
      assert.deepEqual(r, { a: 1, b: '9007199254740993', d: '2024-01-02', ts: '2024-01-02T03:04:05.000Z', tz: '2024-01-01T19:04:05.000Z', m: 12.34, l: [1, 2], s: { k: 1 }, p: '参数', q: 42 });
      assert.deepEqual(await lake.query('SELECT list_sum($1) AS s, $2::JSON ->> $3 AS j, $4 AS d', [[1, 2, 3], { k: '值' }, 'k', new Date('2024-01-02T00:00:00Z')]), [
        { s: 6, j: '值', d: '2024-01-02T00:00:00.000Z' },
      ]);
      await assert.rejects(lake.query('SELECT * FROM no_such_table'), (e: LakeStageError) => e.sql === 'SELECT * FROM no_such_table' && /lake\.query/.test(e.message));
      const settings = await lake.query<{ name: string; value: string }>(
        `SELECT name, value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions', 'autoload_known_extensions') ORDER BY name`,
      );
      assert.deepEqual(settings.map((s) => s.value), ['false', 'false']);
      const loaded = (await lake.query<{ e: string }>(`SELECT extension_name AS e FROM duckdb_extensions() WHERE loaded`)).map((x) => x.e);
      assert.ok(loaded.every((e) => ['core_functions', 'icu', 'json', 'parquet', 'autocomplete'].includes(e)), loaded.join());
      assert.deepEqual(await lake.query(`SELECT mask_phone('13812345678') AS p`), [{ p: '138****5678' }]);
    });

    test('each process spills to its own DuckDB temp directory; those of dead processes are removed', async () => {
      const dataDir = tempDir();
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      const stale = path.join(dataDir, 'tmp', `duckdb-${os.hostname()}-${dead}`);
      const foreign = path.join(dataDir, 'tmp', `duckdb-another-host-${dead}`);
      for (const d of [stale, foreign]) fs.mkdirSync(d, { recursive: true });
      const l = await Lake.open({ dataDir, db: env.db, threads: 1, memoryLimit: '256MB' });
      const mine = path.join(dataDir, 'tmp', `duckdb-${os.hostname()}-${process.pid}`);
      assert.ok(!fs.existsSync(stale) && fs.existsSync(foreign) && fs.existsSync(mine));
      assert.deepEqual(await l.query(`SELECT current_setting('temp_directory') AS t, current_setting('memory_limit') AS m`), [{ t: mine, m: '244.1 MiB' }]);
      await l.close();
      assert.ok(!fs.existsSync(mine));
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test('a writer killed mid-write leaves the previous version current and readable; cleanupOrphans removes its files', async () => {
      const dataDir = tempDir();
      const pgliteDir = driver === 'pglite' ? path.join(dataDir, 'control') : undefined;
      let control = driver === 'pglite' ? await openControl('pglite', pgliteDir) : { db: env.db, drop: async () => {} };
      const dept = driver === 'pglite' ? await addDepartment(control.db) : env.departmentId;
      const ds = await addDataset(control.db, dept);
      let l = await Lake.open({ dataDir, db: control.db, threads: 2 });
      const v1 = await l.write({ datasetId: ds, mode: 'replace', from: gen(0, 1000, 'keep') });
      const expected = await content(l, v1);
      const args = { dataDir, datasetId: ds, pgliteDir, databaseUrl: driver === 'pg' ? process.env.GOVHUB_TEST_DATABASE_URL : undefined, schema: env.schema };
      // PGlite on disk belongs to one process at a time: hand it to the writer, take it back after the kill
      const handOver = async () => {
        if (driver !== 'pglite') return;
        await l.close();
        await control.db.close();
      };
      const takeBack = async () => {
        if (driver !== 'pglite') return;
        control = await openControl('pglite', pgliteDir);
        l = await Lake.open({ dataDir, db: control.db, threads: 2 });
      };
      try {
        // 1. killed while staging Parquet files
        await handOver();
        const killed = await killWriter({ ...args, stage: 'staging', rows: 3_000_000 });
        await takeBack();
        const cur = (await l.version(ds))!;
        assert.deepEqual(cur, v1, 'the previous version is still current');
        assert.deepEqual(await content(l, cur), expected, 'and reads exactly as before');
        assert.ok(stagedFiles(dataDir, ds).length > 0, 'the killed writer left staged files');
        assert.deepEqual((await intents(control.db, ds)).map((i) => i.pid), [killed.pid]);
        let { removed } = await l.cleanupOrphans(ds);
        assert.equal(removed.length, 1);
        assert.match(removed[0], new RegExp(`^lake/${ds}/_staging/`));
        assert.deepEqual(lakeEntries(dataDir, ds), [path.dirname(v1.files[0].path).split('/').pop()]);
        assert.deepEqual(await intents(control.db, ds), []);

        // 2. killed inside the commit transaction, after its files were moved into place
        await handOver();
        await killWriter({ ...args, stage: 'commit', rows: 5000 });
        await takeBack();
        assert.deepEqual(await l.version(ds), v1);
        assert.deepEqual(await content(l, v1), expected);
        assert.equal(lakeEntries(dataDir, ds).filter((e) => e.startsWith('v2_')).length, 1, 'the published but uncommitted version directory is there');
        ({ removed } = await l.cleanupOrphans());
        assert.equal(removed.length, 1);
        assert.match(removed[0], new RegExp(`^lake/${ds}/v2_`));
        assert.deepEqual(lakeEntries(dataDir, ds), [path.dirname(v1.files[0].path).split('/').pop()]);

        const v2 = await l.write({ datasetId: ds, mode: 'append', from: gen(1000, 1010) });
        assert.equal(v2.version, 2);
        assert.equal(v2.rowCount, 1010);
      } finally {
        await l.close();
        if (driver === 'pglite') await control.db.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
