/**
 * Connectors benchmark.
 *
 * 1. Department database: a full sync of a 1,000,000-row MariaDB table into a dataset (read over
 *    the network, staged, checked by the ingest pipeline — ID numbers against GB 11643 — and
 *    written as a lake version), next to the `mysql --batch` client's raw dump of the same table
 *    to a file in the same run: the practical limit of reading that table. Target ≥ 50% of it.
 * 2. Sensors: a local publisher process sends QoS 1 messages as fast as the broker takes them;
 *    govhub journals, acknowledges and writes them to the lake. Figure: messages per second from
 *    the first publish until every message is in the lake (target ≥ 20,000), and how many never
 *    arrived (`mqtt_lost`, target 0 — counted in the lake). With it, the CPU time per message of
 *    govhub, Mosquitto and the publisher (the three share the machine's cores).
 *    The benchmark runs its own Mosquitto on a free port with `max_queued_messages 0`: Mosquitto's
 *    default (1000) drops messages for a subscriber more than 1000 messages behind, which a
 *    production broker feeding govhub must not do either (see docs).
 *
 *   npx tsx bench/connectors.ts [--rows N] [--messages N] [--skip-mysql] [--skip-mqtt]
 *
 * MariaDB: 127.0.0.1:3306, user root, database test (GOVHUB_BENCH_MYSQL_URL=mysql://user:pass@host:port/db).
 * Ends with one key=value line per figure.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';
import pino from 'pino';
import { datasetAdmin, datasetByCode, type Field } from '../src/catalog/index.ts';
import { loadConfig, SYSTEM } from '../src/kernel/index.ts';
import { departments } from '../src/identity/index.ts';
import { SENSOR_DATASET, sources, startRun, startSources } from '../src/connectors/index.ts';
import { openPlatform, type Platform } from '../src/platform.ts';
import { arg } from './_peers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ConnectorsBenchOptions {
  rows?: number;
  messages?: number;
  mysql?: boolean;
  mqtt?: boolean;
  log?: (line: string) => void;
}

interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

function mysqlTarget(): MysqlTarget {
  const u = process.env.GOVHUB_BENCH_MYSQL_URL ? new URL(process.env.GOVHUB_BENCH_MYSQL_URL) : null;
  return {
    host: u?.hostname || '127.0.0.1', port: Number(u?.port || 3306), user: decodeURIComponent(u?.username || 'root'),
    password: decodeURIComponent(u?.password || ''), database: u?.pathname.slice(1) || 'test',
  };
}

const FIELDS: Field[] = [
  { name: 'id', title: '编号', type: 'integer', sensitivity: 'L1' },
  { name: 'name', title: '姓名', type: 'string', sensitivity: 'L2' },
  { name: 'id_card', title: '身份证号', type: 'string', element: 'id_card', sensitivity: 'L3' },
  { name: 'phone', title: '手机号', type: 'string', sensitivity: 'L3' },
  { name: 'district', title: '区划', type: 'string', sensitivity: 'L1' },
  { name: 'amount', title: '金额', type: 'decimal', sensitivity: 'L2' },
  { name: 'updated_at', title: '更新时间', type: 'timestamp', sensitivity: 'L1' },
];

/** MariaDB SQL filling `table` with `rows` residents (valid ID check digits) from the sequence engine. */
function fillSql(table: string, rows: number): string {
  const body = `CONCAT('330102', DATE_FORMAT(DATE '1950-01-01' + INTERVAL (seq % 20000) DAY, '%Y%m%d'), LPAD(seq % 1000, 3, '0'))`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.map((x, i) => `SUBSTRING(b, ${i + 1}, 1) * ${x}`).join(' + ');
  return `INSERT INTO ${table}
    SELECT seq, CONCAT(ELT(1 + seq % 8, '王', '李', '张', '刘', '陈', '杨', '黄', '赵'), ELT(1 + seq % 9, '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军')),
      CONCAT(b, SUBSTRING('10X98765432', (${sum}) % 11 + 1, 1)), CONCAT('13', LPAD(seq % 1000000000, 9, '0')),
      ELT(1 + seq % 5, '330102', '330105', '330106', '330108', '330110'), (seq % 100000) / 100, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND
    FROM (SELECT seq, ${body} AS b FROM seq_1_to_${rows}) s`;
}

