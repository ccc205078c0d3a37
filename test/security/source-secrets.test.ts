/**
 * Attacks on the connectors (数据源), each kept as it was done:
 *   1. a stored password sent to a new host: test (or save) a source with its target changed and
 *      no password, the server "helpfully" uses the stored one — caught by listeners we control;
 *   2. the connection test as a port scanner: error text and timing told refused from timeout
 *      from "something speaks another protocol there";
 *   3. SSRF: loopback, link-local (cloud metadata) and the platform's own control plane as
 *      "sources"; MQTT URLs that are not brokers; read-only queries that open connections;
 *   4. secrets at rest bound to their target (a ciphertext opens only for the target it was saved
 *      with), and the passwords of existing installs carried over;
 * and at the end: no password in any response, log line or audit event.
 */
import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Config } from '../../src/kernel/index.ts';
import { datasetAdmin } from '../../src/catalog/index.ts';
import { CONNECT_FAILED, SENSOR_DATASET, sourcePassword, startSources, TargetPolicy } from '../../src/connectors/index.ts';
import { sourceById } from '../../src/connectors/store.ts';
import { fakeServer, type FakeServer } from '../helpers/fakeServers.ts';
import { drivers, SYSTEM, type TestPlatform } from '../helpers/platform.ts';
import { login, openTestApp } from '../helpers/server.ts';
import { MYSQL, PASSWORD, peopleDataset, seedOrg, uniq, type Org } from '../helpers/sources.ts';

type Auth = { authorization: string };

/** Connection timeout of these tests: every failed connection answers after this long. */
const TIMEOUT_MS = 1000;
const SECRET = 'St0red-Secret-9f3e';

/** A platform whose log lines are kept, and an api() that keeps every response body. */
async function openApp(driver: Parameters<typeof openTestApp>[0], overrides: Partial<Config> = {}) {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  const opened = await openTestApp(driver, { config: { sourceConnectTimeoutMs: TIMEOUT_MS, ...overrides }, log: pino({ level: 'debug' }, sink) });
  const bodies: string[] = [];
  const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, auth: Auth, payload?: unknown) => {
    const res = await opened.app.inject({ method, url: `/api/v1${url}`, headers: auth, payload: payload as never });
    bodies.push(res.body);
    return res;
  };
  return { ...opened, lines, bodies, api };
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** How a password was stored before the target was part of the associated data (format v1). */
function legacySeal(secretKey: string, plain: string, sourceId: string): string {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.alloc(0), 'govhub/source-secret/v1', 32));
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(sourceId, 'utf8'));
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

const dbSettings = (f: FakeServer, extra: Record<string, unknown> = {}) => ({ host: f.host, port: f.port, user: 'reader', database: 'dept', table: 'people', ...extra });
const mqttSettings = (f: FakeServer, extra: Record<string, unknown> = {}) => ({ url: `mqtt://${f.host}:${f.port}`, username: 'sensor', topics: ['city/#'], ...extra });

