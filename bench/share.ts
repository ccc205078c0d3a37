/**
 * Data-service benchmark: a filtered 100-row page of a 10M-row person dataset read by another
 * department through `GET /api/v1/data/{dataset}` — the share guard (grant, masks, bound filter)
 * and the access trail (hash-chained audit event with subject keys, usage count) on every read —
 * at 32 connections (autocannon), against the peer measured in the same run: the same rows in a
 * PostgreSQL table with a B-tree index on the filter column, served by a minimal Fastify server
 * (`SELECT … WHERE jd = $1 LIMIT 100` through a pg.Pool of 32, the same masks and subject keys in SQL).
 *
 *   npm run bench -- share [--rows N] [--duration S] [--connections N] [--database-url URL]
 *
 * Then, in this process: the added cost of the trail per read (dataRead against the guarded query
 * alone, and recordRead by itself), the floor (the raw DuckDB query over the Parquet: no guard, no
 * masks, no HTTP), and where a read's time goes (control-plane round trips by kind, DuckDB, the rest).
 * The govhub control plane is a PostgreSQL server in a schema of its own (PGlite when none answers).
 * Ends with one key=value line per figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { performance as perfHooks } from 'node:perf_hooks';
import Fastify from 'fastify';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { datasets } from '../src/catalog/index.ts';
import { ensureAdmin } from '../src/identity/index.ts';
import type { Queryable } from '../src/control/index.ts';
import type { Caller } from '../src/kernel/index.ts';
import { loadConfig } from '../src/kernel/index.ts';
import { literal, literalList, pseudonym } from '../src/lake/index.ts';
import { openPlatform, type Platform } from '../src/platform.ts';
import { buildApp } from '../src/server/index.ts';
import { dataRead, planRead, recordRead } from '../src/share/index.ts';
import { piiFigures } from './pii.ts';
import { arg, defaultPgUrl, printTable, ratio, timed, withPostgres, dropSchema, reachable, httpLoad } from './_peers.ts';

export interface ShareBenchOptions {
  rows?: number;
  durationS?: number;
  connections?: number;
  /** Reads of each in-process timing (trail overhead, floor, profile). */
  samples?: number;
  databaseUrl?: string | null;
  log?: (line: string) => void;
}

const CODE = 'P_BENCH';
const FIELDS = [
  { name: 'gmsfhm', title: '公民身份号码', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3', mask: 'name' },
  { name: 'xb', title: '性别', type: 'string', sensitivity: 'L1' },
  { name: 'csrq', title: '出生日期', type: 'date', sensitivity: 'L3' },
  { name: 'lxdh', title: '联系电话', type: 'string', element: 'mobile', sensitivity: 'L3' },
  { name: 'qx', title: '区县', type: 'string', sensitivity: 'L1' },
  { name: 'jd', title: '街道', type: 'string', sensitivity: 'L1' },
  { name: 'nl', title: '年龄', type: 'integer', sensitivity: 'L2' },
];
const FIELD_LIST = FIELDS.map((f) => f.name).join(',');

/** Twelve district codes of Hangzhou; each has up to 13 streets (150 in all), coded district + 3 digits. */
const DISTRICTS = ['330102', '330105', '330106', '330108', '330109', '330110', '330111', '330112', '330113', '330114', '330122', '330127'];
const STREET_COUNT = 150;
const STREETS = Array.from({ length: STREET_COUNT }, (_, s) => `${DISTRICTS[Math.floor(s / 13)]}${String((s % 13) + 1).padStart(3, '0')}`);

const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
const pick = (xs: string[], h: string) => `${list(xs)}[1 + (${h} % ${xs.length})::INTEGER]`;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A DuckDB query generating `rows` deterministic residents: valid 18-digit ID numbers (district,
 * birth date, sequence with the sex digit, GB 11643 check digit), name, sex, birth date, mobile,
 * district, street and age — sorted by street, so each street's rows sit in one or two row groups
 * and the Parquet min/max statistics of `jd` let DuckDB skip every other row group.
 */
export function personSql(rows: number): string {
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '潘', '蒋', '蔡', '叶', '欧阳'];
  const given = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '华', '建国', '志强', '晓东', '丹', '萍', '鑫', '宇', '浩', '婷', '雪', '琳', '子涵', '梓萱'];
  const checkSum = WEIGHTS.map((w, k) => `substr(id17, ${k + 1}, 1)::INTEGER * ${w}`).join(' + ');
  return `
WITH b AS (
  SELECT i, hash(i, 1) AS h1, hash(i, 2) AS h2, hash(i, 3) AS h3, hash(i, 4) AS h4, (hash(i, 5) % ${STREET_COUNT})::INTEGER AS s
  FROM range(${rows}) t(i)
), p AS (
  SELECT *, ${list(DISTRICTS)}[1 + s // 13] AS qx, DATE '1936-01-01' + (h2 % 32000)::INTEGER AS csrq, (h1 % 2)::INTEGER AS male FROM b
), q AS (
  SELECT *, qx || strftime(csrq, '%Y%m%d') || lpad(((h3 % 500) * 2 + male)::VARCHAR, 3, '0') AS id17 FROM p
)
SELECT
  id17 || substr('10X98765432', 1 + ((${checkSum}) % 11)::INTEGER, 1) AS gmsfhm,
  ${pick(surnames, 'h2 // 7')} || ${pick(given, 'h3 // 11')} AS xm,
  CASE WHEN male = 1 THEN '1' ELSE '2' END AS xb,
  csrq,
  '1' || ${pick(['3', '5', '7', '8', '9'], 'h4 // 3')} || lpad((h4 % 1000000000)::VARCHAR, 9, '0') AS lxdh,
  qx,
  qx || lpad((s % 13 + 1)::VARCHAR, 3, '0') AS jd,
  date_sub('year', csrq, DATE '2026-06-01')::INTEGER AS nl
FROM q
ORDER BY jd`;
}

