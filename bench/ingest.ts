/**
 * Ingest benchmark: a person CSV (13 columns, from the demo city's population model) through the
 * whole govhub ingest — encoding and delimiter detection, header mapping, cleaning, type checks,
 * ID card (GB 11643) and mobile number validation, quality report, Parquet version — as an upload
 * (parsed in a process of its own, the main figure) and as a file govhub staged itself — beside
 * PostgreSQL COPY into a logged table (no validation at all) and PGlite COPY, in the same run.
 *
 *   npx tsx bench/ingest.ts [--rows 1000000] [--big] [--database-url URL] [--threads N] [--memory-limit 768MB]
 *
 * --big adds a 10M-row run (peak RSS sampled). Ends with key=value lines:
 * ingest_rows_per_s_1m, ingest_rows_per_s_10m, ratio_vs_postgres_copy, ratio_vs_pglite_copy, peak_rss_mb_10m.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { arg, pgCopy, printTable, ratio, timed, withPgliteCopy, withPostgres } from './_peers.ts';
import { datasetAdmin } from '../src/catalog/index.ts';
import { loadConfig, SYSTEM } from '../src/kernel/index.ts';
import { writePersonCsv, PERSON_COLUMNS } from '../src/demo/index.ts';
import { departments } from '../src/identity/index.ts';
import { ingestFile, warmParser } from '../src/ingest/index.ts';
import { literal, PARQUET_COPY_OPTIONS } from '../src/lake/index.ts';
import { openPlatform } from '../src/platform.ts';

export interface IngestBenchOptions {
  /** Rows of the main run (default 1,000,000). */
  rows?: number;
  /** Also run 10M rows. */
  big?: boolean;
  databaseUrl?: string | null;
  threads?: number;
  /** DuckDB memory limit for the ingest (default 768MB: keeps the 10M run under 1.5 GB RSS). */
  memoryLimit?: string;
  /** Where to keep the generated CSVs between runs (default bench/out). */
  cacheDir?: string;
  log?: (line: string) => void;
}

export type IngestBenchFigures = Record<string, number>;

/** The dataset: ID card and mobile validated against their data elements; dates, numbers and timestamps type-checked. */
const FIELDS = [
  { name: 'id_number', title: '公民身份号码', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'name', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'sex', title: '性别', type: 'string', sensitivity: 'L2' },
  { name: 'birth_date', title: '出生日期', type: 'date', sensitivity: 'L3' },
  { name: 'phone', title: '手机号码', type: 'string', element: 'mobile', sensitivity: 'L3' },
  { name: 'address', title: '居住地址', type: 'string', sensitivity: 'L3' },
  { name: 'district_code', title: '行政区划代码', type: 'string', sensitivity: 'L1' },
  { name: 'ethnicity', title: '民族', type: 'string', sensitivity: 'L2' },
  { name: 'education', title: '学历', type: 'string', sensitivity: 'L2' },
  { name: 'marital_status', title: '婚姻状况', type: 'string', sensitivity: 'L2' },
  { name: 'employer_uscc', title: '工作单位统一社会信用代码', type: 'string', sensitivity: 'L2' },
  { name: 'income', title: '年收入', type: 'decimal', sensitivity: 'L3' },
  { name: 'updated_at', title: '更新时间', type: 'timestamp', sensitivity: 'L1' },
] as const;

const PG_TYPES: Record<string, string> = {
  id_number: 'varchar(18)', name: 'text', sex: 'text', birth_date: 'date', phone: 'varchar(11)', address: 'text', district_code: 'char(6)',
  ethnicity: 'text', education: 'text', marital_status: 'text', employer_uscc: 'varchar(18)', income: 'numeric(18,4)', updated_at: 'timestamptz',
};
const ddl = (t: string) => `CREATE TABLE ${t} (${PERSON_COLUMNS.map((c) => `${c} ${PG_TYPES[c]}`).join(', ')})`;

/** The person CSV of n rows, generated once and kept in the cache directory. */
async function personCsv(dir: string, rows: number, log: (s: string) => void): Promise<string> {
  const file = path.join(dir, `person_${rows}.csv`);
  if (fs.existsSync(file) && fs.existsSync(`${file}.ok`)) return file;
  const g = await timed(() => writePersonCsv(file, rows, 42));
  fs.writeFileSync(`${file}.ok`, String(g.out.rows));
  fs.chmodSync(file, 0o644);
  log(`generated ${path.basename(file)} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB) in ${(g.ms / 1000).toFixed(1)} s`);
  return file;
}

