import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { idCardCheckDigit } from '../../../src/standards/index.ts';
import { drivers } from '../../helpers/platform.ts';
import { apiCaller, login, openTestApp } from '../../helpers/server.ts';
import { upload, zip } from '../../helpers/upload.ts';

/** A valid 18-digit ID number born 1990-03-07 in 东城区, sequence n. */
const id = (n: number) => {
  const first17 = `11010119900307${String(n).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
};
/** The same person's old 15-digit number. */
const id15 = (n: number) => `110101900307${String(n).padStart(3, '0')}`;

const FIELDS = [
  { name: 'gmsfhm', title: '公民身份号码', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', required: true, sensitivity: 'L3' },
  { name: 'xb', title: '性别', type: 'string', element: 'gender', sensitivity: 'L2' },
  { name: 'csrq', title: '出生日期', type: 'date', sensitivity: 'L3' },
  { name: 'lxdh', title: '联系电话', type: 'string', element: 'mobile', sensitivity: 'L3' },
  { name: 'sr', title: '月收入', type: 'decimal', sensitivity: 'L3' },
  { name: 'hh', title: '户号', type: 'string', sensitivity: 'L2' },
];

const HEADER = '身份证号,姓名,性别,出生日期,手机号码,月收入,户号';

for (const driver of drivers()) {
  describe(`ingest (${driver})`, () => {
    // Reading files (encodings, formats, previews, malformed input) does not touch the control plane:
    // those tests run on the embedded one alone; every test that writes jobs and versions runs on both.
    const parsing = driver === 'pglite';
    let t: Awaited<ReturnType<typeof openTestApp>>;
    let admin: { authorization: string };
    let ga: { authorization: string };
    let mz: { authorization: string };
    let analyst: { authorization: string };
    const dept: Record<string, string> = {};
    const req = apiCaller(() => t.app);
    const dataset = async (code: string) => (await req('GET', `/datasets/${code}`, admin)).json();
    const rows = async (code: string) => {
      const ds = await dataset(code);
      const v = await t.p.lake.version(ds.id);
      return v ? t.p.dataLake.query<Record<string, unknown>>(`SELECT * FROM ${t.p.dataLake.scanSql(v)} ORDER BY 1`) : [];
    };
    const register = async (code: string, extra: Record<string, unknown> = {}) => {
      const r = await req('POST', '/datasets', ga, { code, name: `人口 ${code}`, departmentId: dept.GA, primaryKey: ['gmsfhm'], updateCycle: 'daily', fields: FIELDS, ...extra });
      assert.equal(r.statusCode, 201, r.body);
    };

    before(async () => {
      t = await openTestApp(driver);
      admin = await login(t.app);
      for (const code of ['GA', 'MZ']) dept[code] = (await req('POST', '/departments', admin, { code, name: `${code}局`, regionCode: '330102' })).json().id;
      for (const code of ['GA', 'MZ']) await req('POST', '/users', admin, { username: code.toLowerCase(), displayName: code, password: 'password-123', role: 'officer', departmentId: dept[code] });
      await req('POST', '/users', admin, { username: 'fx', displayName: '分析员', password: 'password-123', role: 'analyst', departmentId: dept.GA });
      ga = await login(t.app, 'ga', 'password-123');
      mz = await login(t.app, 'mz', 'password-123');
      analyst = await login(t.app, 'fx', 'password-123');
      await register('GA_RK');
    });
    after(() => t.close());

    if (parsing) test('GBK, GB18030 and UTF-8 BOM files with Chinese headers ingest; cleaning fixes what it can', async () => {
      const gbk = [HEADER, `${id(1)},张三,男,1990/3/7,13812345678,100.5,H001`, `${id15(2)},李四,女,1990年3月7日,１３８１２３４５６７９,  200 ,H002`,
        ` ${id(3).toLowerCase()} ,王五 ,M,19900307,+86 138-1234-5680,300,H003`].join('\r\n') + '\r\n';
      const r1 = await upload(t.app, '/datasets/GA_RK/ingest', ga, '户籍人口.csv', iconv.encode(gbk, 'gbk'), { mode: 'upsert' });
      assert.equal(r1.statusCode, 201, r1.body);
      const j1 = r1.json();
      assert.equal(j1.status, 'succeeded', j1.error);
      assert.deepEqual([j1.encoding, j1.delimiter, j1.format, j1.rowsRead, j1.accepted, j1.rejected, j1.version], ['gbk', ',', 'csv', 3, 3, 0, 1]);
      assert.deepEqual(j1.mapping, { 身份证号: 'gmsfhm', 姓名: 'xm', 性别: 'xb', 出生日期: 'csrq', 手机号码: 'lxdh', 月收入: 'sr', 户号: 'hh' });
      assert.equal(j1.sourceName, '户籍人口.csv');
      const got = await rows('GA_RK');
      assert.deepEqual(got.map((r) => [r.gmsfhm, r.xm, r.xb, r.csrq, r.lxdh, r.sr]), [
        [id(1), '张三', '1', '1990-03-07', '13812345678', 100.5],
        [id(2), '李四', '2', '1990-03-07', '13812345679', 200],
        [id(3), '王五', '1', '1990-03-07', '13812345680', 300],
      ]);

      // GB18030: a character outside GBK (𠀾) in a name
      const gb = [HEADER, `${id(4)},𠀾明,男,1990-03-07,13812345681,1,H004`].join('\n');
      const j2 = (await upload(t.app, '/datasets/GA_RK/ingest', ga, 'b.csv', iconv.encode(gb, 'gb18030'), { mode: 'upsert' })).json();
      assert.deepEqual([j2.status, j2.encoding, j2.accepted], ['succeeded', 'gb18030', 1]);
      // UTF-8 with a byte-order mark, as Excel saves it
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([HEADER, `${id(5)},赵六,女,1990-03-07,,,`].join('\n'))]);
      const j3 = (await upload(t.app, '/datasets/GA_RK/ingest', ga, 'c.csv', bom, { mode: 'upsert' })).json();
      assert.deepEqual([j3.status, j3.encoding, j3.accepted, j3.version], ['succeeded', 'utf-8-bom', 1, 3]);
      assert.ok((await rows('GA_RK')).some((r) => r.xm === '𠀾明'));
    });

    test('rejected rows are quarantined with row, field, rule and original value; corrected, they ingest again', async () => {
      await register('GA_Q');
      const csv = [
        HEADER,
        `${id(10)},甲,男,1990-03-07,13812345678,1,H1`, // 1 ok
        `${id(11).slice(0, 17)}0,乙,男,1990-03-07,13812345678,1,H1`, // 2 checksum (unless 0 is right)
        `${id(12)},,男,1990-03-07,13812345678,1,H1`, // 3 name missing
        `${id(13)},丙,男`, // 4 ragged: too few columns
        `${id(14)},丁,男,1990-03-07,13812345678,abc,H1`, // 5 income not a number
        `${id(15)},戊,未知性别,1990-02-30,1381234567,1,H1`, // 6 gender, date, mobile
        `${id(16)},己,男,1990-03-07,13812345678,1,H1`, // 7 ok
        `${id(10)},甲二,男,1990-03-07,13812345678,1,H1`, // 8 duplicate key of row 1 (append)
        `${id(17)},"庚,1990-03-07,13812345678,1,H1`, // 9 unterminated quote to the end
      ].join('\n') + '\n';
      const fixChecksum = id(11).slice(0, 17) + '0' === id(11);
      const r = await upload(t.app, '/datasets/GA_Q/ingest', ga, 'q.csv', csv);
      assert.equal(r.statusCode, 201, r.body);
      const j = r.json();
      assert.equal(j.status, 'succeeded', j.error);
      assert.equal(j.rowsRead, 9);
      assert.equal(j.accepted, fixChecksum ? 3 : 2);
      assert.equal(j.rejected, fixChecksum ? 6 : 7);
      assert.match(j.quarantineFile, /^ingest\/quarantine\/.+\.parquet$/);

      const q = await req('GET', `/ingest/jobs/${j.jobId}/quarantine?limit=100`, ga);
      assert.equal(q.statusCode, 200, q.body);
      const items = q.json().items as { row: number; field: string | null; rule: string; reason: string | null; value: string | null; record: string }[];
      const by = (row: number) => items.filter((e) => e.row === row).map((e) => [e.field, e.rule, e.reason, e.value]);
      if (!fixChecksum) assert.deepEqual(by(2), [['gmsfhm', 'standard', 'checksum', `${id(11).slice(0, 17)}0`]]);
      assert.deepEqual(by(3), [['xm', 'required', null, null]]);
      assert.deepEqual(by(4), [[null, 'parse', 'MISSING COLUMNS', `${id(13)},丙,男`]]);
      assert.deepEqual(by(5), [['sr', 'type', null, 'abc']]);
      assert.deepEqual(by(6).map((e) => e.slice(0, 2)).sort(), [['csrq', 'type'], ['lxdh', 'standard'], ['xb', 'standard']]);
      assert.deepEqual(by(8), [['gmsfhm', 'unique', 'duplicate', id(10)]]);
      assert.equal(by(9)[0]![1], 'parse');
      assert.deepEqual(JSON.parse(items.find((e) => e.row === 5)!.record).月收入, 'abc');

      // the CSV: one line per rejected row, original columns, ready to correct
      const dl = await req('GET', `/ingest/jobs/${j.jobId}/quarantine?format=csv`, ga);
      assert.equal(dl.statusCode, 200);
      assert.match(String(dl.headers['content-type']), /text\/csv/);
      const records = parse(dl.body, { bom: true }) as string[][];
      assert.equal(records[0]!.join(','), `_row,_errors,_reasons,_raw,${HEADER}`);
      assert.equal(records.length - 1, j.rejected);
      assert.match(records.find((r) => r[0] === '5')![1]!, /月收入:type/);
      assert.equal(records.find((r) => r[0] === '5')![2]!, '月收入：类型不符', 'the reason in words beside the code');
      if (!fixChecksum) assert.equal(records.find((r) => r[0] === '2')![2]!, '身份证号：校验位错误');
      assert.equal(records.find((r) => r[0] === '3')![4], /^\d+$/.test(id(12)) ? `="${id(12)}"` : id(12), 'an all-digit ID is written so spreadsheets keep every digit');
      assert.match(records.find((r) => r[0] === '9')![3]!, /"庚/, 'a row that did not parse keeps its raw text');
      // correct the file: fill the name, fix the income, drop the rows that cannot be fixed
      const fixed = records.filter((r) => r[0] === '3' || r[0] === '5').map((r) => r.map((c) => (c === 'abc' ? '5' : c)));
      fixed.find((r) => r[0] === '3')![5] = '补名';
      const corrected = [records[0]!, ...fixed].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\n');
      const retry = await upload(t.app, `/ingest/jobs/${j.jobId}/retry`, ga, 'corrected.csv', corrected);
      assert.equal(retry.statusCode, 201, retry.body);
      const rj = retry.json();
      assert.deepEqual([rj.status, rj.accepted, rj.rejected, rj.retryOf, rj.mode], ['succeeded', 2, 0, j.jobId, 'upsert']);
      const names = (await rows('GA_Q')).map((x) => x.xm);
      assert.ok(names.includes('补名') && names.includes('丁'));
    });

    if (parsing) test('bad input gets a clear 422 and never a version', async () => {
      await register('GA_BAD');
      const before = (await dataset('GA_BAD')).currentVersion;
      const big = zip([
        { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
        { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
        { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(64 * 1024 * 1024, 0x20) },
      ]);
      const cases: [string, string | Buffer, Record<string, string>, RegExp][] = [
        ['empty.csv', '', {}, /empty/],
        ['header.csv', HEADER + '\n', {}, /header/],
        ['junk.csv', Buffer.from([0x00, 0x9f, 0x92, 0x96, 0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00]), {}, /binary/],
        ['gbk.csv', iconv.encode(`${HEADER}\n${id(1)},张三,男,1990-03-07,13812345678,1,H`, 'gbk'), { encoding: 'utf-8' }, /UTF-8/],
        ['wide.csv', Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',') + '\n' + Array.from({ length: 10_000 }, () => '1').join(','), {}, /10000/],
        ['bomb.xlsx', big, {}, /zip bomb/],
        ['old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), {}, /xls/],
        ['nothing.csv', 'a,b,c\n1,2,3\n', {}, /no column/],
        ['broken.json', '[{"a": 1}, {"b": ', {}, /JSON/],
      ];
      for (const [name, content, fields, re] of cases) {
        const r = await upload(t.app, '/datasets/GA_BAD/ingest', ga, name, content, fields);
        assert.equal(r.statusCode, 422, `${name}: ${r.statusCode} ${r.body}`);
        assert.match(String(r.headers['content-type']), /application\/problem\+json/);
        assert.match(r.json().detail, re, name);
      }
      assert.equal((await dataset('GA_BAD')).currentVersion, before);
      const jobs = (await req('GET', '/ingest/jobs?dataset=GA_BAD&limit=50', ga)).json();
      assert.ok(jobs.items.length >= cases.length - 2 && jobs.items.every((x: { status: string; version: number | null }) => x.status === 'failed' && x.version === null));
      // a multipart request without a file, and one that is not multipart at all
      assert.equal((await req('POST', '/datasets/GA_BAD/ingest', ga, { mode: 'append' })).statusCode, 415);
    });

    test('an error limit fails the job without a version; within the limit the good rows land', async () => {
      await register('GA_LIMIT');
      const csv = [HEADER, `${id(20)},甲,男,1990-03-07,13812345678,1,H`, `${id(21)},,男,1990-03-07,13812345678,1,H`, `${id(22)},丙,男,1990-03-07,13812345678,1,H`].join('\n');
      const failed = (await upload(t.app, '/datasets/GA_LIMIT/ingest', ga, 'l.csv', csv, { errorLimit: '0' })).json();
      assert.deepEqual([failed.status, failed.version, failed.rowsRead, failed.rejected], ['failed', null, 3, 1]);
      assert.match(failed.error, /error limit/);
      assert.ok(failed.quarantineFile, 'the rejected rows are kept even when the job fails');
      assert.equal((await dataset('GA_LIMIT')).currentVersion, 0);
      assert.equal((await req('GET', `/ingest/jobs/${failed.jobId}/quarantine`, ga)).json().total, 1);
      const share = (await upload(t.app, '/datasets/GA_LIMIT/ingest', ga, 'l.csv', csv, { errorLimit: '10%' })).json();
      assert.equal(share.status, 'failed');
      const ok = (await upload(t.app, '/datasets/GA_LIMIT/ingest', ga, 'l.csv', csv, { errorLimit: '50%' })).json();
      assert.deepEqual([ok.status, ok.version, ok.accepted], ['succeeded', 1, 2]);
      const fresh = (await dataset('GA_LIMIT'));
      assert.deepEqual([fresh.currentVersion, fresh.rowCount], [1, 2]);
    });

    test('Prefer: respond-async answers 202 with the job to poll; its progress shows while it runs and clears at the end', async () => {
      await register('GA_ASYNC');
      const idOf = (i: number) => {
        const first17 = `11010119${50 + Math.floor(i / 1000)}0307${String(i % 1000).padStart(3, '0')}`;
        return first17 + idCardCheckDigit(first17);
      };
      const csv = [HEADER, ...Array.from({ length: 3000 }, (_, i) => `${idOf(i)},甲,男,1990-03-07,13812345678,1,H`)].join('\n');
      const r = await upload(t.app, '/datasets/GA_ASYNC/ingest', ga, 'a.csv', csv, {}, { prefer: 'respond-async' });
      assert.equal(r.statusCode, 202, r.body);
      assert.equal(r.headers['preference-applied'], 'respond-async');
      const job = r.json();
      assert.equal(r.headers.location, `/api/v1/ingest/jobs/${job.jobId}`);
      assert.equal(job.status, 'running');
      let now = job;
      for (let i = 0; i < 600 && now.status === 'running'; i++) {
        await new Promise((res) => setTimeout(res, 50));
        now = (await req('GET', `/ingest/jobs/${job.jobId}`, ga)).json();
        if (now.status === 'running' && now.progress) assert.ok(now.progress.percent >= 0 && now.progress.percent <= 100 && now.progress.stage);
      }
      assert.deepEqual([now.status, now.accepted, now.rejected, now.version, now.progress], ['succeeded', 3000, 0, 1, null]);
      assert.equal((await dataset('GA_ASYNC')).rowCount, 3000);
      // input the job cannot start with is still refused at once
      const bad = await upload(t.app, '/datasets/GA_ASYNC/ingest', ga, 'a.csv', csv, { mode: 'sideways' }, { prefer: 'respond-async' });
      assert.equal(bad.statusCode, 400);
      // progress is kept only while a job runs
      const { insertJob, setJobProgress, updateJob, jobById, failInterruptedJobs } = await import('../../../src/ingest/jobs/jobs.ts');
      const jid = crypto.randomUUID();
      await insertJob(t.p.db, { id: jid, datasetId: (await dataset('GA_ASYNC')).id, sourceName: 'p.csv', mode: 'append', createdBy: null });
      await setJobProgress(t.p.db, jid, { stage: 'read', percent: 40 });
      assert.deepEqual((await jobById(t.p.db, jid))!.progress, { stage: 'read', percent: 40 });
      // a job whose process has died is marked failed at start-up; a live one is left alone
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      await t.p.db.query(`UPDATE ingest_jobs SET owner = $2 WHERE id = $1`, [jid, `${os.hostname()}:${dead}`]);
      const live = crypto.randomUUID();
      await insertJob(t.p.db, { id: live, datasetId: (await dataset('GA_ASYNC')).id, sourceName: 'q.csv', mode: 'append', createdBy: null });
      assert.deepEqual(await failInterruptedJobs(t.p.db), [jid]);
      const failed = (await jobById(t.p.db, jid))!;
      assert.deepEqual([failed.status, failed.progress, failed.version], ['failed', null, null]);
      assert.match(failed.error!, /interrupted/);
      await setJobProgress(t.p.db, jid, { stage: 'write', percent: 90 });
      assert.equal((await jobById(t.p.db, jid))!.progress, null, 'an ended job keeps no progress');
      assert.equal((await jobById(t.p.db, live))!.status, 'running');
      await updateJob(t.p.db, live, { status: 'failed', error: 'test' });
    });

    test('versions are paged newest first, each with its source file and quality score', async () => {
      await register('GA_VER');
      for (const [i, name] of ['户籍人口.csv', 'b.csv', 'c.csv'].entries()) {
        const r = await upload(t.app, '/datasets/GA_VER/ingest', ga, name, [HEADER, `${id(70 + i)},甲,男,1990-03-07,13812345678,1,H1`].join('\n'), { mode: 'upsert' });
        assert.equal(r.statusCode, 201, r.body);
      }
      const all = (await req('GET', '/datasets/GA_VER/versions', ga)).json();
      assert.equal(all.total, 3);
      const first = (await req('GET', '/datasets/GA_VER/versions?limit=2', ga)).json();
      const rest = (await req('GET', `/datasets/GA_VER/versions?limit=100&offset=2`, ga)).json();
      assert.deepEqual([first.total, first.limit, first.offset, first.items.length], [all.total, 2, 0, 2]);
      assert.deepEqual([...first.items, ...rest.items].map((v: { version: number }) => v.version), Array.from({ length: all.total }, (_, i) => all.total - i));
      const v1 = all.items.find((v: { version: number }) => v.version === 1);
      assert.equal(v1.sourceName, '户籍人口.csv');
      assert.ok(typeof v1.quality === 'number' && v1.quality > 0 && v1.quality <= 100, `quality ${v1.quality}`);
      const job = (await req('GET', `/ingest/jobs/${v1.jobId}`, ga)).json();
      assert.equal(v1.quality, job.quality.score);
      // another department sees what the catalog shows of each version, not its workings (files, writer, job),
      // once the entry is published (a draft does not exist for it)
      assert.equal((await req('GET', '/datasets/GA_VER/versions', mz)).statusCode, 404);
      for (const [step, by] of [['submit', ga], ['publish', admin]] as const) assert.equal((await req('POST', `/datasets/GA_VER/${step}`, by)).statusCode, 200);
      const other = (await req('GET', '/datasets/GA_VER/versions', mz)).json();
      assert.equal(other.total, all.total);
      for (const v of other.items as Record<string, unknown>[]) {
        assert.deepEqual(Object.keys(v).sort(), ['createdAt', 'mode', 'parentVersion', 'rowCount', 'rowsAdded', 'schema', 'version']);
      }
      assert.ok(!JSON.stringify(other).includes('lake/'), 'no file path reaches another department');
    });

    test('upsert re-ingest creates no duplicates; append refuses keys the dataset holds', async () => {
      await register('GA_UP');
      const csv = [HEADER, ...[30, 31, 32].map((n) => `${id(n)},人${n},男,1990-03-07,13812345678,${n},H`), `${id(30)},人30新,男,1990-03-07,13812345678,99,H`].join('\n');
      const a = (await upload(t.app, '/datasets/GA_UP/ingest', ga, 'u.csv', csv, { mode: 'upsert' })).json();
      assert.deepEqual([a.status, a.accepted, a.rejected], ['succeeded', 4, 0], 'in upsert a repeated key is not an error');
      const b = (await upload(t.app, '/datasets/GA_UP/ingest', ga, 'u.csv', csv, { mode: 'upsert' })).json();
      assert.equal(b.status, 'succeeded');
      const got = await rows('GA_UP');
      assert.equal(got.length, 3);
      assert.equal(got.find((r) => r.gmsfhm === id(30))!.xm, '人30新', 'the last row of a key wins');
      assert.equal(a.quality.scores.uniqueness, 75);
      const c = (await upload(t.app, '/datasets/GA_UP/ingest', ga, 'u.csv', csv, { mode: 'append' })).json();
      assert.deepEqual([c.status, c.accepted, c.rejected, c.version], ['failed', 0, 4, null]);
      const q = (await req('GET', `/ingest/jobs/${c.jobId}/quarantine?limit=10`, ga)).json();
      assert.deepEqual([...new Set(q.items.map((e: { rule: string; reason: string }) => `${e.rule}:${e.reason}`))].sort(), ['unique:duplicate', 'unique:exists']);
      assert.equal((await rows('GA_UP')).length, 3);
    });

    test('only the dataset department (or an admin) ingests and reads jobs and quarantine', async () => {
      const csv = [HEADER, `${id(40)},甲,男,1990-03-07,13812345678,1,H`, `${id(41)},,男,1990-03-07,13812345678,1,H`].join('\n');
      const other = await upload(t.app, '/datasets/GA_RK/ingest', mz, 'x.csv', csv);
      assert.equal(other.statusCode, 403, other.body);
      assert.equal((await upload(t.app, '/datasets/GA_RK/ingest', analyst, 'x.csv', csv)).statusCode, 403);
      assert.equal((await upload(t.app, '/datasets/NOPE/ingest', ga, 'x.csv', csv)).statusCode, 404);
      const j = (await upload(t.app, '/datasets/GA_RK/ingest', admin, 'x.csv', csv, { mode: 'upsert' })).json();
      assert.equal(j.status, 'succeeded');
      for (const who of [mz, analyst]) {
        assert.equal((await req('GET', `/ingest/jobs/${j.jobId}`, who)).statusCode, 404);
        assert.equal((await req('GET', `/ingest/jobs/${j.jobId}/quarantine`, who)).statusCode, 404);
        assert.equal((await req('GET', `/ingest/jobs/${j.jobId}/quarantine?format=csv`, who)).statusCode, 404);
        assert.equal((await upload(t.app, `/ingest/jobs/${j.jobId}/retry`, who, 'x.csv', csv)).statusCode, 404);
      }
      assert.equal((await req('GET', '/ingest/jobs', analyst)).statusCode, 403);
      const mzJobs = (await req('GET', '/ingest/jobs', mz)).json();
      assert.equal(mzJobs.total, 0, 'another department sees none of these jobs');
      assert.equal((await req('GET', `/ingest/jobs/${j.jobId}/quarantine`, ga)).statusCode, 200);
      assert.equal((await req('GET', '/datasets/GA_RK/ingest/settings', mz)).statusCode, 403);
      // every quarantine read is audited, and so is every ingest (same transaction as its version)
      const audit = await t.p.db.query<{ action: string; details: unknown }>(`SELECT action, details FROM audit_events WHERE action IN ('dataset.ingest', 'ingest.quarantine_read') ORDER BY seq`);
      const ingest = audit.filter((e) => e.action === 'dataset.ingest').map((e) => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as { jobId: string; version: number });
      assert.ok(ingest.some((d) => d.jobId === j.jobId && d.version === j.version));
      assert.ok(audit.some((e) => e.action === 'ingest.quarantine_read'));
    });

    if (parsing) test('preview: encoding, delimiter, first rows and the proposed mapping; saved mappings are reused', async () => {
      const csv = ['证件号码;名字;联系电话;备注', ...Array.from({ length: 30 }, (_, i) => `${id(50 + i)};人${i};13812345678;x`)].join('\n');
      const r = await upload(t.app, '/datasets/GA_RK/ingest/preview', ga, '预览.csv', iconv.encode(csv, 'gbk'));
      assert.equal(r.statusCode, 200, r.body);
      const p = r.json();
      assert.deepEqual([p.format, p.encoding, p.delimiter, p.rows.length], ['csv', 'gbk', ';', 20]);
      assert.deepEqual(p.columns.map((c: { field: string | null }) => c.field), ['gmsfhm', 'xm', 'lxdh', null]);
      assert.deepEqual(p.rows[0], [id(50), '人0', '13812345678', 'x']);
      assert.deepEqual(p.unmappedFields.map((f: { name: string }) => f.name), ['xb', 'csrq', 'sr', 'hh']);
      // confirm a different mapping: 备注 → 户号; the next file of the same name reuses it
      const j = (await upload(t.app, '/datasets/GA_RK/ingest', ga, '预览.csv', iconv.encode(csv, 'gbk'), { mode: 'upsert', mapping: JSON.stringify({ 备注: 'hh' }) })).json();
      assert.equal(j.status, 'succeeded', j.error);
      assert.equal(j.mapping.备注, 'hh');
      const again = (await upload(t.app, '/datasets/GA_RK/ingest/preview', ga, '预览.csv', iconv.encode(csv, 'gbk'))).json();
      assert.deepEqual(again.columns.map((c: { field: string | null; by: string }) => [c.field, c.by]), [['gmsfhm', 'saved'], ['xm', 'saved'], ['lxdh', 'saved'], ['hh', 'saved']]);
    });

    if (parsing) test('XLSX (sheet choice), JSON arrays, NDJSON and Parquet', async () => {
      await register('GA_FMT');
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('说明').addRow(['本表为示例']);
      const ws = wb.addWorksheet('人员');
      ws.addRow(['身份证号', '姓名', '出生日期', '月收入']);
      ws.addRow([id(60), '甲', new Date(Date.UTC(1990, 2, 7)), 1.5]);
      ws.addRow([]);
      ws.addRow([id(61), '', '1990-03-07', 2]);
      const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
      const p = (await upload(t.app, '/datasets/GA_FMT/ingest/preview', ga, 'a.xlsx', xlsx, { sheet: '人员' })).json();
      assert.deepEqual([p.format, p.sheet, p.sheets], ['xlsx', '人员', ['说明', '人员']]);
      const x = (await upload(t.app, '/datasets/GA_FMT/ingest', ga, 'a.xlsx', xlsx, { sheet: '2', mode: 'upsert' })).json();
      assert.deepEqual([x.status, x.format, x.accepted, x.rejected], ['succeeded', 'xlsx', 1, 1]);
      const q = (await req('GET', `/ingest/jobs/${x.jobId}/quarantine`, ga)).json();
      assert.deepEqual(q.items.map((e: { row: number; field: string; rule: string }) => [e.row, e.field, e.rule]), [[3, 'xm', 'required']], 'row numbers count the blank Excel row');

      const json = JSON.stringify([{ 身份证号: id(62), 姓名: '乙', 月收入: 3 }, { 身份证号: id(63), 姓名: { nested: true } }]);
      const jj = (await upload(t.app, '/datasets/GA_FMT/ingest', ga, 'a.json', json, { mode: 'upsert' })).json();
      assert.deepEqual([jj.status, jj.format, jj.accepted], ['succeeded', 'json', 2]);
      const nd = `{"身份证号":"${id(64)}","姓名":"丙"}\n\nnot json\n{"身份证号":"${id(65)}","姓名":"丁","月收入":"x"}\n`;
      const nj = (await upload(t.app, '/datasets/GA_FMT/ingest', ga, 'a.ndjson', nd, { mode: 'upsert' })).json();
      assert.deepEqual([nj.format, nj.rowsRead, nj.accepted, nj.rejected], ['ndjson', 3, 1, 2]);
      const nq = (await req('GET', `/ingest/jobs/${nj.jobId}/quarantine`, ga)).json();
      assert.deepEqual(nq.items.map((e: { row: number; rule: string }) => [e.row, e.rule]), [[3, 'parse'], [4, 'type']], 'NDJSON rows are line numbers');

      const file = `${t.p.dir}/a.parquet`;
      await t.p.dataLake.query(`COPY (SELECT '${id(66)}' AS gmsfhm, '戊' AS xm, DATE '1990-03-07' AS csrq, 12.5 AS sr) TO '${file}' (FORMAT parquet)`);
      const { readFileSync } = await import('node:fs');
      const pj = (await upload(t.app, '/datasets/GA_FMT/ingest', ga, 'a.parquet', readFileSync(file), { mode: 'upsert' })).json();
      assert.deepEqual([pj.status, pj.format, pj.accepted], ['succeeded', 'parquet', 1]);
      assert.equal((await rows('GA_FMT')).length, 5);
    });

    test('cleaning switches and rules are visible and changeable; references and enums are checked', async () => {
      await register('GA_RULES');
      const s0 = (await req('GET', '/datasets/GA_RULES/ingest/settings', ga)).json();
      const xb = s0.fields.find((f: { field: string }) => f.field === 'xb');
      assert.deepEqual(xb.cleaning.map((c: { id: string; enabled: boolean }) => [c.id, c.enabled]), [['trim', true], ['halfWidth', true], ['codeMap', false], ['normalize', true]]);
      assert.deepEqual(s0.unique, ['gmsfhm']);
      const bad = await req('PUT', '/datasets/GA_RULES/ingest/settings', ga, { rules: { fields: { nope: { pattern: 'x' } }, references: [{ fields: ['hh'], dataset: 'NO_SUCH' }] } });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['rules.fields.nope', 'rules.references.0.dataset']);
      // a household register to reference
      const hr = await req('POST', '/datasets', ga, { code: 'GA_HH', name: '户', departmentId: dept.GA, primaryKey: ['hh'], fields: [{ name: 'hh', title: '户号', type: 'string', sensitivity: 'L2' }] });
      assert.equal(hr.statusCode, 201, hr.body);
      assert.equal((await upload(t.app, '/datasets/GA_HH/ingest', ga, 'hh.csv', '户号\nH1\nH2\n')).json().accepted, 2);
      const put = await req('PUT', '/datasets/GA_RULES/ingest/settings', ga, {
        cleaning: { xb: { normalize: false, codeMap: { 男性: '1', 女性: '2' } } },
        rules: { fields: { xb: { enum: ['1', '2'] }, sr: { min: 0, max: 1000 }, xm: { maxLength: 4 } }, references: [{ fields: ['hh'], dataset: 'GA_HH' }] },
      });
      assert.equal(put.statusCode, 200, put.body);
      const csv = [HEADER,
        `${id(70)},甲,男性,1990-03-07,13812345678,1,H1`, // 1 ok: 男性 → 1 by the code map
        `${id(71)},乙,男,1990-03-07,13812345678,1,H1`, // 2 男 no longer normalised: not in the enum
        `${id(72)},丙,1,1990-03-07,13812345678,5000,H1`, // 3 income out of range
        `${id(73)},丁,2,1990-03-07,13812345678,1,H9`, // 4 household H9 does not exist
        `${id(74)},欧阳娜娜娜,2,1990-03-07,13812345678,1,H2`, // 5 name too long
      ].join('\n');
      const j = (await upload(t.app, '/datasets/GA_RULES/ingest', ga, 'r.csv', csv)).json();
      assert.equal(j.accepted, 1, JSON.stringify(j));
      const q = (await req('GET', `/ingest/jobs/${j.jobId}/quarantine?limit=20`, ga)).json();
      assert.deepEqual(q.items.map((e: { row: number; field: string; rule: string }) => [e.row, e.field, e.rule]), [[2, 'xb', 'enum'], [3, 'sr', 'range'], [4, 'hh', 'reference'], [5, 'xm', 'length']]);
      assert.equal(j.quality.scores.consistency, 50, 'one of the two references checked (rows passing their field rules) failed');
      assert.equal((await rows('GA_RULES'))[0]!.xb, '1', '男性 became 1 through the code map');
    });

    test('the quality report scores the six GB/T 36344 dimensions, per field and overall', async () => {
      const jobs = (await req('GET', '/ingest/jobs?dataset=GA_Q', ga)).json();
      const j = jobs.items.find((x: { retryOf: string | null }) => !x.retryOf);
      const qr = j.quality;
      assert.deepEqual(Object.keys(qr.scores).sort(), ['accuracy', 'completeness', 'conformity', 'consistency', 'timeliness', 'uniqueness']);
      assert.equal(qr.scores.timeliness, 100);
      assert.equal(qr.scores.consistency, null, 'no reference rules');
      assert.ok(qr.scores.accuracy > 0 && qr.scores.accuracy < 100);
      assert.ok(qr.score > 0 && qr.score < 100);
      const sr = qr.fields.find((f: { field: string }) => f.field === 'sr');
      assert.equal(sr.failures.type, 1);
      assert.ok(sr.scores.accuracy < 100 && sr.scores.completeness > 0);
      assert.equal(qr.failures.parse, 2);
    });
  });
}