/** The page each request asks for: one street (bound parameter), 100 rows, every field (four of them masked). */
const pagePath = (street: string) => `/api/v1/data/${CODE}?filter=${encodeURIComponent(JSON.stringify({ jd: { eq: street } }))}&limit=100&fields=${FIELD_LIST}`;

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / (xs.length || 1);

/** CPU milliseconds (user + system) of each PostgreSQL server process on this machine (empty where /proc cannot tell). */
function postgresCpu(): Map<string, number> {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const cpu = new Map<string, number>();
  for (const pid of fs.existsSync('/proc') ? fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)) : []) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(pid, (Number(f[11]) + Number(f[12])) * tick);
    } catch { /* the process ended */ }
  }
  return cpu;
}

/** CPU the PostgreSQL server spent since `before` (processes that ended meanwhile are left out: a lower bound). */
function postgresCpuSince(before: Map<string, number>): number {
  let ms = 0;
  for (const [pid, t] of postgresCpu()) ms += t - (before.get(pid) ?? 0);
  return ms;
}

/** CPU of this process and of the PostgreSQL server over fn, per unit of work fn reports. */
async function cpuPer<T extends { units: number }>(fn: () => Promise<T>): Promise<T & { ownMs: number; pgMs: number }> {
  const own = process.cpuUsage();
  const pg0 = postgresCpu();
  const r = await fn();
  const used = process.cpuUsage(own);
  return { ...r, ownMs: round((used.user + used.system) / 1000 / r.units, 2), pgMs: round(postgresCpuSince(pg0) / r.units, 2) };
}

/** `workers` loops running `read` for `seconds`: reads per second and mean latency, in this process (no HTTP). */
async function closedLoop(workers: number, seconds: number, read: (i: number) => Promise<unknown>): Promise<{ units: number; rps: number; ms: number }> {
  const end = performance.now() + seconds * 1000;
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let i = w; performance.now() < end; i += workers) {
      const a = performance.now();
      await read(i);
      lat.push(performance.now() - a);
    }
  }));
  return { units: lat.length, rps: Math.round(lat.length / ((performance.now() - t0) / 1000)), ms: round(mean(lat)) };
}

interface LoadFigures { p50: number; p99: number; rps: number; requests: number }
function loadFigures(latencies: number[], seconds: number): LoadFigures {
  latencies.sort((a, b) => a - b);
  return { p50: round(pct(latencies, 50)), p99: round(pct(latencies, 99)), rps: Math.round(latencies.length / seconds), requests: latencies.length };
}


