/**
 * Database connectors against the real MariaDB and PostgreSQL on this machine: full and
 * incremental sync, parallel split, passwords at rest, read-only queries, schedules, run history
 * and failure notices, and object-level permissions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CONNECT_FAILED, startSources } from '../../../src/connectors/index.ts';
import { login } from '../../helpers/server.ts';
import { drivers, type TestPlatform } from '../../helpers/platform.ts';
import { idCard, lakeRows, mysqlConn, openSourcesApp, PASSWORD, peopleDataset, pgConn, seedOrg, uniq, waitFor, type Org } from '../../helpers/sources.ts';

const N = 1200;
const BAD = (i: number) => i % 100 === 7; // rows with an invalid ID card number

function person(i: number, stamp = '2024-01-01 00:00:00') {
  const t = new Date(Date.parse(`${stamp}Z`) + i * 1000).toISOString().replace('T', ' ').replace('Z', '');
  return [i, `居民${i}`, BAD(i) ? `BAD${i}` : idCard(i), (i * 1.5).toFixed(2), t];
}

for (const driver of drivers()) describe(`database sources (${driver})`, () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let org: Org;
  let admin: { authorization: string };
  let offA: { authorization: string };
  let offB: { authorization: string };
  let my: Awaited<ReturnType<typeof mysqlConn>>;
  let pgc: Awaited<ReturnType<typeof pgConn>>;
  const myTable = uniq('gh_people');
  const pgTable = uniq('gh_people');

  before(async () => {
    ({ p, app, close } = await openSourcesApp(driver));
    org = await seedOrg(p);
    admin = await login(app);
    offA = await login(app, 'officer_a', PASSWORD);
    offB = await login(app, 'officer_b', PASSWORD);
    my = await mysqlConn();
    await my.query(`CREATE TABLE ${myTable} (id BIGINT PRIMARY KEY, name VARCHAR(50), id_card VARCHAR(20), amount DECIMAL(12,2), updated_at DATETIME(3), KEY (updated_at))`);
    const rows = Array.from({ length: N }, (_, k) => person(k + 1));
    await my.query(`INSERT INTO ${myTable} VALUES ?`, [rows]);
    pgc = await pgConn();
    await pgc.query(`CREATE TABLE ${pgTable} (id bigint PRIMARY KEY, name text, id_card text, amount numeric(12,2), updated_at timestamptz)`);
    await pgc.query(`INSERT INTO ${pgTable} SELECT i, '居民' || i, CASE WHEN i % 100 = 7 THEN 'BAD' || i ELSE NULL END, i * 1.5, timestamptz '2024-01-01 00:00:00Z' + i * interval '1 second'
      FROM generate_series(1, ${N}) i`);
    // valid ID numbers for the rest (computed here, not in SQL)
    const ids = Array.from({ length: N }, (_, k) => k + 1).filter((i) => !BAD(i));
    await pgc.query(`UPDATE ${pgTable} t SET id_card = v.c FROM unnest($1::bigint[], $2::text[]) AS v(i, c) WHERE t.id = v.i`, [ids, ids.map(idCard)]);
  });

  after(async () => {
    await my?.query(`DROP TABLE IF EXISTS ${myTable}`);
    await my?.end();
    await pgc?.query(`DROP TABLE IF EXISTS ${pgTable}`);
    await pgc?.end();
    await close?.();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, auth: { authorization: string }, payload?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: auth, payload: payload as never });

  const mysqlSource = (name: string, dataset: string, settings: Record<string, unknown>) => ({
    name, datasetCode: dataset, kind: 'mysql', password: '',
    settings: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test', table: myTable, ...settings },
  });

  test('full sync of a MariaDB table through the ingest pipeline; the password is never returned', async () => {
    await peopleDataset(p, 'src_full', org.deptA);
    const res = await api('POST', '/sources', offA, { ...mysqlSource('人口库', 'src_full', { mode: 'full' }), password: 'not-really-used' });
    assert.equal(res.statusCode, 201, res.body);
    const src = res.json();
    assert.equal(src.hasPassword, true);
    assert.ok(!res.body.includes('not-really-used'));
    const stored = await p.db.one<{ secret: string }>('SELECT secret FROM sources WHERE id = $1', [src.id]);
    assert.match(stored!.secret, /^v2:/);
    assert.ok(!stored!.secret.includes('not-really-used'));
    // root has no password: clear it, then run
    assert.equal((await api('PATCH', `/sources/${src.id}`, offA, { password: null })).json().hasPassword, false);

    const run = await api('POST', `/sources/${src.id}/run?wait=true`, offA);
    assert.equal(run.statusCode, 200, run.body);
    const r = run.json();
    assert.equal(r.status, 'succeeded', r.error);
    const bad = Array.from({ length: N }, (_, k) => k + 1).filter(BAD).length;
    assert.equal(r.rowsRead, N);
    assert.equal(r.rowsAccepted, N - bad);
    assert.equal(r.rowsRejected, bad);
    assert.equal(r.versions, 1);
    const rows = await lakeRows(p, 'src_full');
    assert.equal(rows.length, N - bad);
    assert.equal(rows[0]!.name, '居民1');
    assert.equal(String(rows[0]!.updated_at).replace('T', ' ').slice(0, 19), '2024-01-01 00:00:01');
    // the rejected rows are in the job's quarantine with their reason
    const q = await api('GET', `/ingest/jobs/${r.jobIds[0]}/quarantine`, offA);
    if (q.statusCode === 200) assert.ok(q.json().items.some((e: { rule: string; field: string }) => e.field === 'id_card' && e.rule === 'standard'));
    // a second full sync replaces: same rows, one more version
    const again = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
    assert.equal(again.status, 'succeeded');
    assert.equal((await lakeRows(p, 'src_full')).length, N - bad);
    const hist = (await api('GET', `/sources/${src.id}/runs`, offA)).json();
    assert.equal(hist.total, 2);
    assert.ok(hist.items.every((x: { durationMs: number; trigger: string }) => x.durationMs >= 0 && x.trigger === 'manual'));
  });

  test('incremental sync picks up inserts and updates; the cursor is stored', async () => {
    await peopleDataset(p, 'src_inc', org.deptA);
    const src = (await api('POST', '/sources', offA, mysqlSource('人口库增量', 'src_inc', { mode: 'incremental', cursorColumn: 'updated_at', batchRows: 500 }))).json();
    const first = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
    assert.equal(first.status, 'succeeded', first.error);
    assert.equal(first.versions, 3); // 500 + 500 + 200
    assert.equal(first.cursorTo, '2024-01-01 00:20:00.000');
    const bad = Array.from({ length: N }, (_, k) => k + 1).filter(BAD).length;
    assert.equal((await lakeRows(p, 'src_inc')).length, N - bad);

    // nothing new: no version
    const idle = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
    assert.equal(idle.versions, 0);
    assert.equal(idle.rowsRead, 0);

    await my.query(`INSERT INTO ${myTable} VALUES ?`, [[person(N + 1, '2024-02-01 00:00:00'), person(N + 2, '2024-02-01 00:00:00')]]);
    await my.query(`UPDATE ${myTable} SET name = concat(name, '（已更新）'), updated_at = '2024-03-01 00:00:00' WHERE id IN (1, 2, 3)`);
    const next = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
    assert.equal(next.status, 'succeeded', next.error);
    assert.equal(next.rowsRead, 5);
    const rows = await lakeRows(p, 'src_inc');
    assert.equal(rows.length, N - bad + 2);
    assert.equal(rows.find((x) => Number(x.id) === 2)!.name, '居民2（已更新）');
    const got = (await api('GET', `/sources/${src.id}`, offA)).json();
    assert.equal(got.state.cursor, '2024-03-01 00:00:00.000');
  });

  test('a full refresh of an incremental source drops rows deleted at the source and moves the cursor', async () => {
    const t = uniq('gh_refresh');
    await my.query(`CREATE TABLE ${t} (id BIGINT PRIMARY KEY, name VARCHAR(50), id_card VARCHAR(20), amount DECIMAL(12,2), updated_at DATETIME(3), KEY (updated_at))`);
    try {
      await my.query(`INSERT INTO ${t} VALUES ?`, [Array.from({ length: 50 }, (_, k) => person(k + 1))]);
      await peopleDataset(p, 'src_refresh', org.deptA);
      const body = mysqlSource('人口库校准', 'src_refresh', { table: t, mode: 'incremental', cursorColumn: 'updated_at', refreshSchedule: '0 3 * * *' });
      // a refresh schedule belongs to incremental sources, and must be a cron expression
      const full = await api('POST', '/sources', offA, { ...body, settings: { ...body.settings, mode: 'full' } });
      assert.equal(full.statusCode, 400);
      assert.ok(full.json().errors.some((e: { field: string }) => e.field === 'settings.refreshSchedule'), full.body);
      const junk = await api('POST', '/sources', offA, { ...body, settings: { ...body.settings, refreshSchedule: 'every night' } });
      assert.equal(junk.statusCode, 400);
      const src = (await api('POST', '/sources', offA, body)).json();
      assert.equal(src.settings.refreshSchedule, '0 3 * * *');

      const first = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
      assert.deepEqual([first.status, first.mode], ['succeeded', 'incremental']);
      const good = Array.from({ length: 50 }, (_, k) => k + 1).filter((i) => !BAD(i));
      assert.deepEqual((await lakeRows(p, 'src_refresh')).map((r) => Number(r.id)), good);

      // deleted at the source: an incremental run cannot see it
      await my.query(`DELETE FROM ${t} WHERE id IN (4, 5)`);
      const inc = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
      assert.deepEqual([inc.status, inc.rowsRead], ['succeeded', 0]);
      assert.equal((await lakeRows(p, 'src_refresh')).length, good.length);

      // the full refresh reads every row, replaces the dataset and moves the cursor to the newest row
      const refresh = (await api('POST', `/sources/${src.id}/run?wait=true&full=true`, offA)).json();
      assert.deepEqual([refresh.status, refresh.mode, refresh.rowsRead, refresh.versions], ['succeeded', 'full', 48, 1], refresh.error);
      assert.deepEqual((await lakeRows(p, 'src_refresh')).map((r) => Number(r.id)), good.filter((i) => i !== 4 && i !== 5));
      assert.equal(refresh.cursorTo, '2024-01-01 00:00:50.000');
      assert.equal((await api('GET', `/sources/${src.id}`, offA)).json().state.cursor, '2024-01-01 00:00:50.000');

      // and incremental runs go on from there
      await my.query(`INSERT INTO ${t} VALUES ?`, [[person(51, '2024-02-01 00:00:00')]]);
      const after = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
      assert.deepEqual([after.status, after.mode, after.rowsRead], ['succeeded', 'incremental', 1]);
      const runs = (await api('GET', `/sources/${src.id}/runs`, offA)).json();
      assert.deepEqual(runs.items.map((r: { mode: string }) => r.mode), ['incremental', 'full', 'incremental', 'incremental']);

      // on its own schedule (every second here), the refresh runs as a full read
      const every = await api('PATCH', `/sources/${src.id}`, offA, { settings: { ...body.settings, refreshSchedule: '* * * * * *' } });
      assert.equal(every.statusCode, 200, every.body);
      const handle = await startSources(p, { sensors: false });
      try {
        await waitFor('a scheduled refresh', async () => (await api('GET', `/sources/${src.id}/runs`, offA)).json().items
          .find((r: { trigger: string; mode: string; status: string }) => r.trigger === 'schedule' && r.mode === 'full' && r.status === 'succeeded'));
      } finally {
        await handle.stop();
      }
    } finally {
      await my.query(`DROP TABLE IF EXISTS ${t}`);
    }
  });

  test('PostgreSQL: a full sync split over 4 ranges, then incremental', async () => {
    await peopleDataset(p, 'src_pg', org.deptA);
    const base = { name: '卫健库', datasetCode: 'src_pg', kind: 'postgres', settings: { host: '127.0.0.1', user: 'postgres', database: 'test', table: pgTable } };
    const full = (await api('POST', '/sources', admin, { ...base, settings: { ...base.settings, mode: 'full', splitColumn: 'id', parallel: 4 } })).json();
    const r = (await api('POST', `/sources/${full.id}/run?wait=true`, admin)).json();
    assert.equal(r.status, 'succeeded', r.error);
    const bad = Array.from({ length: N }, (_, k) => k + 1).filter(BAD).length;
    const rows = await lakeRows(p, 'src_pg');
    assert.equal(rows.length, N - bad);
    assert.deepEqual(rows.map((x) => Number(x.id)), Array.from({ length: N }, (_, k) => k + 1).filter((i) => !BAD(i)));
    // timestamptz arrives in UTC
    assert.equal(String(rows[0]!.updated_at).replace('T', ' ').slice(0, 19), '2024-01-01 00:00:01');

    const inc = (await api('POST', '/sources', admin, { ...base, name: '卫健库增量', settings: { ...base.settings, mode: 'incremental', cursorColumn: 'updated_at', batchRows: 700 } })).json();
    await pgc.query(`UPDATE ${pgTable} SET amount = 9999, updated_at = '2025-01-01Z' WHERE id = 10`);
    const r2 = (await api('POST', `/sources/${inc.id}/run?wait=true`, admin)).json();
    assert.equal(r2.status, 'succeeded', r2.error);
    assert.equal(r2.versions, 2);
    const after2 = await lakeRows(p, 'src_pg');
    assert.equal(after2.length, N - bad);
    assert.equal(Number(after2.find((x) => Number(x.id) === 10)!.amount), 9999);
  });

  test('the throttle holds a sync to its rows per second', async () => {
    await peopleDataset(p, 'src_slow', org.deptA);
    const src = (await api('POST', '/sources', offA, mysqlSource('限速源', 'src_slow', { mode: 'full', throttleRowsPerSecond: 500 }))).json();
    const r = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
    assert.equal(r.status, 'succeeded', r.error);
    // one second of burst, then 500 rows a second (checked every 512 rows): at least 1 s for 1200 rows
    assert.ok(r.durationMs >= 1000, `took ${r.durationMs} ms`);
  });

  test('an incremental batch that is rejected whole moves on, but the run fails loudly', async () => {
    await peopleDataset(p, 'src_rej', org.deptA);
    const base = mysqlSource('全拒源', 'src_rej', { mode: 'incremental', cursorColumn: 'updated_at' });
    const src = (await api('POST', '/sources', offA, { ...base, settings: { ...base.settings, table: null, query: `SELECT id, name, 'bad' AS id_card, amount, updated_at FROM ${myTable} WHERE id BETWEEN 100 AND 119` } })).json();
    const r = (await api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
    assert.equal(r.status, 'failed');
    assert.equal(r.rowsRejected, 20);
    assert.match(r.error, /rejected/);
    assert.equal((await api('GET', `/sources/${src.id}`, offA)).json().state.cursor, '2024-01-01 00:01:59.000');
    assert.ok((await api('GET', '/notices', offA)).json().items.some((n: { objectId: string }) => n.objectId === src.id));
  });

  test('a query source accepts only one read-only SELECT', async () => {
    await peopleDataset(p, 'src_q', org.deptA);
    const base = mysqlSource('查询源', 'src_q', { mode: 'full' });
    for (const query of ['DELETE FROM x', `SELECT * FROM ${myTable}; DROP TABLE ${myTable}`, `SELECT * FROM ${myTable} FOR UPDATE`,
      'SELECT * INTO OUTFILE \'/tmp/x\' FROM t', 'SELECT 1 /*! ; DROP TABLE t */', 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d']) {
      const res = await api('POST', '/sources', offA, { ...base, settings: { ...base.settings, table: null, query } });
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    }
    const ok = await api('POST', '/sources', offA, { ...base, settings: { ...base.settings, table: null, query: `SELECT id, name, id_card, amount, updated_at FROM ${myTable} WHERE name <> ';' AND id <= 100` } });
    assert.equal(ok.statusCode, 201, ok.body);
    const r = (await api('POST', `/sources/${ok.json().id}/run?wait=true`, offA)).json();
    assert.equal(r.status, 'succeeded', r.error);
    assert.equal(r.rowsRead, 100);
    // mapping: source columns onto fields of other names
    const mapped = await api('POST', '/sources', offA, {
      ...base, name: '映射源', settings: { ...base.settings, table: null, query: `SELECT id AS code, name AS full_name, id_card AS sfzh FROM ${myTable} WHERE id <= 10`, mapping: { code: 'id', full_name: 'name', sfzh: 'id_card' } },
    });
    assert.equal(mapped.statusCode, 201, mapped.body);
    const t = (await api('POST', `/sources/${mapped.json().id}/test`, offA, {})).json();
    assert.deepEqual([...t.columns].sort(), ['code', 'full_name', 'sfzh']);
  });

  test('connection test; another department sees nothing and may do nothing', async () => {
    await peopleDataset(p, 'src_perm', org.deptA);
    const probe = (auth: { authorization: string }, settings: Record<string, unknown>) => {
      const { name: _n, ...body } = mysqlSource('x', 'src_perm', settings);
      return api('POST', '/sources/test', auth, body);
    };
    const t = (await probe(admin, { mode: 'full' })).json();
    assert.equal(t.ok, true);
    assert.deepEqual(t.columns, ['id', 'name', 'id_card', 'amount', 'updated_at']);
    const badPort = (await probe(admin, { mode: 'full', port: 1 })).json();
    assert.equal(badPort.ok, false);
    assert.equal(badPort.error, CONNECT_FAILED);
    // settings not saved yet are the admins' to test (see test/security/source-secrets.test.ts)
    assert.equal((await probe(offA, { mode: 'full' })).statusCode, 403);

    const src = (await api('POST', '/sources', offA, mysqlSource('甲部门源', 'src_perm', { mode: 'full' }))).json();
    assert.equal((await api('GET', `/sources/${src.id}`, offB)).statusCode, 404);
    assert.equal((await api('PATCH', `/sources/${src.id}`, offB, { name: 'x' })).statusCode, 404);
    assert.equal((await api('POST', `/sources/${src.id}/run`, offB)).statusCode, 404);
    assert.equal((await api('GET', `/sources/${src.id}/runs`, offB)).statusCode, 404);
    assert.equal((await api('DELETE', `/sources/${src.id}`, offB)).statusCode, 404);
    assert.ok(!(await api('GET', '/sources', offB)).json().items.some((s: { id: string }) => s.id === src.id));
    // creating a source on another department's dataset
    assert.equal((await api('POST', '/sources', offB, mysqlSource('越权', 'src_perm', { mode: 'full' }))).statusCode, 403);
    const analyst = await login(app, 'analyst_a', PASSWORD);
    assert.equal((await api('GET', '/sources', analyst)).statusCode, 403);
    assert.equal((await api('DELETE', `/sources/${src.id}`, offA)).statusCode, 204);
  });

  test('schedules run sources; a failing source retries, then notifies its officers and the admin', async () => {
    await peopleDataset(p, 'src_sched', org.deptA);
    const ok = (await api('POST', '/sources', offA, { ...mysqlSource('定时源', 'src_sched', { mode: 'incremental', cursorColumn: 'updated_at' }), schedule: '* * * * * *' })).json();
    const broken = (await api('POST', '/sources', offA, {
      ...mysqlSource('坏源', 'src_sched', { mode: 'full', port: 1, retry: { attempts: 2, baseMs: 10, maxMs: 20 } }), schedule: '*/2 * * * * *',
    })).json();
    const handle = await startSources(p, { sensors: false });
    try {
      await waitFor('a scheduled run', async () => (await api('GET', `/sources/${ok.id}/runs`, offA)).json().items.find((r: { trigger: string; status: string }) => r.trigger === 'schedule' && r.status === 'succeeded'));
      const failed = await waitFor('a failed run', async () => (await api('GET', `/sources/${broken.id}/runs`, offA)).json().items.find((r: { status: string }) => r.status === 'failed'));
      assert.equal(failed.attempts, 2);
      assert.equal(failed.error, CONNECT_FAILED);
    } finally {
      await handle.stop();
    }
    const forA = await waitFor('a notice', async () => (await api('GET', '/notices?unread=true', offA)).json().items.find((n: { objectId: string }) => n.objectId === broken.id));
    assert.match(forA.title, /坏源/);
    assert.ok((await api('GET', '/notices', admin)).json().items.some((n: { objectId: string }) => n.objectId === broken.id));
    assert.ok(!(await api('GET', '/notices', offB)).json().items.some((n: { objectId: string }) => n.objectId === broken.id));
    // someone else's notice cannot be marked read
    assert.equal((await api('POST', `/notices/${forA.id}/read`, offB)).statusCode, 404);
    const read = (await api('POST', `/notices/${forA.id}/read`, offA)).json();
    assert.ok(read.readAt);
    assert.equal((await api('GET', '/notices?unread=true', offA)).json().items.filter((n: { objectId: string }) => n.objectId === broken.id).length, 0);
  });
});
