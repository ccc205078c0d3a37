/**
 * Untrusted parsing never runs in the server process. As found: a 200 KB JSON file nested 100,000
 * levels deep crashed DuckDB's reader and the whole server (exit 139); a ZIP whose directory lies
 * about its sizes inflated ~1 GB inside the server (470 → 1,050 MB) before failing; a header line
 * over 1 MiB was misread as one column. Each now fails one job with a clear 422 and the server
 * answers on.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { Engine } from '../../src/lake/index.ts';
import { sweepWorkDirs } from '../../src/ingest/index.ts';
import { drivers } from '../helpers/platform.ts';
import { upload, zip } from '../helpers/upload.ts';
import { openCity, type City } from '../helpers/city.ts';

const FIELDS = [
  { name: 'a', title: 'A', type: 'string', sensitivity: 'L1' },
  { name: 'b', title: 'B', type: 'string', sensitivity: 'L1' },
];

const deepJson = (levels: number) => `[{"a":${'['.repeat(levels)}${']'.repeat(levels)}}]`;

/** An XLSX-shaped ZIP whose sheet inflates to `bytes` while its local header and directory both claim 1,000 bytes. */
async function lyingZip(bytes: number): Promise<Buffer> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((ok) => deflate.on('end', ok));
  const chunk = Buffer.alloc(16 * 1024 * 1024, 0x20);
  for (let n = 0; n < bytes; n += chunk.length) if (!deflate.write(chunk)) await new Promise((ok) => deflate.once('drain', ok));
  deflate.end();
  await done;
  const bomb = Buffer.concat(out);
  // a well-formed small workbook, then patch the sheet's entry: real compressed data, lying sizes
  const honest = zip([
    { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(1000, 0x20) },
  ]);
  const at = honest.indexOf(Buffer.from('xl/worksheets/sheet1.xml'));
  const local = at - 30;
  const oldComp = honest.readUInt32LE(local + 18);
  const head = Buffer.from(honest.subarray(local, at + 'xl/worksheets/sheet1.xml'.length));
  head.writeUInt32LE(bomb.length, 18); // compressed size: true, so the parser reads it all
  head.writeUInt32LE(1000, 22); // uncompressed size: a lie
  const before = honest.subarray(0, local);
  const tail = Buffer.from(honest.subarray(at + 'xl/worksheets/sheet1.xml'.length + oldComp));
  // fix the central directory entry of the sheet (compressed size) and the directory offset
  const cdAt = tail.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), tail.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 1);
  tail.writeUInt32LE(bomb.length, cdAt + 20);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  tail.writeUInt32LE(tail.readUInt32LE(eocd + 16) + bomb.length - oldComp, eocd + 16);
  return Buffer.concat([before, head, bomb, tail]);
}

/** Pids of this process's parse processes that have the job's upload or work files open. */
function busyParsers(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,ppid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('parseWorker')).map((l) => Number(l.trim().split(/\s+/)[0])).filter((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => /\/ingest\/(uploads|work)\//.test(fs.readlinkSync(`/proc/${pid}/fd/${fd}`)));
    } catch {
      return false;
    }
  });
}