async function mysqlBench(rows: number, log: (s: string) => void): Promise<Record<string, number>> {
  const t = mysqlTarget();
  const table = `govhub_bench_${process.pid}`;
  const conn = await mysql.createConnection({ ...t, multipleStatements: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-bench-conn-'));
  let p: Platform | null = null;
  try {
    log(`MariaDB: creating ${table} with ${rows.toLocaleString('en')} rows …`);
    await conn.query(`CREATE TABLE ${table} (id BIGINT PRIMARY KEY, name VARCHAR(32), id_card CHAR(18), phone CHAR(11), district CHAR(6), amount DECIMAL(12,2), updated_at DATETIME)`);
    await conn.query(fillSql(table, rows));

    // the peer: the mysql client's raw dump of the same table
    const dump = path.join(dir, 'dump.tsv');
    const args = ['--batch', '-h', t.host, '-P', String(t.port), '-u', t.user, ...(t.password ? [`-p${t.password}`] : []), t.database, '-e', `SELECT * FROM ${table}`];
    const fd = fs.openSync(dump, 'w');
    const d0 = performance.now();
    const r = spawnSync('mysql', args, { stdio: ['ignore', fd, 'pipe'] });
    const dumpMs = performance.now() - d0;
    fs.closeSync(fd);
    if (r.status !== 0) throw new Error(`mysql --batch failed: ${r.stderr?.toString()}`);
    const dumpLines = fs.readFileSync(dump, 'utf8').split('\n').length - 2;
    if (dumpLines !== rows) throw new Error(`mysql dumped ${dumpLines} rows, expected ${rows}`);
    fs.rmSync(dump);

    // govhub: a full sync through the ingest pipeline into a lake version
    p = await openPlatform(loadConfig({ dataDir: path.join(dir, 'data'), secretKey: 'bench', sourceAllow: ['127.0.0.0/8'] }, {}), { log: pino({ level: 'warn' }), memoryControlPlane: true });
    const dept = await departments.create(p, SYSTEM, { code: 'bench', name: '基准测试局', regionCode: '330100' });
    await datasetAdmin.create(p, SYSTEM, { code: 'bench_people', name: '人口', departmentId: dept.id, primaryKey: ['id'], fields: FIELDS });
    const src = await sources.create(p, SYSTEM, {
      name: 'bench', datasetCode: 'bench_people', kind: 'mysql', password: t.password || null,
      settings: { host: t.host, port: t.port, user: t.user, database: t.database, table, mode: 'full' },
    });
    const s0 = performance.now();
    const run = await (await startRun(p, SYSTEM, src.id, 'manual')).done;
    const syncMs = performance.now() - s0;
    if (run.status !== 'succeeded') throw new Error(`sync failed: ${run.error}`);
    const ds = (await datasetByCode(p.db, 'bench_people'))!;
    if (ds.rowCount !== rows) throw new Error(`the lake has ${ds.rowCount} rows, expected ${rows} (rejected ${run.rowsRejected})`);

    const dumpRate = rows / (dumpMs / 1000);
    const syncRate = rows / (syncMs / 1000);
    log('');
    log(`  mysql --batch dump to a file   ${(dumpMs / 1000).toFixed(2)} s   ${Math.round(dumpRate).toLocaleString('en')} rows/s`);
    log(`  govhub full sync (checked)     ${(syncMs / 1000).toFixed(2)} s   ${Math.round(syncRate).toLocaleString('en')} rows/s   (${run.rowsAccepted.toLocaleString('en')} accepted, ${run.rowsRejected} rejected)`);
    log('');
    return {
      mysql_rows: rows, mysql_dump_rows_per_s: Math.round(dumpRate), mysql_sync_rows_per_s: Math.round(syncRate),
      ratio_vs_mysql_dump: Number((syncRate / dumpRate).toFixed(3)),
    };
  } finally {
    await p?.close().catch(() => {});
    await conn.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await conn.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => (c.destroy(), resolve(true)));
    c.on('error', () => resolve(false));
  });
}