/** Resident memory of this process's children (the parse process), in bytes, from /proc (Linux; 0 elsewhere). */
function childrenRss(): number {
  let total = 0;
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      for (const pid of fs.readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) total += Number(m[1]) * 1024;
      }
    }
  } catch {
    // a child ended while being read, or no /proc
  }
  return total;
}

/** Peak RSS of this process, of its children, and DuckDB's own accounting while fn runs (sampled every 50 ms). */
async function withPeakMemory<T>(duck: () => Promise<number>, fn: () => Promise<T>): Promise<{ out: T; rssMb: number; duckMb: number; childMb: number }> {
  let rss = process.memoryUsage().rss;
  let duckBytes = 0;
  let child = 0;
  let busy = false;
  const timer = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage().rss);
    child = Math.max(child, childrenRss());
    if (busy) return;
    busy = true;
    duck().then((b) => { duckBytes = Math.max(duckBytes, b); }, () => {}).finally(() => { busy = false; });
  }, 50);
  try {
    const out = await fn();
    rss = Math.max(rss, process.memoryUsage().rss);
    return { out, rssMb: Math.round(rss / 1024 / 1024), duckMb: Math.round(duckBytes / 1024 / 1024), childMb: Math.round(child / 1024 / 1024) };
  } finally {
    clearInterval(timer);
  }
}