for (const driver of drivers()) {
  describe(`untrusted parsing is isolated (${driver})`, () => {
    // The attacks land in the parse process, whatever the control plane: they run on the embedded one;
    // the sweep of failed and killed jobs' files, which reads the jobs table, runs on both.
    const parsing = driver === 'pglite';
    let c: City;
    const version = async () => (await c.req('GET', '/datasets/GA_IN', c.officers.GA)).json().currentVersion;

    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_IN', FIELDS);
    });
    after(() => c.close());

    if (parsing) test('a JSON file nested 100,000 levels deep fails its job with 422; the server answers on', async () => {
      const body = deepJson(100_000);
      assert.ok(body.length > 190_000);
      for (const [name, content] of [['deep.json', body], ['deep.ndjson', `{"a":1}\n{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`]]) {
        const r = await c.upload(c.officers.GA, 'GA_IN', name, content);
        assert.equal(r.statusCode, 422, `${name}: ${r.body}`);
        assert.match(r.json().detail, /嵌套超过 64 层/);
        const p = await upload(c.app, '/datasets/GA_IN/ingest/preview', c.officers.GA, name, content);
        assert.equal(p.statusCode, 422, p.body);
      }
      assert.equal(await version(), 0);
      await c.healthy();
    });

    if (parsing) test('pushed records nested too deep answer 400 naming the record', async () => {
      const body = `[{"a":"x"},{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}]`;
      const r = await c.app.inject({ method: 'POST', url: '/api/v1/datasets/GA_IN/records', headers: { ...c.officers.GA, 'content-type': 'application/json' }, payload: body });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().errors[0].field, 'records.1');
      // and a number beyond a double is refused by name, not written as null
      const big = await c.app.inject({ method: 'POST', url: '/api/v1/datasets/GA_IN/records', headers: { ...c.officers.GA, 'content-type': 'application/json' }, payload: '[{"a":"x","b":1e400}]' });
      assert.equal(big.statusCode, 400, big.body);
      assert.equal(big.json().errors[0].field, 'records.0.b');
      await c.healthy();
    });

    if (parsing) test('a ZIP that lies about its sizes is stopped while inflating, outside the server', async () => {
      const bomb = await lyingZip(1.25 * 1024 ** 3);
      assert.ok(bomb.length < 4 * 1024 * 1024, `${bomb.length} bytes`);
      const rss0 = process.memoryUsage().rss;
      const r = await c.upload(c.officers.GA, 'GA_IN', 'bomb.xlsx', bomb);
      assert.equal(r.statusCode, 422, r.body);
      assert.match(r.json().detail, /zip bomb/);
      const grew = (process.memoryUsage().rss - rss0) / 1024 / 1024;
      assert.ok(grew < 150, `the server grew ${Math.round(grew)} MB`);
      assert.equal(await version(), 0);
      await c.healthy();
    });

    if (parsing) test('a header line over 1 MiB gets a clear error, not a one-column misread', async () => {
      const r = await c.upload(c.officers.GA, 'GA_IN', 'long.csv', `${'a'.repeat(1.5 * 1024 * 1024)},b\n1,2\n`);
      assert.equal(r.statusCode, 422, r.body);
      assert.match(r.json().detail, /第一行超过 1 MiB/);
    });

    if (parsing) test('a parser that crashes mid-file fails that job with 422 and leaves the server up', async () => {
      const rows = Array.from({ length: 400_000 }, (_, i) => `值${i},${i}`).join('\n');
      const pending = c.upload(c.officers.GA, 'GA_IN', 'big.csv', `a,b\n${rows}\n`);
      let killed: number[] = [];
      const t0 = Date.now();
      while (!killed.length && Date.now() - t0 < 60_000) {
        killed = busyParsers();
        for (const pid of killed) process.kill(pid, 'SIGSEGV');
        await new Promise((ok) => setTimeout(ok, 20));
      }
      assert.ok(killed.length, 'the parse process was found');
      const r = await pending;
      assert.equal(r.statusCode, 422, r.body);
      assert.match(r.json().detail, /解析进程异常终止（SIGSEGV）/);
      assert.equal(await version(), 0);
      await c.healthy();
      // and the next upload parses as usual
      const ok = await c.upload(c.officers.GA, 'GA_IN', 'small.csv', 'a,b\n1,2\n');
      assert.equal(ok.json().status, 'succeeded', ok.body);
    });

    if (parsing) test('a parse over its time cap is stopped', async () => {
      process.env.GOVHUB_PARSE_TIMEOUT_S = '0.05';
      try {
        const rows = Array.from({ length: 300_000 }, (_, i) => `值${i},${i}`).join('\n');
        const r = await c.upload(c.officers.GA, 'GA_IN', 'slow.csv', `a,b\n${rows}\n`, { mode: 'replace' });
        assert.equal(r.statusCode, 422, r.body);
        assert.match(r.json().detail, /超过时限/);
      } finally {
        delete process.env.GOVHUB_PARSE_TIMEOUT_S;
      }
      await c.healthy();
    });

    test('uploads and work files of failed jobs are removed; what a killed process left is swept at the next start', async () => {
      const area = (a: string) => path.join(c.t.p.dir, 'ingest', a);
      const left = (a: string) => (fs.existsSync(area(a)) ? fs.readdirSync(area(a)) : []);
      assert.deepEqual([left('uploads'), left('work')], [[], []], 'the failed jobs above left nothing');
      // a process that died mid-upload (its pid is gone) left an upload and a work directory
      const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
      for (const a of ['uploads', 'work']) {
        fs.mkdirSync(path.join(area(a), 'x1'), { recursive: true });
        fs.writeFileSync(path.join(area(a), 'x1', '.owner'), `${(await import('node:os')).hostname()}:${dead}`);
        fs.writeFileSync(path.join(area(a), 'x1', 'data.csv'), 'secret,rows\n');
      }
      assert.deepEqual(sweepWorkDirs(c.t.p.dir).sort(), [path.join('ingest', 'uploads', 'x1'), path.join('ingest', 'work', 'x1')]);
      assert.deepEqual([left('uploads'), left('work')], [[], []]);
    });
  });
}

test('the parse engine can touch nothing but the upload and its work directory', async () => {
  const dir = fs.mkdtempSync('/tmp/govhub-sandbox-');
  const upload = path.join(dir, 'in.csv');
  fs.writeFileSync(upload, 'a\n1\n');
  const work = path.join(dir, 'work');
  fs.mkdirSync(work);
  const engine = await Engine.create({ sandbox: { dirs: [work], files: [upload] }, maxIdle: 1 });
  try {
    assert.deepEqual(await engine.query(`SELECT count(*)::INT AS n FROM read_csv('${upload}')`), [{ n: 1 }]);
    await engine.query(`COPY (SELECT 1 AS x) TO '${work}/out.parquet' (FORMAT parquet)`);
    for (const sql of [`SELECT * FROM read_csv('/etc/passwd')`, `COPY (SELECT 1) TO '${dir}/escape.csv'`, `SET enable_external_access = true`, `SELECT * FROM read_parquet('${dir}/../*.parquet')`]) {
      await assert.rejects(engine.query(sql), Error, sql);
    }
    assert.ok(!fs.existsSync(path.join(dir, 'escape.csv')));
  } finally {
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