/**
 * The publisher: its own process, a bare MQTT 5 client over one TCP socket (packets encoded by
 * mqtt-packet, the codec mqtt.js uses, written a window at a time), QoS 1, up to 2000 messages in
 * flight, each counted when its PUBACK arrives. A load generator that spends little CPU leaves the
 * machine to the broker and govhub, which are what is measured. Prints `done <ms> cpu <ms>`.
 */
const PUBLISHER = `
import net from 'node:net';
import mqttPacket from 'mqtt-packet';
const [host, port, topic, n, devices] = process.argv.slice(1);
const N = Number(n), D = Number(devices), WINDOW = 2000, base = Date.parse('2024-01-01T00:00:00Z'), opts = { protocolVersion: 5 };
const sock = net.connect(Number(port), host);
sock.setNoDelay(true);
const parser = mqttPacket.parser(opts);
let sent = 0, acked = 0, t0 = 0;
const pump = () => {
  const out = [];
  while (sent < N && sent - acked < WINDOW) {
    const i = sent++;
    out.push(mqttPacket.generate({ cmd: 'publish', topic: topic + '/dev' + (i % D) + '/pm25', payload: '{"value":' + (i % 500) + ',"time":' + (base + i) + '}',
      qos: 1, messageId: (i % 65535) + 1, retain: false, dup: false }, opts));
  }
  if (out.length) sock.write(Buffer.concat(out));
};
const finished = new Promise((resolve, reject) => {
  parser.on('packet', (p) => {
    if (p.cmd === 'connack') {
      if (p.reasonCode) return reject(new Error('connack ' + p.reasonCode));
      t0 = performance.now();
      pump();
    } else if (p.cmd === 'puback') {
      if (p.reasonCode) return reject(new Error('puback ' + p.reasonCode));
      if (++acked === N) resolve();
      else if (sent - acked < WINDOW / 2) pump();
    }
  });
  parser.on('error', reject);
  sock.on('error', reject);
});
sock.on('data', (d) => parser.parse(d));
sock.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'bench-pub-' + process.pid, clean: true, keepalive: 60 }, opts));
await finished;
const cpu = process.cpuUsage();
console.log('done ' + Math.round(performance.now() - t0) + ' cpu ' + Math.round((cpu.user + cpu.system) / 1000));
sock.end(mqttPacket.generate({ cmd: 'disconnect' }, opts));
`;