/** The street paths in a fixed shuffled order: consecutive requests hit streets far apart in the file, not neighbouring row groups. */
function shuffledPaths(): string[] {
  let a = 2026;
  const next = () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 4294967296);
  return [...STREETS].sort(() => next() - 0.5).map(pagePath);
}

/**
 * Where a read's time goes: wraps the platform's control-plane connection and DuckDB reader in
 * place and adds up, per kind of statement, how many ran and how long they took.
 */
class Profile {
  readonly spent = new Map<string, { n: number; ms: number }>();
  on = false;
  add(kind: string, ms: number) {
    if (!this.on) return;
    const s = this.spent.get(kind) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += ms;
    this.spent.set(kind, s);
  }
  reset() {
    this.spent.clear();
  }
  static kind(sql: string): string {
    if (/FROM tokens/.test(sql)) return 'token lookup';
    if (/UPDATE tokens/.test(sql)) return 'token last-used update';
    if (/FROM share_grants/.test(sql)) return 'grant lookup';
    if (/FROM dataset_versions/.test(sql)) return 'version lookup';
    if (/FROM datasets/.test(sql)) return 'dataset lookup';
    if (/pg_advisory_xact_lock/.test(sql)) return 'audit: advisory lock (wait included)';
    if (/FROM audit_events/.test(sql)) return 'audit: chain head';
    if (/INSERT INTO audit_events/.test(sql)) return 'audit: insert event';
    if (/audit_checkpoints/.test(sql)) return 'audit: checkpoint';
    if (/INSERT INTO share_usage/.test(sql)) return 'usage upsert';
    if (/FROM share_usage/.test(sql)) return 'anomaly check (usage select)';
    return `other: ${sql.replace(/\s+/g, ' ').slice(0, 50)}`;
  }
  /** Instrument p.db (and every transaction's connection) and p.lakeReader. */
  install(p: Platform) {
    // each statement is added to its kind; `inner` (a transaction's own statements) also to that transaction
    const wrap = <Q extends Queryable>(q: Q, inner?: { ms: number }): Q => {
      const timedCall = <A extends unknown[], R>(fn: (sql: string, ...rest: A) => Promise<R>) => async (sql: string, ...rest: A): Promise<R> => {
        const t0 = performance.now();
        try {
          return await fn(sql, ...rest);
        } finally {
          const ms = performance.now() - t0;
          this.add(Profile.kind(sql), ms);
          if (inner) inner.ms += ms;
        }
      };
      q.query = timedCall(q.query.bind(q)) as Q['query'];
      q.one = timedCall(q.one.bind(q)) as Q['one'];
      return q;
    };
    const db = p.db;
    const transaction = db.transaction.bind(db);
    wrap(db);
    db.transaction = (async <T>(fn: (tx: Queryable) => Promise<T>) => {
      const t0 = performance.now();
      const inner = { ms: 0 };
      try {
        return await transaction((tx) => fn(wrap(tx, inner)));
      } finally {
        this.add('transaction: pool checkout + BEGIN/COMMIT', performance.now() - t0 - inner.ms);
      }
    }) as typeof db.transaction;
    const reader = p.lakeReader;
    const lakeQuery = reader.query.bind(reader);
    reader.query = (async (sql: string, params?: unknown[], opts?: { timeoutMs?: number }) => {
      const t0 = performance.now();
      try {
        return await lakeQuery(sql, params, opts);
      } finally {
        this.add('DuckDB query (guarded SQL, masks, subject keys)', performance.now() - t0);
      }
    }) as typeof reader.query;
  }
  /** Rows of the profile table: per read, statements and milliseconds of each kind. */
  rows(reads: number): string[][] {
    return [...this.spent.entries()].sort((a, b) => b[1].ms - a[1].ms)
      .map(([k, s]) => [k, round(s.n / reads, 2).toString(), round(s.ms / reads, 3).toString()]);
  }
}

