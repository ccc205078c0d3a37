/**
 * Collision benchmark (碰 · 嵌): the two heaviest builder shapes of a collision rule over 10M × 1M
 * rows — A not in B (anti join on the ID number) and A joined to B where a field disagrees — compiled
 * by the rule builder (compileBuilder), on DuckDB over the Parquet files beside the same SQL on
 * PostgreSQL (B-tree on the join key of both tables, VACUUM ANALYZE) in the same run; the same two
 * rules through the rule engine's own path (lake versions, share guard, dry run); then the
 * ingest-commit → work-order latency of an embedded (arrival) rule on a running server.
 *
 *   npm run bench -- collide [--rows N] [--b-rows N] [--arrivals N] [--embedded-rows N] [--pg-work-mem 256MB] [--database-url URL]
 *
 * Data: A (10M benefit payments: id_number, name, district, amount, paid_on) and B (1M household
 * registrations: id_number, name, district, registered_on), generated deterministically by DuckDB from
 * range() and hash() and written with the lake's Parquet settings; 90% of B's keys are in A, and 1% of
 * those matches are registered in another district than A says. Each statement runs three times per
 * engine and form — COUNT(*) of the result, and CREATE TEMP TABLE … AS (a materialised result) — the
 * engines taking turns; the median counts, and the key figures are the materialising ones. PostgreSQL's
 * load and indexing times are printed, not put in the ratio; when it cannot be reached its figures are
 * skipped. Ends with one key=value line per figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import pino from 'pino';
import '../src/apps/collide/index.ts'; // registers the collide outcome (findings and work orders) with the rule engine
import { compileBuilder, RULE_ROWS_MAX, type BuilderQuery } from '../src/apps/rules/index.ts';
import { ensureAdmin } from '../src/identity/index.ts';
import { ingestFile } from '../src/ingest/index.ts';
import { type Caller, loadConfig } from '../src/kernel/index.ts';
import { Engine, literal, PARQUET_COPY_OPTIONS } from '../src/lake/index.ts';
import { openPlatform } from '../src/platform.ts';
import { buildApp } from '../src/server/index.ts';
import { idCardCheckDigit } from '../src/standards/index.ts';
import { arg, pgCopy, printTable, ratio, timed, withPostgres } from './_peers.ts';

export interface CollideBenchOptions {
  /** Rows of A (default 10M). */
  rows?: number;
  /** Rows of B (default 1M). */
  bRows?: number;
  /** Arrivals timed for the embedded rule (default 20; 0 skips it). */
  arrivals?: number;
  /** Rows of the embedded rule's dataset before the arrivals (default 1,000). */
  embeddedRows?: number;
  /** PostgreSQL work_mem for the peer's session (default 256MB: what a DBA would set for such joins; the server's own default is 4MB). */
  pgWorkMem?: string;
  databaseUrl?: string | null;
  log?: (line: string) => void;
}

export type CollideFigures = Record<string, number>;

/** Twelve district codes of Hangzhou. */
const DISTRICTS = ['330102', '330105', '330106', '330108', '330109', '330110', '330111', '330112', '330113', '330114', '330122', '330127'];
/** Share of B's rows whose key is in A, and share of those matches registered in another district. */
const MATCHED = 0.9;
const MOVED_PERCENT = 1;
/** A prime: j ↦ (j · STRIDE) mod rows spreads B's matched keys over all of A without repeats. */
const STRIDE = 1_000_003;
/** Distinct keys idSql can make (12 districts × 30,000 birth dates × 1,000 sequence numbers). */
const KEY_SPACE = 12 * 30_000 * 1000;

const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
const pick = (xs: string[], h: string) => `${list(xs)}[1 + (${h} % ${xs.length})::INTEGER]`;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平'];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The first 17 digits of the ID number of key i (a bijection on 0 … KEY_SPACE-1: region, birth date, sequence). */
const id17Sql = (i: string) =>
  `${list(DISTRICTS)}[1 + (${i} % 12)::INTEGER] || strftime(DATE '1940-01-01' + ((${i} // 12) % 30000)::INTEGER, '%Y%m%d') || lpad(((${i} // 360000) % 1000)::VARCHAR, 3, '0')`;
