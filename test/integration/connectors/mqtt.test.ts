/**
 * MQTT sensors against the real Mosquitto on this machine: readings land in the time-series
 * dataset, malformed payloads are quarantined with their reason, and nothing is lost across a
 * broker restart, while govhub itself is down (QoS 1, persistent session), nor when it is killed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { datasetAdmin, datasetByCode } from '../../../src/catalog/index.ts';
import { loadConfig } from '../../../src/kernel/index.ts';
import { departments } from '../../../src/identity/index.ts';
import { SENSOR_DATASET, sources, startSources, type SourcesHandle } from '../../../src/connectors/index.ts';
import { openPlatform } from '../../../src/platform.ts';
import { childControlPlane, drivers, openTestPlatform, SYSTEM, TEST_SOURCES, type TestPlatform } from '../../helpers/platform.ts';
import { BROKER_URL, startBroker, stopBroker } from '../../helpers/mqtt.ts';
import { uniq, waitFor } from '../../helpers/sources.ts';

for (const driver of drivers()) describe(`MQTT sensor source (${driver})`, () => {
  let p: TestPlatform;
  let handle: SourcesHandle | null = null;
  let sourceId: string;
  const tag = uniq('gh');
  const clientId = uniq('govhub-test');
  const base = Date.parse('2024-05-01T00:00:00Z');
  let sent = 0;

  before(async () => {
    await startBroker();
    p = await openTestPlatform(driver);
    const d = await departments.create(p, SYSTEM, { code: 'env', name: '市生态环境局', regionCode: '110000' });
    await datasetAdmin.create(p, SYSTEM, { code: 'air_sensors', name: '空气监测', departmentId: d.id, ...SENSOR_DATASET });
    const src = await sources.create(p, SYSTEM, {
      name: '空气站', datasetCode: 'air_sensors', kind: 'mqtt',
      settings: { url: BROKER_URL, topics: [`${tag}/+/+`], topicTemplate: `${tag}/{device}/{metric}`, clientId, batchSeconds: 0.3, batchMessages: 500 },
    });
    sourceId = src.id;
  });

  after(async () => {
    await handle?.stop().catch(() => {});
    await startBroker(); // whatever happened, the broker runs again
    // end the persistent session the test created
    const c = await mqtt.connectAsync(BROKER_URL, { clientId, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 } });
    await c.endAsync();
    await p?.close();
  });

  const count = async () => {
    const ds = (await datasetByCode(p.db, 'air_sensors'))!;
    const v = await p.lake.version(ds.id);
    if (!v) return { rows: 0, distinct: 0 };
    const [r] = await p.dataLake.query<{ rows: number; distinct: number }>(`SELECT count(*) AS rows, count(DISTINCT (device, metric, time)) AS distinct FROM ${p.dataLake.scanSql(v)}`);
    return { rows: Number(r!.rows), distinct: Number(r!.distinct) };
  };
  const landed = (n: number, timeoutMs = 60_000) => waitFor(`${n} readings in the lake`, async () => (await count()).rows >= n && count(), timeoutMs, 200);

  async function publish(client: MqttClient, n: number) {
    for (let i = 0; i < n; i++) {
      const k = sent++;
      await client.publishAsync(`${tag}/station${k % 7}/pm25`, JSON.stringify({ value: 10 + (k % 50), time: base + k * 1000 }), { qos: 1 });
    }
  }
  const publisher = () => mqtt.connectAsync(BROKER_URL, { clientId: uniq('pub'), protocolVersion: 5, reconnectPeriod: 0 });

  test('readings land; malformed payloads are quarantined with the message kept', async () => {
    handle = await startSources(p, { scheduler: false, pollSeconds: 3600 });
    const sub = await waitFor('the subscriber', async () => handle!.subscribers.get(sourceId));
    await waitFor('connected', async () => sub.stats.connected);
    const pub = await publisher();
    await publish(pub, 300);
    await pub.publishAsync(`${tag}/station1/pm25`, 'not json at all', { qos: 1 });
    await pub.publishAsync(`${tag}/station1/pm25`, JSON.stringify({ reading: 'high' }), { qos: 1 });
    await pub.publishAsync(`${tag}/station2/env`, JSON.stringify({ temp: 21.5, hum: 40, ts: '2024-05-01T08:00:00+08:00' }), { qos: 1 });
    await pub.endAsync();
    sent += 2; // the two readings of the multi-metric message
    const c = await landed(sent);
    assert.equal(c.rows, sent);
    assert.equal(c.distinct, c.rows);
    await waitFor('the malformed messages', async () => sub.stats.rejected >= 2);
    // the quarantine keeps each malformed message with its reason
    const jobs = await p.db.query<{ quarantine_path: string }>(`SELECT quarantine_path FROM ingest_jobs j JOIN datasets d ON d.id = j.dataset_id WHERE d.code = 'air_sensors' AND j.rejected > 0`);
    const entries = (await Promise.all(jobs.map((j) => p.dataLake.query<{ field: string; rule: string; value: string; record: string }>(`SELECT field, rule, value, record FROM read_parquet('${p.dir}/${j.quarantine_path}')`)))).flat();
    assert.ok(entries.some((e) => e.field === 'value' && e.rule === 'type' && e.value === 'not json at all'), JSON.stringify(entries));
    assert.ok(entries.some((e) => e.field === 'value' && e.record.includes('reading')));
    const ds = (await datasetByCode(p.db, 'air_sensors'))!;
    const env = await p.dataLake.query<{ metric: string; time: string }>(`SELECT metric, CAST(time AS VARCHAR) AS time FROM ${p.dataLake.scanSql((await p.lake.version(ds.id))!)} WHERE device = 'station2' AND metric IN ('temp', 'hum') ORDER BY metric`);
    assert.deepEqual(env.map((e) => e.metric), ['hum', 'temp']);
    assert.equal(env[0]!.time, '2024-05-01 00:00:00');
  });

  test('across a broker restart nothing is lost', async () => {
    const sub = handle!.subscribers.get(sourceId)!;
    const pub = await publisher();
    await publish(pub, 200);
    await pub.endAsync();
    try {
      await stopBroker();
      await waitFor('the subscriber notices', async () => !sub.stats.connected);
    } finally {
      await startBroker();
    }
    await waitFor('reconnected', async () => sub.stats.connected, 30_000);
    const pub2 = await publisher();
    await publish(pub2, 200);
    await pub2.endAsync();
    const c = await landed(sent);
    assert.equal(c.rows, sent);
    assert.equal(c.distinct, c.rows);
  });

  test('messages published while govhub is down (and the broker restarts meanwhile) arrive when it is back', async () => {
    await handle!.stop();
    handle = null;
    const before = (await count()).rows;
    const pub = await publisher();
    await publish(pub, 300);
    await pub.endAsync();
    try {
      await stopBroker();
    } finally {
      await startBroker();
    }
    assert.equal((await count()).rows, before, 'nothing lands while govhub is down');
    handle = await startSources(p, { scheduler: false, pollSeconds: 3600 });
    const c = await landed(sent);
    assert.equal(c.rows, sent);
    assert.equal(c.distinct, c.rows);
    const runs = await sources.runs(p, SYSTEM, sourceId, { limit: 10, offset: 0 });
    assert.equal(runs.items[0]!.trigger, 'sensor');
    assert.ok(runs.items.some((r) => r.versions > 0));
  });
});

/**
 * A govhub process killed while holding acknowledged messages that are not yet in the lake: when
 * it starts again they land from its journal, with the messages published meanwhile — none lost,
 * none twice. (In this file, not its own, so no broker restart above runs at the same time.)
 */