export async function run(opts: ShareBenchOptions = {}): Promise<Record<string, number | string>> {
  const rows = opts.rows ?? 10_000_000;
  const duration = opts.durationS ?? 20;
  const connections = opts.connections ?? 32;
  const samples = opts.samples ?? 300;
  const log = opts.log ?? ((s: string) => console.log(s));
  const out: Record<string, number | string> = {};
  const table: string[][] = [];
  log(`share bench: ${rows.toLocaleString('en')} rows, ${STREET_COUNT} streets, ${connections} connections, ${duration} s per side, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-bench-share-'));
  fs.chmodSync(dir, 0o755);
  const pgUrl = opts.databaseUrl === undefined ? defaultPgUrl() : opts.databaseUrl;
  // the control plane of production (a PostgreSQL server, a schema of its own) when it can be reached, else embedded PGlite
  const schema = `bench_share_cp_${process.pid}`;
  const onServer = !!pgUrl && (await reachable(pgUrl));
  const config = loadConfig({ dataDir: path.join(dir, 'data'), databaseUrl: onServer ? pgUrl! : undefined, adminPassword: 'bench-pass-2026', secretKey: 'bench-share-key' }, {});
  const p = await openPlatform(config, { log: pino({ level: 'silent' }), memoryControlPlane: !onServer, schema: onServer ? schema : undefined });
  const key = p.config.secretKey ?? '';
  const parquet = path.join(dir, 'person.parquet');
  const csv = path.join(dir, 'person.csv');
  log(`govhub control plane: ${onServer ? `PostgreSQL (schema ${schema})` : 'PGlite in memory'}; DuckDB threads ${(await p.dataLake.query<{ t: number }>(`SELECT current_setting('threads') AS t`))[0]!.t}`);
  try {
    // 1. the data: one Parquet file sorted by street, written by DuckDB from range()
    const gen = await timed(() => p.dataLake.query(`COPY (${personSql(rows)}) TO ${literal(parquet)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`));
    log(`generated ${path.basename(parquet)}: ${(fs.statSync(parquet).size / 1e6).toFixed(0)} MB in ${(gen.ms / 1000).toFixed(1)} s (sorted by jd)`);

    await ensureAdmin(p);
    const app = await buildApp(p, { web: false, logger: false, rateLimitPerMinute: 100_000_000 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const call = async (method: string, url: string, body?: unknown, auth?: string) => {
        const res = await fetch(`${origin}/api/v1${url}`, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: auth } : {}) }, body: body ? JSON.stringify(body) : undefined });
        if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
        return res.json() as Promise<Record<string, unknown>>;
      };
      const login = async (username: string, password: string) => `Bearer ${(await call('POST', '/auth/login', { username, password })).token}`;

      // 2. department A (公安局) owns the dataset; department B (民政局) reads it under a grant
      const admin = await login('admin', 'bench-pass-2026');
      const dept: Record<string, string> = {};
      for (const [code, name] of [['GA', '公安局'], ['MZ', '民政局']]) {
        dept[code] = (await call('POST', '/departments', { code, name, regionCode: '330100' }, admin)).id as string;
        await call('POST', '/users', { username: `officer_${code.toLowerCase()}`, displayName: `${name}专员`, password: 'officer-pass-2026', role: 'officer', departmentId: dept[code] }, admin);
      }
      const officerA = await login('officer_ga', 'officer-pass-2026');
      const officerB = await login('officer_mz', 'officer-pass-2026');
      const ds = await call('POST', '/datasets', { code: CODE, name: '人口基准数据', departmentId: dept.GA, fields: FIELDS, shareType: 'unconditional' }, officerA);
      await call('POST', `/datasets/${CODE}/submit`, undefined, officerA);
      await call('POST', `/datasets/${CODE}/publish`, undefined, admin);
      const write = await timed(() => p.dataLake.write({ datasetId: ds.id as string, mode: 'replace', from: { parquet: [parquet] } }));
      const version = write.out;
      if (version.rowCount !== rows) throw new Error(`the lake wrote ${version.rowCount} rows, expected ${rows}`);
      log(`lake version ${version.version}: ${rows.toLocaleString('en')} rows in ${version.files.length} file(s), ${(version.files.reduce((n, f) => n + f.bytes, 0) / 1e6).toFixed(0)} MB, written in ${(write.ms / 1000).toFixed(1)} s`);
      const scan = p.lakeReader.scan(version);
      // row-group skipping: how many row groups' jd statistics can hold one street
      const stats = await p.dataLake.query<{ groups: number; per_street: number }>(`
        WITH g AS (SELECT stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata(${literalList(version.files.map((f) => path.join(p.lake.dataDir, f.path)))}) WHERE path_in_schema = 'jd')
        SELECT (SELECT count(*) FROM g)::INTEGER AS groups, (SELECT avg(n) FROM (SELECT (SELECT count(*) FROM g WHERE s BETWEEN lo AND hi) AS n FROM unnest(${list(STREETS)}) u(s)))::DOUBLE AS per_street`);
      const { groups, per_street: perStreet } = stats[0]!;
      out.row_groups = groups;
      out.row_groups_per_street = round(perStreet);
      log(`row groups: ${groups}; sorted by jd, one street's rows lie in ${round(perStreet)} row group(s) on average — min/max statistics let DuckDB skip the others`);

      const request = await call('POST', '/share/requests', { dataset: CODE, purpose: '基准测试：按街道核对人员', fields: FIELDS.map((f) => f.name), validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString() }, officerB);
      if (request.status !== 'approved') throw new Error(`the request was not granted at once: ${JSON.stringify(request)}`);
      const token = await call('POST', '/tokens', { name: 'bench-share', expiresInDays: 1 }, officerB);
      const bearer = `Bearer ${token.token as string}`;
      const sample = await fetch(`${origin}${pagePath(STREETS[7]!)}`, { headers: { authorization: bearer } });
      const body = await sample.json() as { rows: Record<string, unknown>[]; columns: { name: string; masked: boolean }[] };
      if (sample.status !== 200 || body.rows.length !== 100) throw new Error(`sample read: ${sample.status} ${JSON.stringify(body).slice(0, 300)}`);
      log(`grant ${request.grantId as string}: masked ${body.columns.filter((c) => c.masked).map((c) => c.name).join(', ')}; first row ${JSON.stringify(body.rows[0])}`);

      // 3. the filtered 100-row page through HTTP, 32 connections
      const paths = shuffledPaths();
      const elu = perfHooks.eventLoopUtilization();
      const load = await cpuPer(async () => {
        const l = await httpLoad({ url: origin, connections, duration, headers: { authorization: bearer }, paths });
        return { ...l, units: l.latencies.length };
      });
      const busy = perfHooks.eventLoopUtilization(elu);
      if (load.bad || load.errors) throw new Error(`the data service answered ${load.bad} non-200 responses and ${load.errors} errors`);
      const g = loadFigures(load.latencies, load.seconds);
      out.data_api_p50_ms = g.p50;
      out.data_api_p99_ms = g.p99;
      out.data_api_rps = g.rps;
      out.server_thread_busy_pct = Math.round(busy.utilization * 100);
      out.data_api_cpu_ms_per_read = load.ownMs;
      out.data_api_postgres_cpu_ms_per_read = load.pgMs;
      log(`server thread busy ${out.server_thread_busy_pct}% of the run; CPU per read: ${load.ownMs} ms in this process (Node + DuckDB threads + the load worker), ${load.pgMs} ms in the PostgreSQL server (control plane)`);
      table.push(['govhub GET /api/v1/data (guard, masks, trail)', String(g.requests), String(g.p50), String(g.p99), String(g.rps)]);

      // where the time goes: the same load, shorter, with every control-plane statement and DuckDB query timed
      const prof = new Profile();
      prof.install(p);
      // requests still in flight when a load stops are answered afterwards: let them finish first
      const drain = () => new Promise((r) => setTimeout(r, Math.max(1000, 2 * g.p99)));
      await drain();
      const profiled = async (label: string, fn: () => Promise<{ reads: number; latency: number }>) => {
        prof.reset();
        prof.on = true;
        const { reads, latency } = await fn();
        prof.on = false;
        const accounted = [...prof.spent.values()].reduce((s, x) => s + x.ms, 0) / reads;
        printTable(log, [`per read, ${label}`, 'statements', 'ms'], [
          ...prof.rows(reads),
          // under load this is approximate: the statements of the reads in flight at the end are spread over all reads
          ['the rest: HTTP, auth, JSON, guard planning, waits for a pooled connection', '', round(latency - accounted, 3).toString()],
          ['one read (mean latency)', '', round(latency, 3).toString()],
        ]);
        return { accounted, latency };
      };
      await profiled('one connection, one read at a time', async () => {
        const t0 = performance.now();
        for (let i = 0; i < samples; i++) {
          const r = await fetch(`${origin}${pagePath(STREETS[i % STREET_COUNT]!)}`, { headers: { authorization: bearer } });
          if (r.status !== 200) throw new Error(`profile read ${r.status}`);
          await r.arrayBuffer();
        }
        return { reads: samples, latency: (performance.now() - t0) / samples };
      });
      await profiled(`${connections} connections`, async () => {
        const l = await httpLoad({ url: origin, connections, duration: Math.min(10, duration), headers: { authorization: bearer }, paths });
        await drain();
        // every connection had one request in flight when the load stopped: it ran too
        return { reads: l.latencies.length + l.bad + connections, latency: mean(l.latencies) };
      });

      // 4. the trail's added cost, the guard's, and the floor — in this process, one read at a time
      const u = (await p.db.one<{ id: string; username: string; display_name: string }>(`SELECT id, username, display_name FROM users WHERE username = 'officer_mz'`))!;
      const caller: Caller = { id: u.id, username: u.username, displayName: u.display_name, role: 'officer', departmentId: dept.MZ!, tokenId: token.id as string };
      const dataset = await datasets.get(p, caller, CODE);
      const fields = FIELDS.map((f) => f.name);
      const filterOf = (i: number) => ({ jd: { eq: STREETS[(i * 37) % STREET_COUNT]! } });
      const t = { full: [] as number[], guarded: [] as number[], plan: [] as number[], trail: [] as number[], floor: [] as number[] };
      const subjects = new Set<string>();
      for (let i = 0; i < samples; i++) {
        const a = performance.now();
        await dataRead(p, caller, dataset, { fields, filter: filterOf(i), limit: 100 });
        const b = performance.now();
        const plan = await planRead(p, caller, dataset, { fields, filter: filterOf(i) });
        const c = performance.now();
        const raw = await p.lakeReader.query<{ __subjects: string[] }>(`${plan.sql} LIMIT 101 OFFSET 0`, plan.params);
        const d = performance.now();
        subjects.clear();
        for (const r of raw.slice(0, 100)) for (const s of r.__subjects) subjects.add(s);
        await recordRead(p, caller, plan, { via: 'api', rows: 100, subjects, extra: { format: 'json', offset: 0, limit: 100, sort: null, more: true } });
        const e = performance.now();
        await p.dataLake.query(`SELECT * FROM ${scan} WHERE jd = ? LIMIT 100`, [filterOf(i).jd.eq]);
        const f = performance.now();
        t.full.push(b - a);
        t.plan.push(c - b);
        t.guarded.push(d - b);
        t.trail.push(e - d);
        t.floor.push(f - e);
      }
      const p50 = (xs: number[]) => round(pct([...xs].sort((x, y) => x - y), 50), 3);
      const m = (xs: number[]) => round(mean(xs), 3);
      out.read_inprocess_ms = m(t.full);
      out.guarded_query_ms = m(t.guarded);
      out.trail_overhead_ms = round(mean(t.full) - mean(t.guarded), 3);
      out.record_read_mean_ms = m(t.trail);
      out.record_read_p50_ms = p50(t.trail);
      out.floor_ms = m(t.floor);
      out.floor_p50_ms = p50(t.floor);
      printTable(log, [`in this process, ${samples} reads each, one at a time`, 'mean ms', 'p50 ms'], [
        ['dataRead (guard + masked query + trail), no HTTP', String(m(t.full)), String(p50(t.full))],
        ['  planRead (grant + version lookups, SQL built)', String(m(t.plan)), String(p50(t.plan))],
        ['  planRead + masked query (no trail)', String(m(t.guarded)), String(p50(t.guarded))],
        ['  recordRead alone (audit append + usage upsert + anomaly check, 100 subject keys)', String(m(t.trail)), String(p50(t.trail))],
        ['floor: raw DuckDB over the Parquet (WHERE jd = ? LIMIT 100, no guard, no masks)', String(m(t.floor)), String(p50(t.floor))],
      ]);

      // the ceiling each layer sets: the same reads from `connections` concurrent loops in this process, no HTTP
      const secs = Math.min(5, duration);
      const layers: [string, string, (i: number) => Promise<unknown>][] = [
        ['floor: raw DuckDB query', 'floor', (i) => p.dataLake.query(`SELECT * FROM ${scan} WHERE jd = ? LIMIT 100`, [filterOf(i).jd.eq])],
        ['masked DuckDB query alone (the guard\'s SQL, plan made once)', 'masked', async (i) => {
          const plan = await planRead(p, caller, dataset, { fields, filter: filterOf(i) });
          return p.lakeReader.query(`${plan.sql} LIMIT 101 OFFSET 0`, plan.params);
        }],
        ['planRead + masked query (guard, no trail)', 'guarded', async (i) => {
          const plan = await planRead(p, caller, dataset, { fields, filter: filterOf(i) });
          return p.lakeReader.query(`${plan.sql} LIMIT 101 OFFSET 0`, plan.params);
        }],
        ['dataRead (guard + trail)', 'dataread', (i) => dataRead(p, caller, dataset, { fields, filter: filterOf(i), limit: 100 })],
      ];
      // the masked query alone: its plan made once per street beforehand, so no control-plane round trip is timed
      const plans = new Map<string, Awaited<ReturnType<typeof planRead>>>();
      for (const st of STREETS) plans.set(st, await planRead(p, caller, dataset, { fields, filter: { jd: { eq: st } } }));
      layers[1]![2] = (i) => {
        const plan = plans.get(filterOf(i).jd.eq)!;
        return p.lakeReader.query(`${plan.sql} LIMIT 101 OFFSET 0`, plan.params);
      };
      const ceilings: string[][] = [];
      for (const [label, name, read] of layers) {
        const r = await cpuPer(() => closedLoop(connections, secs, read));
        out[`inprocess_${name}_rps`] = r.rps;
        ceilings.push([label, String(r.rps), String(r.ms), String(r.ownMs), String(r.pgMs)]);
      }
      printTable(log, [`in this process, ${connections} concurrent loops, ${secs} s each`, 'reads/s', 'mean ms', 'CPU ms/read (here)', 'CPU ms/read (PostgreSQL)'], ceilings);
    } finally {
      await app.close();
    }

    // 5. the PostgreSQL peer: the same rows (COPY from the CSV of the same Parquet), B-tree on jd, Fastify + pg.Pool
    await p.dataLake.query(`COPY (SELECT * FROM read_parquet(${literal(parquet)})) TO ${literal(csv)} (FORMAT csv, HEADER true)`);
    await withPostgres(opts.databaseUrl, 'bench_share', log, async (client, pgSchema, url) => {
      const ver = (await client.query(`SHOW server_version`)).rows[0].server_version as string;
      await client.query(`CREATE TABLE person (gmsfhm varchar(18), xm text, xb char(1), csrq date, lxdh varchar(11), qx char(6), jd char(9), nl integer)`);
      const copy = await timed(() => pipeline(fs.createReadStream(csv), client.query(copyFrom(`COPY person FROM STDIN WITH (FORMAT csv, HEADER true)`))));
      const index = await timed(async () => {
        await client.query(`CREATE INDEX person_jd ON person (jd)`);
        await client.query(`ANALYZE person`);
      });
      log(`PostgreSQL ${ver}: COPY ${rows.toLocaleString('en')} rows in ${(copy.ms / 1000).toFixed(1)} s (pg-copy-streams), B-tree on jd + ANALYZE in ${(index.ms / 1000).toFixed(1)} s; rows in street order, as the Parquet`);
      // the same masks as the lake's macros (ID first 6 + last 4, name 张*丰, phone 138****5678, birth date → year)
      // and the same subject keys (the keyed pseudonym of the ID number), computed in SQL
      const k = `'${key.replaceAll("'", "''")}'`;
      const pseudo = `'P' || substr(encode(sha256(convert_to(${k} || encode(sha256(convert_to(${k} || gmsfhm, 'UTF8')), 'hex'), 'UTF8')), 'hex'), 1, 16)`;
      const sql = `SELECT left(gmsfhm, 6) || repeat('*', length(gmsfhm) - 10) || right(gmsfhm, 4) AS gmsfhm,
          CASE WHEN length(xm) <= 1 THEN repeat('*', length(xm)) WHEN length(xm) = 2 THEN left(xm, 1) || '*' ELSE left(xm, 1) || repeat('*', length(xm) - 2) || right(xm, 1) END AS xm,
          xb, extract(year FROM csrq)::int AS csrq, left(lxdh, 3) || repeat('*', length(lxdh) - 7) || right(lxdh, 4) AS lxdh, qx, jd, nl, ${pseudo} AS subject
        FROM person WHERE jd = $1 LIMIT 100`;
      const check = (await client.query(`SELECT ${pseudo} AS s FROM (SELECT $1::text AS gmsfhm) x`, ['330106199003071234'])).rows[0].s;
      if (check !== pseudonym('330106199003071234', key)) throw new Error(`the peer's subject key differs: ${check}`);
      const pool = new pg.Pool({ connectionString: url, max: connections, options: `-c search_path=${pgSchema}` });
      const peer = Fastify({ logger: false });
      peer.get('/api/v1/data/:code', async (req) => {
        const q = req.query as { filter?: string };
        const street = (JSON.parse(q.filter ?? '{}') as { jd?: { eq?: string } }).jd?.eq;
        const r = await pool.query(sql, [street]);
        // subject keys computed as govhub computes them, then left out of the answer (the peer keeps no trail)
        return { rows: r.rows.map(({ subject: _s, ...row }) => row) };
      });
      try {
        await peer.listen({ port: 0, host: '127.0.0.1' });
        await Promise.all(Array.from({ length: connections }, () => pool.query('SELECT 1')));
        const peerUrl = `http://127.0.0.1:${(peer.server.address() as { port: number }).port}`;
        const first = await (await fetch(`${peerUrl}${pagePath(STREETS[7]!)}`)).json() as { rows: unknown[] };
        if (first.rows.length !== 100) throw new Error(`the peer answered ${first.rows.length} rows`);
        log(`peer first row ${JSON.stringify(first.rows[0])}`);
        const l = await cpuPer(async () => {
          const r = await httpLoad({ url: peerUrl, connections, duration, headers: {}, paths: shuffledPaths() });
          return { ...r, units: r.latencies.length };
        });
        if (l.bad || l.errors) throw new Error(`the peer answered ${l.bad} non-200 responses and ${l.errors} errors`);
        const g = loadFigures(l.latencies, l.seconds);
        out.postgres_p50_ms = g.p50;
        out.postgres_p99_ms = g.p99;
        out.postgres_rps = g.rps;
        out.postgres_peer_cpu_ms_per_read = l.ownMs;
        out.postgres_peer_server_cpu_ms_per_read = l.pgMs;
        log(`peer CPU per read: ${l.ownMs} ms in this process (Fastify + pg + the load worker), ${l.pgMs} ms in the PostgreSQL server`);
        table.push([`PostgreSQL ${ver}: Fastify + pg.Pool ${connections}, B-tree on jd`, String(g.requests), String(g.p50), String(g.p99), String(g.rps)]);
      } finally {
        await peer.close();
        await pool.end();
      }
    });
  } finally {
    await p.close();
    if (onServer) await dropSchema(pgUrl!, schema);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const r = ratio(out.data_api_rps as number, out.postgres_rps as number);
  if (r !== undefined) out.ratio_rps_vs_postgres = r;
  printTable(log, [`filtered 100-row page, ${connections} connections, ${duration} s`, 'requests', 'p50 ms', 'p99 ms', 'requests/s'], table);

  log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (the machine is shared)`);

  // 6. the PII scanner's figures over the labelled columns
  const pii = await piiFigures();
  Object.assign(out, { pii_scanner_precision: pii.precision, pii_scanner_recall: pii.recall, pii_scanner_columns: pii.columns });
  for (const [name, v] of Object.entries(out)) log(`${name}=${v}`);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const num = (flag: string) => (arg(flag) === undefined ? undefined : Number(arg(flag)));
  run({ rows: num('--rows'), durationS: num('--duration'), connections: num('--connections'), samples: num('--samples'), databaseUrl: arg('--database-url') }).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