/** The full 18-character ID number: id17 with its GB 11643 check digit. */
const idSql = (id17: string) =>
  `${id17} || substr('10X98765432', 1 + ((${WEIGHTS.map((w, k) => `substr(${id17}, ${k + 1}, 1)::INTEGER * ${w}`).join(' + ')}) % 11)::INTEGER, 1)`;
const nameSql = (i: string) => `${pick(SURNAMES, `hash(${i}, 2) // 7`)} || ${pick(GIVEN, `hash(${i}, 3) // 11`)}`;
/** The district a key's person lives in (A's view; B agrees except for the moved ones). */
const districtNo = (i: string) => `(hash(${i}, 5) % 12)`;

/** A: `rows` benefit payments, one per key 0 … rows-1. */
export function aSql(rows: number): string {
  return `
WITH s AS (SELECT i, ${id17Sql('i')} AS id17 FROM range(${rows}) t(i))
SELECT ${idSql('id17')} AS id_number, ${nameSql('i')} AS name, ${list(DISTRICTS)}[1 + ${districtNo('i')}::INTEGER] AS district,
  (100 + (hash(i, 6) % 500000) / 100.0)::DECIMAL(12,2) AS amount, DATE '2024-01-01' + (hash(i, 7) % 181)::INTEGER AS paid_on
FROM s`;
}

/**
 * B: `bRows` registrations. Row j < matched holds A's key (j · STRIDE) mod rows; the rest hold keys
 * beyond A's range. A matched row whose hash(j, 8) % 100 < MOVED_PERCENT is registered in another district.
 */
export function bSql(rows: number, bRows: number): string {
  const matched = Math.round(bRows * MATCHED);
  return `
WITH j AS (
  SELECT j, j < ${matched} AS matched, hash(j, 8) % 100 < ${MOVED_PERCENT} AS moved,
    CASE WHEN j < ${matched} THEN (j * ${STRIDE}) % ${rows} ELSE ${rows} + j END AS i
  FROM range(${bRows}) t(j)
), s AS (SELECT *, ${id17Sql('i')} AS id17 FROM j)
SELECT ${idSql('id17')} AS id_number, ${nameSql('i')} AS name,
  ${list(DISTRICTS)}[1 + (CASE WHEN matched AND moved THEN (${districtNo('i')} + 1 + hash(j, 9) % 11) % 12 ELSE ${districtNo('i')} END)::INTEGER] AS district,
  DATE '2000-01-01' + (hash(i, 10) % 8000)::INTEGER AS registered_on
FROM s`;
}

/** What each rule must find, from the generator's own arithmetic (checked against every engine's answer). */
export function expected(rows: number, bRows: number): { anti: number; disagreeSql: string } {
  const matched = Math.round(bRows * MATCHED);
  return { anti: rows - matched, disagreeSql: `SELECT count(*)::BIGINT AS n FROM range(${matched}) t(j) WHERE hash(j, 8) % 100 < ${MOVED_PERCENT}` };
}

const PG_DDL = {
  a: `CREATE TABLE a (id_number varchar(18), name text, district char(6), amount numeric(12,2), paid_on date)`,
  b: `CREATE TABLE b (id_number varchar(18), name text, district char(6), registered_on date)`,
};

/** The rules' as-of date (the demo city's reference date). */
const AS_OF = '2024-06-30';
/** The two builder queries: A not in B on the ID number; A joined to B on it where the district differs. */
export const RULES: Record<'anti' | 'disagree', BuilderQuery> = {
  anti: { mode: 'builder', shape: 'anti', a: { dataset: 'A' }, b: { dataset: 'B' }, on: [{ a: 'id_number', b: 'id_number' }] },
  disagree: { mode: 'builder', shape: 'disagree', a: { dataset: 'A' }, b: { dataset: 'B' }, on: [{ a: 'id_number', b: 'id_number' }], compare: [{ a: 'district', b: 'district' }] },
};

