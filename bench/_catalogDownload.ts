/**
 * Open-data download benchmark: stream a 1M-row open dataset as CSV over HTTP from a real govhub
 * server (the open guard's SQL, masks applied, UTF-8 with BOM, spreadsheet-safe cells), beside
 * PostgreSQL `COPY … TO STDOUT` of the same rows in the same run.
 *
 *   npx tsx bench/_catalogDownload.ts [--rows N] [--database-url URL]
 *
 * Also imported by bench/catalog.ts (`downloadBench`). Ends with key=value lines when run alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { catalogReview, datasetAdmin } from '../src/catalog/index.ts';
import { departments, ensureAdmin } from '../src/identity/index.ts';
import { loadConfig, SYSTEM } from '../src/kernel/index.ts';
import { openPlatform } from '../src/platform.ts';
import { buildApp } from '../src/server/index.ts';
import { arg, pgCopy, printTable, ratio, timed, withPostgres } from './_peers.ts';
import { personSql } from './lake.ts';

const FIELDS = [
  { name: 'id_number', title: '公民身份号码', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'name', title: '姓名', type: 'string', sensitivity: 'L3', mask: 'name', open: 'mask' },
  { name: 'sex', title: '性别', type: 'string', sensitivity: 'L1' },
  { name: 'birth_date', title: '出生日期', type: 'date', sensitivity: 'L2' },
  { name: 'phone', title: '手机号码', type: 'string', element: 'mobile', sensitivity: 'L3' },
  { name: 'address', title: '地址', type: 'string', sensitivity: 'L2' },
  { name: 'district_code', title: '区划代码', type: 'string', sensitivity: 'L1' },
  { name: 'ethnicity', title: '民族', type: 'string', sensitivity: 'L1' },
  { name: 'education', title: '学历', type: 'string', sensitivity: 'L1' },
  { name: 'marital_status', title: '婚姻状况', type: 'string', sensitivity: 'L1' },
  { name: 'employer_uscc', title: '单位统一社会信用代码', type: 'string', sensitivity: 'L1' },
  { name: 'income', title: '收入', type: 'decimal', sensitivity: 'L2' },
  { name: 'updated_at', title: '更新时间', type: 'timestamp', sensitivity: 'L1' },
] as const;

/** Bytes of a stream, consumed as a client would. */
const sink = () => {
  let bytes = 0;
  return { bytes: () => bytes, stream: new Writable({ write(chunk: Buffer, _e, cb) { bytes += chunk.length; cb(); } }) };
};

export async function downloadBench(opts: { log: (s: string) => void; databaseUrl?: string | null; rows?: number }): Promise<Record<string, number>> {
  const rows = opts.rows ?? 1_000_000;
  const { log } = opts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-bench-download-'));
  fs.chmodSync(dir, 0o755);
  const figures: Record<string, number> = {};
  const table: string[][] = [];
  const p = await openPlatform(loadConfig({ dataDir: path.join(dir, 'data'), logLevel: 'warn' }), { memoryControlPlane: true });
  try {
    await ensureAdmin(p);
    const dept = await departments.create(p, SYSTEM, { code: 'BENCH', name: '基准部门', regionCode: '330100' });
    await datasetAdmin.create(p, SYSTEM, { code: 'OPEN_1M', name: '开放基准数据', departmentId: dept.id, openType: 'open', fields: FIELDS.map((f) => ({ ...f })) as never });
    await catalogReview.submit(p, SYSTEM, 'OPEN_1M', { quiet: true });
    const ds = await catalogReview.publish(p, SYSTEM, 'OPEN_1M', { quiet: true });
    const made = await timed(() => p.dataLake.write({ datasetId: ds.id, mode: 'replace', from: { sql: personSql(rows) } }));
    log(`download bench: ${rows.toLocaleString('en')} rows written in ${(made.ms / 1000).toFixed(1)} s; open columns: ${FIELDS.length - 2} of ${FIELDS.length} (ID card and phone dropped, name masked)`);
    const app = await buildApp(p, { web: false, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const addr = app.server.address();
      const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1/open/datasets/OPEN_1M/download?format=csv`;
      let bytes = 0;
      const best = { ms: Infinity };
      for (let i = 0; i < 2; i++) {
        const r = await timed(async () => {
          const res = await fetch(url);
          if (!res.ok || !res.body) throw new Error(`download: ${res.status}`);
          const s = sink();
          await pipeline(res.body, s.stream);
          return s.bytes();
        });
        bytes = r.out;
        best.ms = Math.min(best.ms, r.ms);
      }
      figures.download_csv_ms = Math.round(best.ms);
      figures.download_csv_rows_per_s = Math.round(rows / (best.ms / 1000));
      figures.download_csv_mb = Math.round(bytes / 1e5) / 10;
      table.push(['govhub open download (HTTP, CSV, masks)', `${(best.ms / 1000).toFixed(2)} s`, figures.download_csv_rows_per_s.toLocaleString('en'), `${figures.download_csv_mb} MB`]);
    } finally {
      await app.close();
    }

    const csv = path.join(dir, 'person.csv');
    await p.dataLake.query(`COPY (${personSql(rows)}) TO '${csv}' (FORMAT csv, HEADER true)`);
    fs.chmodSync(csv, 0o644);
    await withPostgres(opts.databaseUrl, 'bench_download', log, async (client, schema, url) => {
      await client.query(`CREATE TABLE person (id_number varchar(18), name text, sex text, birth_date date, phone varchar(11), address text, district_code char(6),
        ethnicity text, education text, marital_status text, employer_uscc varchar(18), income numeric(12,2), updated_at timestamp)`);
      await pgCopy(client, url, schema, 'person', csv);
      let best = Infinity;
      let bytes = 0;
      for (let i = 0; i < 2; i++) {
        const r = await timed(async () => {
          const s = sink();
          await pipeline(client.query(copyTo(`COPY (SELECT name, sex, birth_date, address, district_code, ethnicity, education, marital_status, employer_uscc, income, updated_at FROM person) TO STDOUT WITH (FORMAT csv, HEADER true)`)), s.stream);
          return s.bytes();
        });
        best = Math.min(best, r.ms);
        bytes = r.out;
      }
      figures.postgres_copy_ms = Math.round(best);
      figures.postgres_copy_rows_per_s = Math.round(rows / (best / 1000));
      table.push(['PostgreSQL COPY … TO STDOUT (same columns, no masks)', `${(best / 1000).toFixed(2)} s`, figures.postgres_copy_rows_per_s.toLocaleString('en'), `${Math.round(bytes / 1e5) / 10} MB`]);
    });
    const r = ratio(figures.download_csv_rows_per_s, figures.postgres_copy_rows_per_s);
    if (r !== undefined) figures.ratio_download_vs_postgres_copy = r;
    printTable(log, ['download of 1 open dataset', 'time', 'rows/s', 'size'], table);
  } finally {
    await p.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const rows = arg('--rows');
  const figures = await downloadBench({ log: (s) => console.log(s), databaseUrl: arg('--database-url'), rows: rows ? Number(rows) : undefined });
  for (const [k, v] of Object.entries(figures)) console.log(`${k}=${v}`);
}
