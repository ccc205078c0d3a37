/**
 * Open data through the open guard: published open entries only; L3/L4 fields dropped unless their
 * open rule masks them, in every format (preview, CSV, XLSX, JSON, Parquet) and on every page;
 * conditionally open data needs a key the admin approved; any version can be downloaded; every
 * read is audited.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { DuckDBInstance } from '@duckdb/node-api';
import { drivers } from '../helpers/platform.ts';
import { id, openCity, type City } from '../helpers/city.ts';

const FIELDS = [
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3', mask: 'name', open: 'mask' },
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'sj', title: '手机号码', type: 'string', element: 'mobile', sensitivity: 'L3', open: 'drop' },
  { name: 'qy', title: '区域', type: 'string', sensitivity: 'L1' },
  { name: 'bz', title: '备注', type: 'string', sensitivity: 'L2' },
];
const HEADER = '姓名,身份证号,手机号码,区域,备注';
const ROWS = [['欧阳娜娜', id(1), '13812345678', '西湖区', '第一行'], ['司马光明', id(2), '13987654321', '上城区', '=1+1']];
const SECRETS = ['欧阳娜娜', '司马光明', id(1), id(2), '13812345678', '13987654321'];
const csv = (rows: string[][]) => `${HEADER}\n${rows.map((r) => r.join(',')).join('\n')}\n`;

for (const driver of drivers()) {
  describe(`open data (${driver})`, () => {
    let c: City;
    const open = (url: string, headers: Record<string, string> = {}) => c.app.inject({ method: 'GET', url: `/api/v1/open${url}`, headers });
    const noSecrets = (body: string | Buffer, where: string) => {
      const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
      for (const s of SECRETS) assert.ok(!text.includes(s), `${where} carries ${s}`);
    };

    before(async () => {
      c = await openCity(driver);
      for (const [code, openType, draft] of [['GA_OPEN', 'open', false], ['GA_COND', 'conditional', false], ['GA_DRAFT', 'open', true], ['GA_SHUT', 'none', false]] as const) {
        await c.register(c.officers.GA, 'GA', code, FIELDS, { openType, shareType: 'unconditional', draft, keywords: ['开放'] });
        const r = await c.upload(c.officers.GA, code, 'p.csv', csv(ROWS.slice(0, 1)));
        assert.equal(r.json().status, 'succeeded', r.body);
      }
      const r = await c.upload(c.officers.GA, 'GA_OPEN', 'p2.csv', csv(ROWS.slice(1)), { mode: 'append' });
      assert.equal(r.json().status, 'succeeded', r.body);
    });
    after(() => c.close());

    test('the dataset page shows open columns only: L4 dropped by default, L3 dropped or masked by its rule', async () => {
      const page = await open('/datasets/GA_OPEN');
      assert.equal(page.statusCode, 200, page.body);
      const { dataset, versions } = page.json();
      assert.deepEqual(dataset.fields.map((f: { name: string; masked: boolean }) => `${f.name}${f.masked ? '*' : ''}`), ['xm*', 'qy', 'bz']);
      assert.deepEqual(versions.map((v: { version: number }) => v.version), [2, 1]);
      assert.equal(dataset.licence, 'CC-BY-4.0');
      assert.equal(dataset.id, undefined, 'no internal ids on public pages');
      for (const code of ['GA_DRAFT', 'GA_SHUT', 'NOPE']) {
        const r = await open(`/datasets/${code}`);
        assert.equal(r.statusCode, 404, code);
        assert.match(r.headers['content-type'] as string, /problem\+json/);
      }
      noSecrets(page.body, 'dataset page');
      const home = await open('/home');
      assert.equal(home.json().datasets, 2, 'open and conditionally open published entries');
      noSecrets(home.body, 'home');
    });

    test('preview and every download format carry masked names and no ID card or phone', async () => {
      const pv = await open('/datasets/GA_OPEN/preview');
      assert.equal(pv.statusCode, 200, pv.body);
      assert.deepEqual(pv.json().rows.map((r: { xm: string }) => r.xm).sort(), ['司**明', '欧**娜'].sort());
      noSecrets(pv.body, 'preview');

      const dl = (format: string, q = '') => open(`/datasets/GA_OPEN/download?format=${format}${q}`);
      const csvRes = await dl('csv');
      assert.equal(csvRes.statusCode, 200);
      assert.match(csvRes.headers['content-type'] as string, /text\/csv/);
      assert.match(csvRes.headers['content-disposition'] as string, /GA_OPEN-v2\.csv/);
      assert.deepEqual([...csvRes.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
      const text = csvRes.rawPayload.toString('utf8');
      assert.match(text, /^\uFEFFxm,qy,bz\r\n/);
      assert.ok(text.includes('西湖区') && text.includes('欧**娜'));
      assert.ok(text.includes("'=1+1"), 'a formula is written as text');
      noSecrets(csvRes.rawPayload, 'csv');

      const json = await dl('json');
      assert.deepEqual(json.json().map((r: { qy: string }) => r.qy).sort(), ['上城区', '西湖区']);
      noSecrets(json.body, 'json');

      const xlsx = await dl('xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), ['姓名', '区域', '备注']);
      assert.equal(ws.rowCount, 3);
      const formula = ws.getColumn(3).values.find((v) => typeof v === 'string' && v.startsWith('='));
      assert.equal(formula, '=1+1', 'text starting with = is a text cell, shown as written');
      assert.ok(ws.getColumn(3).values.every((v) => typeof v !== 'object' || v === null), 'no formula cells');
      noSecrets(xlsx.rawPayload.toString('latin1'), 'xlsx (zip)');
      const cells = ws.getSheetValues().flat().map(String).join('|');
      noSecrets(cells, 'xlsx cells');

      const pq = await dl('parquet');
      assert.equal(pq.rawPayload.subarray(0, 4).toString(), 'PAR1');
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'open-pq-')), 'd.parquet');
      fs.writeFileSync(file, pq.rawPayload);
      const db = await DuckDBInstance.create(':memory:');
      const con = await db.connect();
      const rows = (await con.runAndReadAll(`SELECT * FROM read_parquet('${file}') ORDER BY qy`)).getRowObjectsJson();
      con.disconnectSync();
      assert.deepEqual(Object.keys(rows[0]!), ['xm', 'qy', 'bz']);
      noSecrets(JSON.stringify(rows), 'parquet');

      const v1 = await dl('json', '&version=1');
      assert.equal(v1.json().length, 1, 'an earlier version downloads as it was');
      assert.equal(v1.headers['x-govhub-version'], '1');
      assert.equal((await dl('csv', '&version=9')).statusCode, 404);
      assert.equal((await dl('pdf')).statusCode, 400);

      const reads = await c.events('data.read', 'GA_OPEN');
      const formats = reads.filter((e) => e.details.open === true).map((e) => e.details.format);
      for (const f of ['rows', 'csv', 'json', 'xlsx', 'parquet']) assert.ok(formats.includes(f), `${f} read audited`);
      assert.ok(reads.every((e) => !(e.details.fields as string[]).includes('sfzh')));
    });

    test('conditionally open data: a key after accepting the terms, working once the admin approves it', async () => {
      assert.equal((await open('/datasets/GA_COND')).statusCode, 200, 'its page is public');
      assert.equal((await open('/datasets/GA_COND/download')).statusCode, 403);
      const apply = (body: Record<string, unknown>) => c.app.inject({ method: 'POST', url: '/api/v1/open/keys', payload: body });
      const base = { name: '张开发', organisation: '某大学', email: 'dev@example.edu.cn', purpose: '研究市场主体分布' };
      const refused = await apply({ ...base, acceptTerms: false });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().errors[0].field, 'acceptTerms');
      const a = await apply({ ...base, acceptTerms: true });
      assert.equal(a.statusCode, 201, a.body);
      const { key, id: appId, status } = a.json();
      assert.equal(status, 'pending');
      const pending = await open('/datasets/GA_COND/preview', { 'x-api-key': key });
      assert.equal(pending.statusCode, 401);
      assert.match(pending.json().detail, /审核|approval/);
      assert.equal((await c.req('POST', `/open-keys/${appId}/approve`, c.officers.GA, {})).statusCode, 403, 'only the admin approves');
      const ok = await c.req('POST', `/open-keys/${appId}/approve`, c.admin, {});
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().status, 'approved');
      const got = await open(`/datasets/GA_COND/download?format=json&apikey=${key}`);
      assert.equal(got.statusCode, 200, got.body);
      noSecrets(got.body, 'conditional download');
      const reads = await c.events('data.read', 'GA_COND');
      assert.equal(reads.at(-1)!.details.key, appId, 'the read is audited under the key');
      assert.equal((await c.req('POST', `/open-keys/${appId}/revoke`, c.admin, {})).statusCode, 400, 'a revocation states its reason');
      assert.equal((await c.req('POST', `/open-keys/${appId}/revoke`, c.admin, { reason: '超出用途' })).statusCode, 200);
      assert.equal((await open('/datasets/GA_COND/preview', { 'x-api-key': key })).statusCode, 401);
      const list = await c.req('GET', '/open-keys?status=revoked', c.admin);
      assert.equal(list.json().items[0].reason, '超出用途');
      assert.ok(!list.body.includes(key), 'keys are kept hashed and never shown again');
    });

    test('an L3/L4 field cannot be kept in clear in open data', async () => {
      const r = await c.req('PATCH', '/datasets/GA_OPEN', c.officers.GA, { fields: FIELDS.map((f) => (f.name === 'sfzh' ? { ...f, open: 'keep' } : f)) });
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().errors[0].field, 'fields.1.open');
    });
  });
}
