import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import pino from 'pino';
import { datasetAdmin } from '../../../src/catalog/index.ts';
import { loadConfig, type Config, SYSTEM } from '../../../src/kernel/index.ts';
import { childControlPlane, drivers } from '../../helpers/platform.ts';
import { departments } from '../../../src/identity/index.ts';
import { openPlatform } from '../../../src/platform.ts';
import { idCardCheckDigit } from '../../../src/standards/index.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
/** A valid ID number, unique for n below 20 million: birth date from n % 20000, sequence from n / 20000. */
const id = (n: number) => {
  const birth = new Date(Date.UTC(1950, 0, 1) + (n % 20000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `330106${birth}${String(Math.floor(n / 20000) % 1000).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
};

/** Write a GBK CSV of `bytes` or more, in chunks (never whole in memory); every 1000th ID is wrong. */
async function writeGbkCsv(file: string, bytes: number): Promise<number> {
  const out = fs.createWriteStream(file);
  const addr = '浙江省杭州市西湖区文三路'.repeat(3);
  let size = 0;
  let n = 0;
  const head = iconv.encode('身份证号,姓名,家庭住址\r\n', 'gbk');
  out.write(head);
  size += head.length;
  while (size < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++, n++) lines.push(`${n % 1000 === 999 ? id(n).slice(0, 17) + 'Y' : id(n)},张${n % 97},${addr}${n}号\r\n`);
    const chunk = iconv.encode(lines.join(''), 'gbk');
    size += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
  return n;
}

for (const driver of drivers()) describe(`ingest: streaming and the command line (${driver})`, () => {
  let dir: string;
  let cp: Awaited<ReturnType<typeof childControlPlane>>;
  const config = (o: Partial<Config> = {}) => loadConfig({ dataDir: path.join(dir, 'data'), databaseUrl: cp.databaseUrl, ...o }, {});
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-ingest-stream-'));
    cp = await childControlPlane(driver);
    const p = await openPlatform(config({ duckdbThreads: 2 }), { log: pino({ level: 'silent' }) });
    try {
      const d = await departments.create(p, SYSTEM, { code: 'GA', name: '公安局', regionCode: '330106' });
      for (const code of ['BIG', 'CLI'])
        await datasetAdmin.create(p, SYSTEM, {
          code, name: '人口', departmentId: d.id, primaryKey: ['sfzh'],
          fields: [
            { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
            { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3' },
            { name: 'dz', title: '家庭住址', type: 'string', sensitivity: 'L3' },
          ],
        });
    } finally {
      await p.close();
    }
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await cp.drop();
  });

  // The file streams through DuckDB and the parse process whatever the control plane: one driver
  // (the embedded default) carries the 100 MB case, both carry the command line.
  if (driver === 'pglite') test('a GBK file larger than the memory caps streams through (64 MB V8 heap, 96 MB DuckDB)', async () => {
    const file = path.join(dir, 'big.csv');
    const rows = await writeGbkCsv(file, 100 * 1024 * 1024);
    assert.ok(fs.statSync(file).size > 100 * 1024 * 1024, 'larger than both caps');
    const { stdout } = await run(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', 'test/integration/ingest/ingest-child.ts', path.join(dir, 'data'), 'BIG', file], {
      cwd: ROOT, env: { ...process.env, ...cp.env, GOVHUB_DUCKDB_MEMORY_LIMIT: '96MB' }, maxBuffer: 64 * 1024 * 1024,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.ok(out.heapLimitMb < 200, `heap capped (${out.heapLimitMb} MB)`);
    assert.equal(out.job.status, 'succeeded', out.job.error);
    assert.equal(out.job.encoding, 'gbk');
    assert.equal(out.job.rowsRead, rows);
    assert.equal(out.job.rejected, Math.floor(rows / 1000));
    assert.equal(out.job.accepted, rows - out.job.rejected);
  });

  test('govhub ingest prints a JSON summary; re-ingesting with upsert adds no duplicates', async () => {
    const file = path.join(dir, '人口.csv');
    fs.writeFileSync(file, iconv.encode(['身份证号,姓名,家庭住址', `${id(1)},甲,某地`, `${id(2)},乙,某地`, `${id(3).slice(0, 17)}Y,丙,某地`].join('\n'), 'gbk'));
    const cli = (mode: string) =>
      run(process.execPath, ['bin/govhub.mjs', 'ingest', '--dataset', 'CLI', '--file', file, '--mode', mode, '--json', '--data-dir', path.join(dir, 'data')], { cwd: ROOT, env: { ...process.env, ...cp.env, GOVHUB_LOG_LEVEL: 'warn' } });
    const first = JSON.parse((await cli('upsert')).stdout);
    assert.deepEqual([first.rowsRead, first.accepted, first.rejected, first.version], [3, 2, 1, 1]);
    assert.ok(first.jobId && typeof first.seconds === 'number');
    const second = JSON.parse((await cli('upsert')).stdout);
    assert.deepEqual([second.accepted, second.version], [2, 2]);
    const p = await openPlatform(config(), { log: pino({ level: 'silent' }) });
    try {
      const v = (await p.db.one<{ row_count: number }>(`SELECT v.row_count FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id AND d.current_version = v.version WHERE d.code = 'CLI'`))!;
      assert.equal(Number(v.row_count), 2);
    } finally {
      await p.close();
    }
    // a failing run exits non-zero with the reason
    const bad = await run(process.execPath, ['bin/govhub.mjs', 'ingest', '--dataset', 'CLI', '--file', file, '--error-limit', '0', '--json', '--data-dir', path.join(dir, 'data')], { cwd: ROOT, env: { ...process.env, ...cp.env } }).catch((e) => e);
    assert.equal(bad.code, 2);
    assert.equal(JSON.parse(bad.stdout).version, null);
  });
});