export async function run(opts: IngestBenchOptions = {}): Promise<IngestBenchFigures> {
  const rows = opts.rows ?? 1_000_000;
  const log = opts.log ?? ((s: string) => console.log(s));
  const cache = opts.cacheDir ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'out');
  fs.mkdirSync(cache, { recursive: true });
  fs.chmodSync(cache, 0o755); // the PostgreSQL server may read the CSV from here
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-bench-ingest-'));
  const figures: IngestBenchFigures = {};
  const table: string[][] = [];
  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
  const memoryLimit = opts.memoryLimit ?? '768MB';

  const config = loadConfig({ dataDir: path.join(work, 'data'), duckdbThreads: opts.threads, duckdbMemoryLimit: memoryLimit, secretKey: 'bench' }, {});
  const p = await openPlatform(config, { log: pino({ level: process.env.GOVHUB_LOG_LEVEL ?? 'warn' }), memoryControlPlane: true });
  try {
    const threads = (await p.dataLake.query<{ t: number }>(`SELECT current_setting('threads') AS t`))[0]!.t;
    log(`ingest bench: ${PERSON_COLUMNS.length} columns, ID card + mobile validated, DuckDB threads=${threads} memory_limit=${memoryLimit}, ${os.cpus().length} CPUs`);
    const dept = await departments.create(p, SYSTEM, { code: 'BENCH', name: '基准测试', regionCode: '330100' });
    const sizes = [rows, ...(opts.big ? [10_000_000] : [])];
    for (const n of sizes) {
      const csv = await personCsv(cache, n, log);
      const code = `BENCH_PERSON_${n}`;
      await datasetAdmin.create(p, SYSTEM, { code, name: '人口基准', departmentId: dept.id, fields: FIELDS.map((f) => ({ ...f })) });
      const duckMem = async () => Number((await p.dataLake.query<{ b: number }>(`SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()`))[0]?.b ?? 0);
      const key = n === 1_000_000 ? '1m' : n === 10_000_000 ? '10m' : String(n);
      await warmParser(); // as a running server has one parse process started and waiting
      // as an upload: parsed in a process of its own (the main figure), then as a file govhub staged itself
      for (const staged of [false, true]) {
        const r = await withPeakMemory(duckMem, () => timed(() => ingestFile(p, SYSTEM, { datasetCode: code, file: csv, mode: 'replace', staged })));
        const job = r.out.out;
        if (job.status !== 'succeeded' || job.accepted !== n) throw new Error(`ingest of ${n} rows: ${job.status} accepted=${job.accepted} rejected=${job.rejected} ${job.error ?? ''}`);
        const name = staged ? `ingest_staged_rows_per_s_${key}` : `ingest_rows_per_s_${key}`;
        figures[name] = rate(n, r.out.ms);
        if (!staged) {
          figures[`peak_rss_mb_${key}`] = r.rssMb;
          figures[`duckdb_peak_mb_${key}`] = r.duckMb;
          figures[`parse_process_peak_mb_${key}`] = r.childMb;
        }
        table.push([`govhub ingest (validated) ${n.toLocaleString('en')}${staged ? ', staged file, in process' : ', upload, parse process'}`, `${(r.out.ms / 1000).toFixed(2)} s`,
          `${rate(n, r.out.ms).toLocaleString('en')}/s`, `peak RSS ${r.rssMb} MB${staged ? '' : ` + parse process ${r.childMb} MB`}, DuckDB ${r.duckMb} MB, quality ${job.quality?.score}`]);
      }
    }

    const csv = await personCsv(cache, rows, log);
    // The floor of this design on this machine: DuckDB copying the same CSV to Parquet with the
    // lake's settings and no cleaning, checks or quarantine at all. No validated ingest can beat it.
    const floorDir = path.join(work, 'floor');
    const f = await timed(() => p.dataLake.query(`COPY (SELECT * FROM read_csv(${literal(csv)}, header = true, all_varchar = true)) TO ${literal(floorDir)} (${PARQUET_COPY_OPTIONS})`));
    fs.rmSync(floorDir, { recursive: true, force: true });
    figures.floor_rows_per_s = rate(rows, f.ms);
    table.push([`DuckDB CSV → Parquet ${rows.toLocaleString('en')}`, `${(f.ms / 1000).toFixed(2)} s`, `${rate(rows, f.ms).toLocaleString('en')}/s`, 'lake Parquet settings, no validation: the floor']);
    // PostgreSQL: COPY into a logged table in a fresh schema (dropped afterwards); no validation
    await withPostgres(opts.databaseUrl, 'bench_ingest', log, async (client, schema, url) => {
      await client.query(ddl('person'));
      const c = await timed(() => pgCopy(client, url, schema, 'person', csv));
      const n = Number((await client.query('SELECT count(*) AS n FROM person')).rows[0].n);
      if (n !== rows) throw new Error(`PostgreSQL loaded ${n} rows, expected ${rows}`);
      const ver = (await client.query('SHOW server_version')).rows[0].server_version;
      figures.postgres_copy_rows_per_s = rate(rows, c.ms);
      table.push([`PostgreSQL ${ver} COPY ${rows.toLocaleString('en')}`, `${(c.ms / 1000).toFixed(2)} s`, `${rate(rows, c.ms).toLocaleString('en')}/s`, `${c.out}, logged table, no validation`]);
    });

    // PGlite: COPY FROM the same CSV into a table on disk
    await withPgliteCopy(work, ddl('person'), 'person', csv, async (_lite, c) => {
      figures.pglite_copy_rows_per_s = rate(rows, c.ms);
      table.push([`PGlite COPY ${rows.toLocaleString('en')}`, `${(c.ms / 1000).toFixed(2)} s`, `${rate(rows, c.ms).toLocaleString('en')}/s`, 'COPY FROM /dev/blob, on disk, no validation']);
    });
  } finally {
    await p.close();
    fs.rmSync(work, { recursive: true, force: true });
  }

  const main = figures[`ingest_rows_per_s_${rows === 1_000_000 ? '1m' : rows}`];
  const rp = ratio(main, figures.postgres_copy_rows_per_s);
  const rl = ratio(main, figures.pglite_copy_rows_per_s);
  if (rp !== undefined) figures.ratio_vs_postgres_copy = rp;
  if (rl !== undefined) figures.ratio_vs_pglite_copy = rl;
  const fp = ratio(figures.floor_rows_per_s, figures.postgres_copy_rows_per_s);
  const fl = ratio(figures.floor_rows_per_s, figures.pglite_copy_rows_per_s);
  if (fp !== undefined) figures.ratio_floor_vs_postgres_copy = fp;
  if (fl !== undefined) figures.ratio_floor_vs_pglite_copy = fl;

  const head = ['run', 'time', 'rows/s', 'notes'];
  printTable(log, head, table);
  for (const k of ['ingest_rows_per_s_1m', 'ingest_rows_per_s_10m', 'ratio_vs_postgres_copy', 'ratio_vs_pglite_copy', 'peak_rss_mb_10m']) {
    if (figures[k] !== undefined) log(`${k}=${figures[k]}`);
  }
  for (const [k, v] of Object.entries(figures)) {
    if (!['ingest_rows_per_s_1m', 'ingest_rows_per_s_10m', 'ratio_vs_postgres_copy', 'ratio_vs_pglite_copy', 'peak_rss_mb_10m'].includes(k)) log(`${k}=${v}`);
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const rows = arg('--rows');
  const threads = arg('--threads');
  await run({
    rows: rows ? Number(rows) : undefined,
    big: process.argv.includes('--big'),
    databaseUrl: arg('--database-url'),
    threads: threads ? Number(threads) : undefined,
    memoryLimit: arg('--memory-limit'),
  });
}