/** The two rules' SQL, as the rule builder compiles it (compileBuilder), over the relations `a` and `b` name (a table, or read_parquet(…)). */
export function ruleSql(a: string, b: string): { anti: string; disagree: string } {
  return { anti: compileBuilder(RULES.anti, { a, b }, AS_OF), disagree: compileBuilder(RULES.disagree, { a, b }, AS_OF) };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const secs = (ms: number) => Math.round(ms) / 1000;

/** One engine's way to run a statement: COUNT(*) of it, and CREATE TEMP TABLE … AS it (then dropped). */
interface Runner {
  count(sql: string): Promise<number>;
  materialise(sql: string): Promise<number>;
}

type Shape = 'anti' | 'disagree';
type Form = 'count' | 'materialise';
interface ShapeTimes { count: number; materialise: number }

/** One engine in the comparison: how it runs a statement, and the two rules' SQL over its relations. */
interface Side {
  label: string;
  /** Prefix of its key=value figures. */
  key: 'collide' | 'postgres';
  runner: Runner;
  sql: Record<Shape, string>;
  /** The table's "load + index" cell. */
  prepared: string;
}

const ROUNDS = 3;

/**
 * ROUNDS rounds of every statement in both forms on every engine, the engines taking turns within a
 * round (on a shared machine a change of load then falls on both alike); the medians. Every run must
 * find exactly the rows the generator planted.
 */
async function measure(sides: Side[], want: Record<Shape, number>, log: (s: string) => void): Promise<Map<Side, Record<Shape, ShapeTimes>>> {
  const t = new Map(sides.map((side) => [side, { anti: { count: [] as number[], materialise: [] as number[] }, disagree: { count: [] as number[], materialise: [] as number[] } }]));
  for (let k = 0; k < ROUNDS; k++) {
    for (const shape of ['anti', 'disagree'] as const) {
      for (const side of sides) {
        for (const form of ['count', 'materialise'] as const) {
          const { ms, out } = await timed(() => side.runner[form](side.sql[shape]));
          if (out !== want[shape]) throw new Error(`${side.label}, ${shape} (${form}): ${out} rows, the generator planted ${want[shape]}`);
          t.get(side)![shape][form].push(ms);
        }
      }
    }
  }
  const out = new Map<Side, Record<Shape, ShapeTimes>>();
  for (const [side, byShape] of t) {
    const m = (shape: Shape, form: Form) => secs(median(byShape[shape][form]));
    for (const shape of ['anti', 'disagree'] as const) log(`${side.label}, ${shape}: count ${byShape[shape].count.map((x) => secs(x).toFixed(2)).join(' / ')} s, materialise ${byShape[shape].materialise.map((x) => secs(x).toFixed(2)).join(' / ')} s`);
    out.set(side, { anti: { count: m('anti', 'count'), materialise: m('anti', 'materialise') }, disagree: { count: m('disagree', 'count'), materialise: m('disagree', 'materialise') } });
  }
  return out;
}

function duckRunner(c: DuckDBConnection): Runner {
  return {
    async count(sql) {
      const r = await c.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM (${sql}) q`);
      return Number(r.getRows()[0]![0]);
    },
    async materialise(sql) {
      await c.run(`CREATE TEMP TABLE collide_out AS ${sql}`);
      const r = await c.runAndReadAll(`SELECT count(*)::BIGINT FROM collide_out`);
      await c.run(`DROP TABLE collide_out`);
      return Number(r.getRows()[0]![0]);
    },
  };
}

function pgRunner(client: pg.Client): Runner {
  return {
    async count(sql) {
      return Number((await client.query(`SELECT count(*) AS n FROM (${sql}) q`)).rows[0].n);
    },
    async materialise(sql) {
      const r = await client.query(`CREATE TEMP TABLE collide_out AS ${sql}`);
      await client.query(`DROP TABLE collide_out`);
      return r.rowCount ?? -1;
    },
  };
}

const EMBEDDED_CODE = 'EMB_PAY';
const EMBEDDED_FIELDS = [
  { name: 'id_number', title: '公民身份号码', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'name', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'amount', title: '发放金额', type: 'decimal', sensitivity: 'L2' },
];
/** A valid ID number of 上城区 for key n (born on a day after 1980-01-01 per thousand). */
const embeddedId = (n: number) => {
  const day = new Date(Date.UTC(1980, 0, 1) + Math.floor(n / 1000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `330102${day}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
};
const payments = (from: number, to: number) =>
  `id_number,name,amount\n${Array.from({ length: to - from }, (_, k) => `${embeddedId(from + k)},${SURNAMES[(from + k) % SURNAMES.length]}${GIVEN[(from + k) % GIVEN.length]},${(100 + ((from + k) % 900)).toFixed(2)}`).join('\n')}\n`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * 嵌: the latency from an ingest's commit to the work order of an embedded rule. A server as `govhub start`
 * runs it (PGlite control plane in a temp directory; the rules plugin starts the arrival watcher, which polls
 * every GOVHUB_RULE_POLL_MS, default 1 s), a dataset of `base` payments, a collide rule on arrival whose
 * filter matches every row (one finding per ID number, a work order each), run once by hand so its old rows
 * have their orders. Then `arrivals` times: ingest a file with one new payment (ingestFile, as an upload is
 * ingested), and poll the control plane every 10 ms until the order for it exists. The clock starts at the
 * version's created_at (the start of the transaction that commits it: a little before the commit, so the
 * figure errs long) and stops when the order is seen.
 */
/** A server as `govhub start` runs it (PGlite control plane in a temp directory), with department 民政局 (MZ) and its officer. */
async function benchServer(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const config = loadConfig({ dataDir: path.join(dir, 'data'), adminPassword: 'bench-pass-2026', secretKey: 'bench-collide-key' }, {});
  const p = await openPlatform(config, { log: pino({ level: 'silent' }) });
  const app = await buildApp(p, { web: false, logger: false, rateLimitPerMinute: 100_000_000 });
  const close = async () => {
    await app.close();
    await p.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ensureAdmin(p);
    await app.ready();
    const call = async (method: 'GET' | 'POST', url: string, body?: unknown, auth?: string) => {
      const res = await app.inject({ method, url: `/api/v1${url}`, headers: auth ? { authorization: auth } : {}, payload: body as object });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json() as Record<string, unknown>;
    };
    const login = async (username: string, password: string) => `Bearer ${(await call('POST', '/auth/login', { username, password })).token}`;
    const admin = await login('admin', 'bench-pass-2026');
    const dept = (await call('POST', '/departments', { code: 'MZ', name: '民政局', regionCode: '330102' }, admin)).id as string;
    await call('POST', '/users', { username: 'officer_mz', displayName: '民政局专员', password: 'officer-pass-2026', role: 'officer', departmentId: dept }, admin);
    const officer = await login('officer_mz', 'officer-pass-2026');
    const u = (await p.db.one<{ id: string; username: string; display_name: string }>(`SELECT id, username, display_name FROM users WHERE username = 'officer_mz'`))!;
    const caller: Caller = { id: u.id, username: u.username, displayName: u.display_name, role: 'officer', departmentId: dept };
    /** A published dataset of MZ; its id. */
    const register = async (code: string, name: string, fields: unknown[], primaryKey: string[] = []) => {
      const ds = await call('POST', '/datasets', { code, name, departmentId: dept, fields, primaryKey }, officer);
      await call('POST', `/datasets/${code}/submit`, undefined, officer);
      await call('POST', `/datasets/${code}/publish`, undefined, admin);
      return ds.id as string;
    };
    return { dir, p, call, officer, caller, register, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function embeddedLatency(arrivals: number, base: number, log: (s: string) => void): Promise<CollideFigures> {
  const { dir, p, call, officer, caller, register, close } = await benchServer('govhub-bench-embedded-');
  try {
    await register(EMBEDDED_CODE, '补贴发放', EMBEDDED_FIELDS, ['id_number']);
    const ingest = async (name: string, from: number, to: number) => {
      fs.writeFileSync(path.join(dir, name), payments(from, to));
      const job = await ingestFile(p, caller, { datasetCode: EMBEDDED_CODE, file: path.join(dir, name), mode: 'append' });
      if (job.status !== 'succeeded' || job.accepted !== to - from) throw new Error(`ingest ${name}: ${job.status} ${job.accepted} accepted, ${job.error ?? ''}`);
      return job.version!;
    };
    const t0 = performance.now();
    await ingest('base.csv', 0, base);
    const tBase = performance.now() - t0;
    // let the watcher see the base version before the rule exists (a rule fires on what arrives after it)
    await sleep(2500);
    await call('POST', '/rules', {
      code: 'EMB_EVERY_PAYMENT', name: '每笔发放核对', kind: 'collide', ownerDepartment: 'MZ', responsibleDepartment: 'MZ', trigger: 'arrival', asOf: AS_OF,
      key: ['id_number'], query: { mode: 'builder', shape: 'filter', a: { dataset: EMBEDDED_CODE, where: { amount: { gte: 0 } } } }, action: { workOrder: true },
    }, officer);
    const firstRun = await timed(() => call('POST', '/rules/EMB_EVERY_PAYMENT/run', undefined, officer));
    const first = firstRun.out;
    log(`embedded: base ingest of ${base.toLocaleString('en')} rows ${secs(tBase).toFixed(1)} s; the rule's first run (by hand) opened ${base.toLocaleString('en')} work orders in ${secs(firstRun.ms).toFixed(1)} s`);
    const orders = async () => (await p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM workorders WHERE source = 'collision'`))!.n;
    if ((first.counts as Record<string, number>).new !== base || (await orders()) !== base) throw new Error(`the first run opened ${JSON.stringify(first.counts)}`);
    const total: number[] = [];
    const toReturn: number[] = [];
    const waited: number[] = [];
    const ran: number[] = [];
    for (let k = 0; k < arrivals; k++) {
      // arrivals fall at different points of the watcher's poll cycle
      await sleep((k * 379) % 1000);
      const version = await ingest(`arrival-${k}.csv`, base + k, base + k + 1);
      const returned = Date.now();
      const committed = new Date((await p.db.one<{ t: Date | string }>(`SELECT v.created_at AS t FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.code = $1 AND v.version = $2`, [EMBEDDED_CODE, version]))!.t).getTime();
      const deadline = Date.now() + 60_000;
      while ((await orders()) < base + k + 1) {
        if (Date.now() > deadline) throw new Error(`no work order 60 s after arrival ${k}`);
        await sleep(10);
      }
      const seen = Date.now();
      const r = (await p.db.one<{ started_at: Date | string; finished_at: Date | string }>(
        `SELECT r.started_at, r.finished_at FROM rule_runs r WHERE r.trigger = 'arrival' AND (r.cause->>'version')::int = $1 ORDER BY r.started_at DESC LIMIT 1`, [version]))!;
      total.push(seen - committed);
      toReturn.push(returned - committed);
      waited.push(new Date(r.started_at).getTime() - committed);
      ran.push(new Date(r.finished_at).getTime() - new Date(r.started_at).getTime());
    }
    await sleep(1500);
    const n = await orders();
    if (n !== base + arrivals) throw new Error(`${n - base} work orders for ${arrivals} arrivals`);
    const stat = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return { p50: Math.round(pct(s, 50)), p95: Math.round(pct(s, 95)), max: Math.round(s[s.length - 1]!) }; };
    const t = stat(total);
    printTable(log, [`embedded rule, ${arrivals} arrivals, ${base.toLocaleString('en')} rows before, poll every ${process.env.GOVHUB_RULE_POLL_MS ?? 1000} ms`, 'p50 ms', 'p95 ms', 'max ms'], [
      ['commit → work order seen (the figure)', String(t.p50), String(t.p95), String(t.max)],
      ['  commit → ingestFile returned', ...Object.values(stat(toReturn)).map(String)],
      ['  commit → rule run started (the watcher\'s poll)', ...Object.values(stat(waited)).map(String)],
      ['  rule run (guarded read, findings, work order)', ...Object.values(stat(ran)).map(String)],
    ]);
    log(`one work order per arrival: ${n - base} orders for ${arrivals} arrivals`);
    return { embedded_p50_ms: t.p50, embedded_p95_ms: t.p95, embedded_max_ms: t.max, embedded_run_p50_ms: stat(ran).p50 };
  } finally {
    await close();
  }
}

const A_FIELDS = [
  { name: 'id_number', title: '公民身份号码', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'name', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'district', title: '居住区县', type: 'string', sensitivity: 'L1' },
  { name: 'amount', title: '发放金额', type: 'decimal', sensitivity: 'L2' },
  { name: 'paid_on', title: '发放日期', type: 'date', sensitivity: 'L2' },
];
const B_FIELDS = [
  { name: 'id_number', title: '公民身份号码', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'name', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'district', title: '户籍区县', type: 'string', sensitivity: 'L1' },
  { name: 'registered_on', title: '登记日期', type: 'date', sensitivity: 'L2' },
];

/**
 * The rule engine's own path over the same files: A and B as lake versions of two datasets of one
 * department, each rule tried with POST /rules/dry-run (compiled, read through the share guard as the
 * owner department, rows read into the process up to RULE_ROWS_MAX, grouped by key). Three times; the median.
 */
export async function engineDryRuns(files: { a: string[]; b: string[] }, want: { anti: number; disagree: number }, log: (s: string) => void): Promise<CollideFigures> {
  const { p, call, officer, register, close } = await benchServer('govhub-bench-rules-');
  try {
    const ids = { a: await register('PAY_A', '补贴发放', A_FIELDS), b: await register('REG_B', '户籍登记', B_FIELDS) };
    const w = await timed(async () => ({
      a: await p.dataLake.write({ datasetId: ids.a, mode: 'replace', from: { parquet: files.a } }),
      b: await p.dataLake.write({ datasetId: ids.b, mode: 'replace', from: { parquet: files.b } }),
    }));
    // the floor: the compiled SQL straight over the versions' files on the platform's own DuckDB, no guard, rows not read into JS
    const floorSql = ruleSql(p.lakeReader.scan(w.out.a), p.lakeReader.scan(w.out.b));
    log(`rule engine: PAY_A and REG_B written as lake versions in ${secs(w.ms).toFixed(1)} s (not timed below)`);
    const out: CollideFigures = {};
    for (const shape of ['anti', 'disagree'] as const) {
      const input = {
        code: `BENCH_${shape.toUpperCase()}`, name: shape === 'anti' ? '发放对象无户籍' : '发放区县与户籍不符', kind: 'collide', ownerDepartment: 'MZ', responsibleDepartment: 'MZ', trigger: 'manual', asOf: AS_OF,
        key: ['id_number'], query: { ...RULES[shape], a: { dataset: 'PAY_A' }, b: { dataset: 'REG_B' } },
      };
      const rows = Math.min(want[shape], RULE_ROWS_MAX);
      const times: number[] = [];
      let reported = 0;
      for (let k = 0; k < 3; k++) {
        const r = await timed(() => call('POST', '/rules/dry-run', input, officer));
        if (r.out.rows !== rows || r.out.complete !== want[shape] <= RULE_ROWS_MAX) throw new Error(`dry run of ${shape}: ${r.out.rows} rows (complete ${String(r.out.complete)}), expected ${rows}`);
        times.push(r.ms);
        reported = r.out.seconds as number;
      }
      log(`rule engine dry run (${shape}): ${times.map((x) => secs(x).toFixed(2)).join(' / ')} s; ${rows.toLocaleString('en')} rows read${want[shape] > RULE_ROWS_MAX ? ` (cut at RULE_ROWS_MAX; ${want[shape].toLocaleString('en')} in all: the run is marked incomplete)` : ''}; the engine's own seconds ${reported}`);
      const floor: number[] = [];
      for (let k = 0; k < 3; k++) floor.push((await timed(() => p.dataLake.query(`SELECT count(*) FROM (SELECT * FROM (${floorSql[shape]}) q LIMIT ${RULE_ROWS_MAX + 1}) l`))).ms);
      const key = shape === 'anti' ? 'anti' : 'join';
      out[`collide_${key}_engine_seconds`] = secs(median(times));
      out[`collide_${key}_engine_floor_seconds`] = secs(median(floor));
      log(`  floor (${shape}): the compiled SQL over the same lake files, LIMIT ${RULE_ROWS_MAX + 1}, counted in DuckDB: ${floor.map((x) => secs(x).toFixed(2)).join(' / ')} s`);
    }
    return out;
  } finally {
    await close();
  }
}

export async function run(opts: CollideBenchOptions = {}): Promise<CollideFigures> {
  const rows = opts.rows ?? 10_000_000;
  const bRows = opts.bRows ?? 1_000_000;
  const pgWorkMem = opts.pgWorkMem ?? '256MB';
  const log = opts.log ?? ((s: string) => console.log(s));
  if (rows + bRows > KEY_SPACE || Math.round(bRows * MATCHED) > rows || rows % STRIDE === 0) throw new Error(`--rows ${rows} / --b-rows ${bRows}: out of the generator's range`);
  const figures: CollideFigures = {};
  const table: string[][] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-bench-collide-'));
  fs.chmodSync(dir, 0o755); // the PostgreSQL server may read the CSVs from here
  const file = (n: string) => path.join(dir, n);
  const engine = await Engine.create();
  try {
    const threads = (await engine.query<{ t: number }>(`SELECT current_setting('threads') AS t`))[0]!.t;
    log(`collide bench: A ${rows.toLocaleString('en')} rows × B ${bRows.toLocaleString('en')} rows, DuckDB threads ${threads}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`);

    // 1. the data, as Parquet written with the lake's own settings (ZSTD level 1, row groups of 122,880 rows)
    const gen = await timed(async () => {
      await engine.query(`COPY (${aSql(rows)}) TO ${literal(file('a'))} (${PARQUET_COPY_OPTIONS})`);
      await engine.query(`COPY (${bSql(rows, bRows)}) TO ${literal(file('b'))} (${PARQUET_COPY_OPTIONS})`);
    });
    const mb = (n: string) => (fs.readdirSync(file(n)).reduce((t, f) => t + fs.statSync(path.join(file(n), f)).size, 0) / 1e6).toFixed(0);
    const scan = (n: string) => `read_parquet(${literal(path.join(file(n), '*.parquet'))})`;
    figures.generate_seconds = secs(gen.ms);
    log(`generated A (${mb('a')} MB of Parquet) and B (${mb('b')} MB) in ${secs(gen.ms).toFixed(1)} s (not timed below)`);
    const exp = expected(rows, bRows);
    const want = { anti: exp.anti, disagree: Number((await engine.query<{ n: bigint | number }>(exp.disagreeSql))[0]!.n) };
    log(`planted: ${want.anti.toLocaleString('en')} rows of A not in B; ${want.disagree.toLocaleString('en')} matches registered in another district`);

    // 2. DuckDB on the Parquet files directly, beside 3. PostgreSQL with the same rows (CSV from the same Parquet),
    //    a B-tree on the join key of both tables and VACUUM ANALYZE; the two take turns statement by statement
    const duckSql = ruleSql(scan('a'), scan('b'));
    log(`SQL (the rule builder's compileBuilder; PostgreSQL gets the same text with the tables a and b as relations):\n  anti:     ${duckSql.anti}\n  disagree: ${duckSql.disagree}`);
    for (const n of ['a', 'b']) await engine.query(`COPY (SELECT * FROM ${scan(n)}) TO ${literal(file(`${n}.csv`))} (FORMAT csv, HEADER true)`);
    for (const n of ['a.csv', 'b.csv']) fs.chmodSync(file(n), 0o644);
    const record = (m: Map<Side, Record<Shape, ShapeTimes>>) => {
      for (const [side, t] of m) {
        Object.assign(figures, {
          [`${side.key}_anti_seconds`]: t.anti.materialise, [`${side.key}_anti_count_seconds`]: t.anti.count,
          [`${side.key}_join_seconds`]: t.disagree.materialise, [`${side.key}_join_count_seconds`]: t.disagree.count,
        });
        table.push([side.label, side.prepared, String(t.anti.count), String(t.anti.materialise), String(t.disagree.count), String(t.disagree.materialise)]);
      }
    };
    await engine.withPrivateConnection(async (c) => {
      const sides: Side[] = [{ label: `DuckDB ${threads} threads, read_parquet`, key: 'collide', runner: duckRunner(c), sql: duckSql, prepared: '—' }];
      await withPostgres(opts.databaseUrl, 'bench_collide', log, async (client, schema, url) => {
        const ver = (await client.query(`SHOW server_version`)).rows[0].server_version as string;
        const load = await timed(async () => {
          await client.query(PG_DDL.a);
          await client.query(PG_DDL.b);
          return [await pgCopy(client, url, schema, 'a', file('a.csv')), await pgCopy(client, url, schema, 'b', file('b.csv'))];
        });
        const index = await timed(async () => {
          await client.query(`CREATE INDEX a_id_number ON a (id_number)`);
          await client.query(`CREATE INDEX b_id_number ON b (id_number)`);
          await client.query(`VACUUM ANALYZE a`);
          await client.query(`VACUUM ANALYZE b`);
        });
        await client.query(`SET work_mem = '${pgWorkMem.replaceAll("'", '')}'`);
        const settings = (await client.query(`SELECT name, setting, unit FROM pg_settings WHERE name IN ('work_mem', 'shared_buffers', 'max_parallel_workers_per_gather', 'jit') ORDER BY name`)).rows
          .map((x: { name: string; setting: string; unit: string | null }) => `${x.name}=${x.setting}${x.unit ?? ''}`).join(', ');
        figures.postgres_load_seconds = secs(load.ms);
        figures.postgres_index_seconds = secs(index.ms);
        log(`PostgreSQL ${ver}: loaded in ${secs(load.ms).toFixed(1)} s (${load.out[0]}), B-tree on a.id_number and b.id_number + VACUUM ANALYZE in ${secs(index.ms).toFixed(1)} s; ${settings}`);
        const pgSql = ruleSql('a', 'b');
        sides.push({ label: `PostgreSQL ${ver.split(' ')[0]}, B-tree on both keys, work_mem ${pgWorkMem}`, key: 'postgres', runner: pgRunner(client), sql: pgSql, prepared: secs(load.ms + index.ms).toFixed(1) });
        record(await measure(sides, want, log));
        for (const shape of ['anti', 'disagree'] as const) {
          const plan = (await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${pgSql[shape]}`)).rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n');
          log(`PostgreSQL EXPLAIN ANALYZE (${shape}):\n${plan}`);
        }
      });
      // PostgreSQL unreachable: DuckDB alone
      if (sides.length === 1) record(await measure(sides, want, log));
      const plan = await c.runAndReadAll(`EXPLAIN ANALYZE ${duckSql.anti}`);
      log(`DuckDB EXPLAIN ANALYZE (anti):\n${String(plan.getRows()[0]![1])}`);
    });
    Object.assign(figures, { collide_anti_rows: want.anti, collide_join_rows: want.disagree });

    // 4. the rule engine's own path over the same files: lake versions, guarded read, dry run
    const parquet = (n: string) => fs.readdirSync(file(n)).filter((f) => f.endsWith('.parquet')).map((f) => path.join(file(n), f));
    Object.assign(figures, await engineDryRuns({ a: parquet('a'), b: parquet('b') }, want, log));
  } finally {
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // 5. 嵌: ingest commit → work order of an embedded rule
  const arrivals = opts.arrivals ?? 20;
  if (arrivals > 0) Object.assign(figures, await embeddedLatency(arrivals, opts.embeddedRows ?? 1000, log));

  const ratios: Record<string, number | undefined> = {
    ratio_anti_vs_postgres: ratio(figures.postgres_anti_seconds, figures.collide_anti_seconds),
    ratio_join_vs_postgres: ratio(figures.postgres_join_seconds, figures.collide_join_seconds),
    ratio_anti_count_vs_postgres: ratio(figures.postgres_anti_count_seconds, figures.collide_anti_count_seconds),
    ratio_join_count_vs_postgres: ratio(figures.postgres_join_count_seconds, figures.collide_join_count_seconds),
  };
  for (const [k, v] of Object.entries(ratios)) if (v !== undefined) figures[k] = v;

  log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (the machine is shared)`);
  printTable(log, ['engine', 'load + index s', 'anti count s', 'anti materialise s', 'disagree count s', 'disagree materialise s'], table);
  for (const [k, v] of Object.entries(figures)) log(`${k}=${v}`);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const num = (flag: string) => (arg(flag) === undefined ? undefined : Number(arg(flag)));
  run({ rows: num('--rows'), bRows: num('--b-rows'), arrivals: num('--arrivals'), embeddedRows: num('--embedded-rows'), pgWorkMem: arg('--pg-work-mem'), databaseUrl: arg('--database-url') }).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