for (const driver of drivers()) test(`sensor messages acknowledged by a killed process land after it restarts (${driver})`, async (t) => {
  await startBroker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-mqtt-crash-'));
  const cp = await childControlPlane(driver);
  const clientId = uniq('govhub-crash');
  const open = () => openPlatform(loadConfig({ dataDir: dir, databaseUrl: cp.databaseUrl, secretKey: 'test-secret', duckdbThreads: 1, ...TEST_SOURCES }, {}), { log: pino({ level: 'silent' }) });
  t.after(async () => {
    await cp.drop();
    await startBroker();
    const c = await mqtt.connectAsync(BROKER_URL, { clientId, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 } });
    await c.endAsync();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const tag = uniq('ghc');
  let p = await open();
  const d = await departments.create(p, SYSTEM, { code: 'env', name: '市生态环境局', regionCode: '110000' });
  const ds = await datasetAdmin.create(p, SYSTEM, { code: 'water', name: '水质监测', departmentId: d.id, ...SENSOR_DATASET });
  // batches far apart: everything received stays in the journal until the kill
  const src = await sources.create(p, SYSTEM, {
    name: '水质站', datasetCode: 'water', kind: 'mqtt',
    settings: { url: BROKER_URL, topics: [`${tag}/#`], topicTemplate: `${tag}/{device}/{metric}`, clientId, batchSeconds: 3600, batchMessages: 1_000_000 },
  });
  await p.close();

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'mqtt-child.ts'), JSON.stringify({ dataDir: dir, sourceId: src.id, databaseUrl: cp.databaseUrl })], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise((r) => child.on('exit', r));
  try {
    await waitFor('the child subscribed', async () => out.includes('connected'), 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const pub = await mqtt.connectAsync(BROKER_URL, { clientId: uniq('pub'), protocolVersion: 5 });
    const base = Date.parse('2024-05-01T00:00:00Z');
    for (let i = 0; i < 500; i++) await pub.publishAsync(`${tag}/well${i % 5}/ph`, JSON.stringify({ value: 7 + (i % 10) / 10, time: base + i * 1000 }), { qos: 1 });
    await waitFor('500 acknowledged', async () => out.includes('received 500\n'), 30_000);
    child.kill('SIGKILL');
    await exited;
    // published while govhub is down
    for (let i = 500; i < 700; i++) await pub.publishAsync(`${tag}/well${i % 5}/ph`, JSON.stringify({ value: 7, time: base + i * 1000 }), { qos: 1 });
    await pub.endAsync();
  } finally {
    child.kill('SIGKILL');
  }

  p = await open();
  const handle = await startSources(p, { scheduler: false, pollSeconds: 3600 });
  try {
    const sub = await waitFor('the subscriber', async () => handle.subscribers.get(src.id));
    await waitFor('the messages sent while down', async () => sub.stats.received >= 200, 30_000);
    await sub.flush();
    const v = (await p.lake.version(ds.id))!;
    const [c] = await p.dataLake.query<{ n: number; k: number }>(`SELECT count(*) AS n, count(DISTINCT (device, metric, time)) AS k FROM ${p.dataLake.scanSql(v)}`);
    assert.equal(Number(c!.n), 700);
    assert.equal(Number(c!.k), 700);
    assert.equal((await datasetByCode(p.db, 'water'))!.rowCount, 700);
  } finally {
    await handle.stop();
    await p.close();
  }
});