/** CPU time (user + system, ms) a process has used so far, from /proc (0 where there is none). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

async function mqttBench(messages: number, log: (s: string) => void): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-bench-mqtt-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 0', 'max_inflight_messages 0', 'log_type none', ''].join('\n'));
  fs.chmodSync(dir, 0o755);
  const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  let p: Platform | null = null;
  let handle: Awaited<ReturnType<typeof startSources>> | null = null;
  try {
    for (let i = 0; !(await listening(port)); i++) {
      if (i > 100) throw new Error('mosquitto did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = `mqtt://127.0.0.1:${port}`;
    p = await openPlatform(loadConfig({ dataDir: path.join(dir, 'data'), secretKey: 'bench', sourceAllow: ['127.0.0.0/8'] }, {}), { log: pino({ level: 'warn' }), memoryControlPlane: true });
    const dept = await departments.create(p, SYSTEM, { code: 'bench', name: '基准测试局', regionCode: '330100' });
    await datasetAdmin.create(p, SYSTEM, { code: 'bench_sensors', name: '传感器', departmentId: dept.id, ...SENSOR_DATASET });
    const topic = `bench/${process.pid}`;
    const src = await sources.create(p, SYSTEM, {
      name: 'bench', datasetCode: 'bench_sensors', kind: 'mqtt',
      settings: { url, topics: [`${topic}/#`], topicTemplate: `${topic}/{device}/{metric}`, batchSeconds: 1, batchMessages: 50_000 },
    });
    handle = await startSources(p, { scheduler: false, pollSeconds: 3600 });
    const sub = handle.subscribers.get(src.id)!;
    for (let i = 0; !sub.stats.connected; i++) {
      if (i > 200) throw new Error('the subscriber did not connect');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300)); // the subscription is acknowledged

    const cpu0 = { govhub: process.cpuUsage(), broker: cpuMs(broker.pid) };
    const t0 = performance.now();
    const pub = spawn(process.execPath, ['--input-type=module', '-e', PUBLISHER, '127.0.0.1', String(port), topic, String(messages), '500'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
    let pubOut = '';
    pub.stdout!.on('data', (d: Buffer) => (pubOut += d.toString()));
    const pubDone = new Promise<{ ms: number; cpuMs: number }>((resolve, reject) =>
      pub.on('exit', (code) => {
        const m = /done (\d+) cpu (\d+)/.exec(pubOut);
        if (code === 0 && m) resolve({ ms: Number(m[1]), cpuMs: Number(m[2]) });
        else reject(new Error(`publisher exited ${code}`));
      }),
    );

    let receivedAll = 0;
    const watch = setInterval(() => {
      if (!receivedAll && sub.stats.received >= messages) receivedAll = performance.now() - t0;
    }, 5);
    const ds = (await datasetByCode(p.db, 'bench_sensors'))!;
    const inLake = async () => Number((await p!.lake.version(ds.id))?.rowCount ?? 0);
    const { ms: pubMs, cpuMs: pubCpuMs } = await pubDone;
    // every message in the lake, or nothing more arriving for 30 s (the lake is asked each time a batch is written)
    let landed = await inLake();
    let written = sub.stats.written;
    let lastChange = performance.now();
    let tEnd = performance.now();
    while (landed < messages && performance.now() - lastChange < 30_000) {
      await new Promise((r) => setTimeout(r, 20));
      if (sub.stats.written === written) continue;
      written = sub.stats.written;
      const n = await inLake();
      if (n !== landed) {
        landed = n;
        lastChange = tEnd = performance.now();
      }
    }
    clearInterval(watch);
    const ms = tEnd - t0;
    const rate = landed / (ms / 1000);
    const used = process.cpuUsage(cpu0.govhub);
    const perMsg = (cpuMs: number) => Number(((cpuMs * 1000) / messages).toFixed(1));
    const cpu = { govhub: perMsg((used.user + used.system) / 1000), broker: perMsg(cpuMs(broker.pid) - cpu0.broker), publisher: perMsg(pubCpuMs) };
    log(`  publisher: ${messages.toLocaleString('en')} QoS 1 messages in ${(pubMs / 1000).toFixed(2)} s (${Math.round(messages / (pubMs / 1000)).toLocaleString('en')} msg/s)`);
    log(`  govhub: ${landed.toLocaleString('en')} readings in the lake ${(ms / 1000).toFixed(2)} s after the first publish, in ${sub.stats.versions} versions (the last message received after ${(receivedAll / 1000).toFixed(2)} s): ${Math.round(rate).toLocaleString('en')} msg/s`);
    log(`  CPU per message: govhub ${cpu.govhub} µs, mosquitto ${cpu.broker} µs, publisher ${cpu.publisher} µs`);
    log('');
    return {
      mqtt_messages: messages, mqtt_publish_msgs_per_s: Math.round(messages / (pubMs / 1000)),
      mqtt_received_msgs_per_s: receivedAll ? Math.round(messages / (receivedAll / 1000)) : 0, mqtt_msgs_per_s: Math.round(rate), mqtt_lost: messages - landed,
      mqtt_govhub_cpu_us_per_msg: cpu.govhub, mqtt_broker_cpu_us_per_msg: cpu.broker, mqtt_publisher_cpu_us_per_msg: cpu.publisher,
    };
  } finally {
    await handle?.stop().catch(() => {});
    await p?.close().catch(() => {});
    broker.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(opts: ConnectorsBenchOptions = {}): Promise<Record<string, number>> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const figures: Record<string, number> = {};
  log(`connectors benchmark — ${os.cpus().length} CPU(s), node ${process.version}`);
  if (opts.mysql !== false) Object.assign(figures, await mysqlBench(opts.rows ?? 1_000_000, log));
  if (opts.mqtt !== false) Object.assign(figures, await mqttBench(opts.messages ?? 200_000, log));
  for (const [k, v] of Object.entries(figures)) log(`${k}=${v}`);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run({
    rows: arg('--rows') ? Number(arg('--rows')) : undefined, messages: arg('--messages') ? Number(arg('--messages')) : undefined,
    mysql: !process.argv.includes('--skip-mysql'), mqtt: !process.argv.includes('--skip-mqtt'),
  }).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