for (const driver of drivers()) describe(`source secrets and targets (${driver})`, () => {
  let env: Awaited<ReturnType<typeof openApp>>;
  let p: TestPlatform;
  let app: FastifyInstance;
  let org: Org;
  let admin: Auth;
  let offA: Auth;
  const fakes: FakeServer[] = [];
  const fake = async (...a: Parameters<typeof fakeServer>) => {
    const f = await fakeServer(...a);
    fakes.push(f);
    return f;
  };
  const people = uniq('sec_people').slice(0, 40);
  const sensors = uniq('sec_sensors').slice(0, 40);

  before(async () => {
    env = await openApp(driver);
    ({ p, app } = env);
    org = await seedOrg(p);
    admin = await login(app);
    offA = await login(app, 'officer_a', PASSWORD);
    await peopleDataset(p, people, org.deptA);
    await datasetAdmin.create(p, SYSTEM, { code: sensors, name: '传感器', departmentId: org.deptA, ...SENSOR_DATASET });
  });

  after(async () => {
    for (const f of fakes) await f.close();
    await env?.close();
  });

  const create = async (auth: Auth, kind: 'mysql' | 'postgres' | 'mqtt', settings: Record<string, unknown>, password: string | null = SECRET) => {
    const res = await env.api('POST', '/sources', auth, { name: uniq('src').slice(0, 60), datasetCode: kind === 'mqtt' ? sensors : people, kind, settings, password, enabled: false });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; settings: Record<string, unknown> };
  };

  /** The field errors of a 400 answer. */
  const fieldsOf = (res: { statusCode: number; body: string; json(): { errors?: { field: string }[] } }) => {
    assert.equal(res.statusCode, 400, res.body);
    return (res.json().errors ?? []).map((e) => e.field);
  };

  for (const kind of ['mysql', 'postgres'] as const) {
    test(`${kind}: the stored password goes only to the target it was saved with`, async () => {
      const saved = await fake(kind);
      const otherHost = await fake(kind, '127.0.0.2', saved.port);
      const otherPort = await fake(kind);
      const src = await create(offA, kind, dbSettings(saved));

      // control: the saved target, as saved, gets the stored password (the listener would see a leak)
      const ok = await env.api('POST', `/sources/${src.id}/test`, offA, {});
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().ok, false);
      assert.ok(saved.got(SECRET), 'the saved target received the stored password');

      // the attack: the same test with the target changed and no password — as admin, who may test any target
      const changes: Record<string, unknown>[] = [
        { host: otherHost.host }, { port: otherPort.port }, { database: 'other_db' }, { user: 'other_user' }, { ssl: true },
        { host: otherHost.host, port: otherPort.port },
      ];
      for (const change of changes) {
        const res = await env.api('POST', `/sources/${src.id}/test`, admin, { settings: { ...dbSettings(saved), ...change } });
        assert.deepEqual(fieldsOf(res), ['password'], JSON.stringify(change));
        // an officer may not test another target at all
        assert.equal((await env.api('POST', `/sources/${src.id}/test`, offA, { settings: { ...dbSettings(saved), ...change } })).statusCode, 403);
        // nor save it without the password
        const patch = await env.api('PATCH', `/sources/${src.id}`, offA, { settings: change });
        assert.deepEqual(fieldsOf(patch), ['password'], JSON.stringify(change));
      }
      assert.equal(otherHost.connections, 0, 'nothing reached the other host');
      assert.equal(otherPort.connections, 0, 'nothing reached the other port');
      assert.equal(saved.connections, 1, 'the saved target was reached only by the control');
      assert.equal((await env.api('GET', `/sources/${src.id}`, offA)).json().settings.host, saved.host);

      // re-entering the password: the new target gets the new one, never the stored one
      const retarget = await env.api('PATCH', `/sources/${src.id}`, offA, { settings: { host: otherHost.host }, password: 'new-pass-for-other' });
      assert.equal(retarget.statusCode, 200, retarget.body);
      await env.api('POST', `/sources/${src.id}/test`, offA, {});
      assert.ok(otherHost.got('new-pass-for-other'));
      assert.ok(!otherHost.got(SECRET) && !otherPort.got(SECRET));
      // changing what is read, not where: no password needed, the stored one still works
      const read = await env.api('POST', `/sources/${src.id}/test`, offA, { settings: { table: 'other_table' } });
      assert.equal(read.statusCode, 200, read.body);
      assert.equal(otherHost.connections, 2);
      // a source without a password: nothing to leak, so moving it needs none
      const bare = await create(offA, kind, dbSettings(saved), null);
      assert.equal((await env.api('PATCH', `/sources/${bare.id}`, offA, { settings: { port: otherPort.port } })).statusCode, 200);
    });
  }

  test('mqtt: the stored broker password goes only to the broker it was saved with', async () => {
    const saved = await fake('mqtt');
    const otherHost = await fake('mqtt', '127.0.0.2', saved.port);
    const otherPort = await fake('mqtt');
    const src = await create(offA, 'mqtt', mqttSettings(saved));
    const ok = await env.api('POST', `/sources/${src.id}/test`, offA, {});
    assert.equal(ok.json().ok, false);
    assert.ok(saved.got(SECRET), 'the saved broker received the stored password');
    const urls = [`mqtt://${otherHost.host}:${saved.port}`, `mqtt://127.0.0.1:${otherPort.port}`, `ws://127.0.0.1:${saved.port}/mqtt`];
    for (const url of urls) {
      assert.deepEqual(fieldsOf(await env.api('POST', `/sources/${src.id}/test`, admin, { settings: { url } })), ['password'], url);
      assert.deepEqual(fieldsOf(await env.api('PATCH', `/sources/${src.id}`, offA, { settings: { url } })), ['password'], url);
    }
    assert.deepEqual(fieldsOf(await env.api('POST', `/sources/${src.id}/test`, admin, { settings: { username: 'someone_else' } })), ['password']);
    assert.equal(otherHost.connections + otherPort.connections, 0);
    assert.equal(saved.connections, 1);
  });

  test('pg: a source without a password never borrows the server\'s own (PGPASSWORD, ~/.pgpass)', async () => {
    const target = await fake('postgres');
    const before = process.env.PGPASSWORD;
    process.env.PGPASSWORD = 'platform-own-pg-password';
    try {
      const res = await env.api('POST', '/sources/test', admin, { datasetCode: people, kind: 'postgres', settings: dbSettings(target) });
      assert.equal(res.json().ok, false);
    } finally {
      if (before === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = before;
    }
    assert.equal(target.connections, 1);
    assert.ok(!target.got('platform-own-pg-password'), 'the platform\'s PGPASSWORD went to the source');
  });

  test('the password is sealed to its target: a ciphertext does not open for another one', async () => {
    const saved = await fake('postgres');
    const src = await create(offA, 'postgres', dbSettings(saved));
    const stored = (await sourceById(p.db, src.id))!;
    assert.match(stored.secret!, /^v2:/);
    assert.ok(!stored.secret!.includes(SECRET));
    assert.equal(await sourcePassword(p, stored, stored.settings), SECRET);
    // a code path that forgot the check still cannot open it for another target
    for (const change of [{ host: '127.0.0.2' }, { port: 1 }, { database: 'x' }, { user: 'x' }, { ssl: true }]) {
      await assert.rejects(sourcePassword(p, stored, { ...stored.settings, ...change } as typeof stored.settings), /cannot be decrypted|另一目标|another target/, JSON.stringify(change));
    }
    // nor on another source
    const twin = await create(offA, 'postgres', dbSettings(saved), null);
    await p.db.query('UPDATE sources SET secret = $2 WHERE id = $1', [twin.id, stored.secret]);
    await assert.rejects(sourcePassword(p, (await sourceById(p.db, twin.id))!, stored.settings));
  });

  test('passwords stored before the target was sealed in still work, and are re-sealed', async () => {
    const saved = await fake('postgres');
    const other = await fake('postgres');
    const a = await create(offA, 'postgres', dbSettings(saved), null);
    const b = await create(offA, 'postgres', dbSettings(saved), null);
    for (const id of [a.id, b.id]) await p.db.query('UPDATE sources SET secret = $2 WHERE id = $1', [id, legacySeal('test-secret', SECRET, id)]);
    // the old form is honoured only for the saved target
    const old = (await sourceById(p.db, a.id))!;
    await assert.rejects(sourcePassword(p, old, { ...old.settings, host: '127.0.0.2' } as typeof old.settings));
    // read for the saved target: works, and the stored value is now sealed to it
    const res = await env.api('POST', `/sources/${a.id}/test`, offA, {});
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(saved.got(SECRET));
    assert.match((await sourceById(p.db, a.id))!.secret!, /^v2:/);
    // and the API guard holds for it as for any other
    assert.deepEqual(fieldsOf(await env.api('POST', `/sources/${b.id}/test`, admin, { settings: { port: other.port } })), ['password']);
    assert.equal(other.connections, 0);
    // the connectors re-seal every old one when they start
    const handle = await startSources(p, { scheduler: false, sensors: false });
    await handle.stop();
    const resealed = (await sourceById(p.db, b.id))!;
    assert.match(resealed.secret!, /^v2:/);
    assert.equal(await sourcePassword(p, resealed, resealed.settings), SECRET);
  });

  test('connection tests are no port scanner: officers test only saved targets; every failure looks and takes the same', async () => {
    const listener = await fake('mysql');
    // an officer may not point the server at an address of their choosing
    const unsaved = await env.api('POST', '/sources/test', offA, { datasetCode: people, kind: 'mysql', settings: dbSettings(listener), password: 'x' });
    assert.equal(unsaved.statusCode, 403, unsaved.body);
    assert.equal(listener.connections, 0);

    // an admin may, and learns nothing about the network from a failure
    const silent = await fake('silent');
    const http = await fake('http');
    const pgFake = await fake('postgres');
    const refused = await closedPort();
    const probes: [string, 'mysql' | 'postgres', Record<string, unknown>][] = [
      ['refused', 'mysql', { host: '127.0.0.1', port: refused }],
      ['timeout', 'mysql', { host: '127.0.0.1', port: silent.port }],
      ['wrong protocol', 'postgres', { host: '127.0.0.1', port: http.port }],
      ['no such host', 'mysql', { host: 'no-such-host.invalid', port: 3306 }],
      ['tls refused', 'postgres', { host: '127.0.0.1', port: pgFake.port, ssl: true }],
      ['wrong password', 'mysql', { host: '127.0.0.1', port: listener.port }],
      ['unknown user', 'mysql', { host: MYSQL.host, port: MYSQL.port, user: 'no_such_user_x', database: 'test' }],
    ];
    const answers: { error: string; ms: number }[] = [];
    for (const [what, kind, s] of probes) {
      const t0 = performance.now();
      const res = await env.api('POST', '/sources/test', admin, { datasetCode: people, kind, settings: { user: 'reader', database: 'dept', table: 'people', ...s }, password: 'guess' });
      const took = performance.now() - t0;
      assert.equal(res.statusCode, 200, `${what}: ${res.body}`);
      const r = res.json();
      assert.equal(r.ok, false, what);
      assert.equal(r.error, CONNECT_FAILED, what);
      assert.ok(took >= TIMEOUT_MS - 5 && took < TIMEOUT_MS + 800, `${what} answered after ${Math.round(took)} ms`);
      answers.push({ error: r.error, ms: r.ms });
    }
    assert.equal(new Set(answers.map((a) => a.error)).size, 1);
    assert.doesNotMatch(answers[0]!.error, /ECONN|ETIMEDOUT|ENOTFOUND|EAI_|certificate|does not support|Access denied|28P01|protocol|timeout/i);
    // the details went to the server log and to an audit event only admins read
    const log = env.lines.join('');
    assert.match(log, /ECONNREFUSED/);
    assert.match(log, /ENOTFOUND|EAI_AGAIN/);
    const officerAudit = (await env.api('GET', '/audit/events?limit=500', offA)).body;
    assert.doesNotMatch(officerAudit, /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/);
    const adminAudit = (await env.api('GET', '/audit/events?action=source.connect_failed&limit=500', admin)).json();
    assert.ok(adminAudit.items.some((e: { details: { error?: string } }) => /ECONNREFUSED/.test(e.details.error ?? '')), 'admins find the cause');
    assert.equal((await env.api('GET', '/sources', admin)).statusCode, 200, 'the server still answers');
  });

  test('a failed run records the same uniform error (run history, notices), the cause only for admins', async () => {
    const refused = await closedPort();
    const src = await create(offA, 'mysql', { ...dbSettings({ host: '127.0.0.1', port: refused } as FakeServer), retry: { attempts: 2, baseMs: 10, maxMs: 20 } });
    const run = (await env.api('POST', `/sources/${src.id}/run?wait=true`, offA)).json();
    assert.equal(run.status, 'failed');
    assert.equal(run.error, CONNECT_FAILED);
    assert.equal(run.attempts, 2);
    // another class of failure (DNS) fails the same way, retried the same number of times
    const nxd = await create(offA, 'mysql', { ...dbSettings({ host: 'no-such-host.invalid', port: 3306 } as FakeServer), retry: { attempts: 2, baseMs: 10, maxMs: 20 } });
    const run2 = (await env.api('POST', `/sources/${nxd.id}/run?wait=true`, offA)).json();
    assert.deepEqual([run2.status, run2.error, run2.attempts], ['failed', CONNECT_FAILED, 2]);
    const notices = (await env.api('GET', '/notices?limit=200', offA)).body;
    assert.doesNotMatch(notices, /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/);
    assert.doesNotMatch((await env.api('GET', '/audit/events?limit=500', offA)).body, /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/);
    const causes = (await env.api('GET', `/audit/events?action=source.connect_failed&objectId=${src.id}`, admin)).json().items;
    assert.ok(causes.some((e: { details: { error?: string } }) => /ECONNREFUSED/.test(e.details.error ?? '')));
    assert.match(env.lines.join(''), new RegExp(`"sourceId":"${src.id}"[^\\n]*ECONNREFUSED|ECONNREFUSED[^\\n]*"sourceId":"${src.id}"`));
  });

  test('SSRF: loopback, link-local, metadata and the control plane are no sources unless allowed; MQTT URLs must name a broker', async () => {
    const strict = await openApp(driver, { sourceAllow: [] });
    try {
      const sorg = await seedOrg(strict.p);
      const sadmin = await login(strict.app);
      const soff = await login(strict.app, 'officer_a', PASSWORD);
      await peopleDataset(strict.p, people, sorg.deptA);
      await datasetAdmin.create(strict.p, SYSTEM, { code: sensors, name: '传感器', departmentId: sorg.deptA, ...SENSOR_DATASET });
      const body = (host: string, port = 5432) => ({ datasetCode: people, kind: 'postgres', settings: { host, port, user: 'postgres', database: 'test', table: 'x' } });
      const named = (host: string) => ({ name: uniq('ssrf').slice(0, 60), ...body(host) });
      for (const host of ['127.0.0.1', 'localhost', 'LOCALHOST.', 'db.localhost', '::1', '0.0.0.0', '::ffff:127.0.0.1', '::ffff:7f00:1', '169.254.169.254', 'fe80::1', '100.100.100.200', '224.0.0.1']) {
        assert.deepEqual(fieldsOf(await strict.api('POST', '/sources', soff, named(host))), ['settings.host'], host);
        assert.deepEqual(fieldsOf(await strict.api('POST', '/sources/test', sadmin, body(host))), ['settings.host'], host);
      }
      // nor by moving a saved source there
      const moved = (await strict.api('POST', '/sources', soff, named('10.20.30.40'))).json();
      assert.deepEqual(fieldsOf(await strict.api('PATCH', `/sources/${moved.id}`, soff, { settings: { host: '169.254.169.254' } })), ['settings.host']);
      // a name that only resolves to loopback is refused at connection time, like any failure
      const listener = await fake('postgres');
      for (const host of ['127.1', '2130706433']) {
        const res = await strict.api('POST', '/sources/test', sadmin, body(host, listener.port));
        assert.deepEqual([res.statusCode, res.json().ok, res.json().error], [200, false, CONNECT_FAILED], host);
      }
      assert.equal(listener.connections, 0, 'nothing reached the loopback listener');
      // MQTT: a broker URL with a host; no files, no unix sockets, no credentials in the URL, no loopback
      const mq = (url: string) => ({ name: uniq('mq').slice(0, 60), datasetCode: sensors, kind: 'mqtt', settings: { url, topics: ['a/#'] } });
      for (const url of ['file:///etc/passwd', 'http://10.0.0.1/', 'mqtt+unix:///run/x.sock', 'mqtt://', 'mqtt:///x', 'mqtt://user:pw@10.0.0.1:1883', 'mqtt://10.0.0.1:1883?clientId=x',
        'mqtt://127.0.0.1:1883', 'ws://localhost:8080/mqtt', 'wss://169.254.169.254/']) {
        assert.deepEqual(fieldsOf(await strict.api('POST', '/sources', soff, mq(url))), ['settings.url'], url);
      }
      assert.equal((await strict.api('POST', '/sources', soff, mq('mqtts://broker.city.example:8883'))).statusCode, 201);
      // a sensor source whose broker name resolves to loopback: its subscriber never connects
      const broker = await fake('mqtt');
      const sensor = (await strict.api('POST', '/sources', soff, mq(`mqtt://127.1:${broker.port}`))).json();
      const handle = await startSources(strict.p, { scheduler: false, pollSeconds: 3600 });
      try {
        assert.equal(handle.subscribers.has(sensor.id), false);
      } finally {
        await handle.stop();
      }
      assert.equal(broker.connections, 0);
      const cause = (await strict.api('GET', `/audit/events?action=source.connect_failed&objectId=${sensor.id}`, sadmin)).json().items;
      assert.match(cause[0]?.details.error ?? '', /refused by the source target policy/);
      assert.equal((await strict.api('POST', '/sources', soff, named('10.20.30.41'))).statusCode, 201);
    } finally {
      await strict.close();
    }
  });

  test('the target policy: deny beats allow, "*" keeps to the allow list, the control plane needs its own port allowed', async () => {
    const cp = 'postgres://govhub@127.0.0.1:5432/govhub';
    const loopback = new TargetPolicy({ sourceAllow: ['127.0.0.0/8'], sourceDeny: [], databaseUrl: cp });
    assert.equal(await loopback.admit('127.0.0.1', 3306), '127.0.0.1');
    await assert.rejects(loopback.admit('127.0.0.1', 5432), /control plane|控制面/);
    const withCp = new TargetPolicy({ sourceAllow: ['127.0.0.0/8', '127.0.0.1:5432'], sourceDeny: [], databaseUrl: cp });
    assert.equal(await withCp.admit('127.0.0.1', 5432), '127.0.0.1');
    const deny = new TargetPolicy({ sourceAllow: ['10.0.0.0/8'], sourceDeny: ['10.9.0.0/16', '*.hr.example', '10.1.2.3:3306'], databaseUrl: undefined });
    assert.equal(await deny.admit('10.1.2.3', 5432), '10.1.2.3');
    await assert.rejects(deny.admit('10.1.2.3', 3306));
    await assert.rejects(deny.admit('10.9.1.1', 5432));
    assert.throws(() => deny.check('db.hr.example', 5432));
    assert.throws(() => deny.check('169.254.169.254', 80));
    assert.doesNotThrow(() => deny.check('192.168.1.5', 3306));
    const only = new TargetPolicy({ sourceAllow: ['10.1.0.0/16', 'db.city.example'], sourceDeny: ['*'], databaseUrl: undefined });
    assert.doesNotThrow(() => only.check('10.1.2.3', 3306));
    assert.throws(() => only.check('10.2.0.1', 3306));
    assert.throws(() => only.check('192.168.1.5', 3306));
    assert.doesNotThrow(() => only.check('db.city.example', 3306));
    assert.throws(() => new TargetPolicy({ sourceAllow: ['10.0.0.0/99'], sourceDeny: [], databaseUrl: undefined }), /GOVHUB_SOURCE_ALLOW/);
  });

  test('read-only queries cannot open connections, sleep, lock or read files from the department database', async () => {
    const listener = await fake('postgres');
    for (const query of [
      `SELECT dblink_connect('host=169.254.169.254 user=x')`, `SELECT * FROM dblink_send_query('c', 'select 1')`, `SELECT pg_sleep_for('1 hour')`,
      `SELECT query_to_xml('select 1', true, true, '')`, `SELECT pg_advisory_lock(1)`, `SELECT pg_ls_logdir()`, `SELECT pg_stat_file('/etc/passwd')`,
      `SELECT lo_get(1)`, `SELECT pg_reload_conf()`, `SELECT sys_exec('id')`, `SELECT "dblink_connect"('host=10.0.0.1')`, `SELECT public."pg_sleep" (5)`,
    ]) {
      const res = await env.api('POST', '/sources', offA, { name: uniq('q').slice(0, 60), datasetCode: people, kind: 'postgres', settings: { ...dbSettings(listener), table: null, query } });
      assert.deepEqual(fieldsOf(res), ['settings.query'], query);
    }
    // a column that merely starts like one of those functions is fine
    const ok = await env.api('POST', '/sources', offA, { name: uniq('q').slice(0, 60), datasetCode: people, kind: 'postgres', settings: { ...dbSettings(listener), table: null, query: 'SELECT lo_limit, pg_readings FROM t' } });
    assert.equal(ok.statusCode, 201, ok.body);
  });

  test('connection tests and runs are rate-limited per user', async () => {
    const limited = await openApp(driver, { sourceTestsPerMinute: 3 });
    try {
      const lorg = await seedOrg(limited.p);
      const ladmin = await login(limited.app);
      const loff = await login(limited.app, 'officer_a', PASSWORD);
      await peopleDataset(limited.p, people, lorg.deptA);
      const refused = await closedPort();
      const src = (await limited.api('POST', '/sources', loff, { name: 'x', datasetCode: people, kind: 'mysql', settings: { host: '127.0.0.1', port: refused, user: 'u', database: 'd', table: 't', retry: { attempts: 1, baseMs: 10, maxMs: 10 } } })).json();
      const answers: number[] = [];
      for (let i = 0; i < 3; i++) answers.push((await limited.api('POST', `/sources/${src.id}/test`, loff, {})).statusCode);
      const over = await limited.api('POST', `/sources/${src.id}/test`, loff, {});
      answers.push(over.statusCode);
      answers.push((await limited.api('POST', `/sources/${src.id}/run`, loff)).statusCode);
      assert.deepEqual(answers, [200, 200, 200, 429, 429]);
      assert.equal(over.json().type, '/problems/rate-limited');
      // per user: the admin's own budget is untouched; the server answers everyone else
      assert.equal((await limited.api('POST', `/sources/${src.id}/test`, ladmin, {})).statusCode, 200);
      assert.equal((await limited.api('GET', '/sources', loff)).statusCode, 200);
    } finally {
      await limited.close();
    }
  });

  test('no password in any response, log line or audit event', async () => {
    const leaks = [SECRET, 'new-pass-for-other', 'platform-own-pg-password'];
    const events: string[] = [];
    for await (const e of p.audit.events()) events.push(JSON.stringify(e));
    for (const where of [['responses', env.bodies.join('\n')], ['log', env.lines.join('')], ['audit', events.join('\n')]] as const) {
      for (const pw of leaks) assert.ok(!where[1].includes(pw), `${pw} appears in the ${where[0]}`);
    }
    assert.ok(env.bodies.length > 50 && env.lines.length > 5 && events.length > 20, 'there was something to search');
  });
});
