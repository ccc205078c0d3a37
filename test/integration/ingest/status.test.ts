/**
 * Job status words that tell the truth: a job that rejected rows is `partial`, every job names where
 * it came from, its rejected rows reach the officers' notices and read back as the file's rows.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingestFile } from '../../../src/ingest/index.ts';
import { drivers, SYSTEM } from '../../helpers/platform.ts';
import { id, openCity, type City } from '../../helpers/city.ts';

const FIELDS = [
  { name: 'gmsfhm', title: '公民身份号码', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', required: true, sensitivity: 'L3' },
  { name: 'xb', title: '性别', type: 'string', element: 'gender', sensitivity: 'L2' },
];
const FILE = ['身份证号,姓名,性别,备注', `${id(1)},张三,男,甲`, `${id(2)},李四,女,乙`, `110101199003070000,王五,男,丙`].join('\n');

for (const driver of drivers()) {
  describe(`job outcome, origin, notices and rejected rows (${driver})`, () => {
    let c: City;
    let partial: { jobId: string };
    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'ZT_RK', FIELDS);
      const r = await c.upload(c.officers.GA, 'ZT_RK', '人口.csv', FILE);
      assert.equal(r.statusCode, 201, r.body);
      partial = r.json();
    });
    after(() => c.close());

    test('a job that rejected rows is partial; the list filters by outcome', async () => {
      const j = (await c.req('GET', `/ingest/jobs/${partial.jobId}`, c.officers.GA)).json();
      assert.deepEqual([j.status, j.outcome, j.origin, j.accepted, j.rejected], ['succeeded', 'partial', 'upload', 2, 1]);
      const clean = await c.upload(c.officers.GA, 'ZT_RK', '人口2.csv', ['身份证号,姓名,性别', `${id(3)},赵六,女`].join('\n'));
      assert.equal(clean.json().outcome, 'succeeded');
      const byOutcome = async (o: string) => (await c.req('GET', `/ingest/jobs?dataset=ZT_RK&outcome=${o}`, c.officers.GA)).json().items.map((x: { jobId: string }) => x.jobId);
      assert.deepEqual(await byOutcome('partial'), [partial.jobId]);
      assert.deepEqual(await byOutcome('succeeded'), [clean.json().jobId]);
      assert.deepEqual(await byOutcome('failed'), []);
      assert.equal((await c.req('GET', '/ingest/jobs?outcome=done', c.officers.GA)).statusCode, 400);
    });

    test('every job names its origin; the list filters by origin and by source', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-origin-'));
      const file = path.join(dir, 'cli.csv');
      fs.writeFileSync(file, ['身份证号,姓名,性别', `${id(4)},钱七,男`].join('\n'));
      const cli = await ingestFile(c.t.p, SYSTEM, { datasetCode: 'ZT_RK', file, origin: 'cli' });
      fs.rmSync(dir, { recursive: true, force: true });
      assert.equal(cli.origin, 'cli');
      const list = async (q: string) => (await c.req('GET', `/ingest/jobs?dataset=ZT_RK&${q}`, c.officers.GA)).json().items as { jobId: string; origin: string }[];
      assert.deepEqual((await list('origin=cli')).map((j) => j.jobId), [cli.jobId]);
      assert.ok((await list('origin=upload')).every((j) => j.origin === 'upload'));
      assert.equal((await list('origin=upload')).length, 2);
      assert.deepEqual(await list('origin=push'), []);
      assert.deepEqual(await list('source=nope'), []);
    });

    test("rejected rows reach the owning department's officers as one notice per job, linking to the job", async () => {
      const mine = (await c.req('GET', '/notices', c.officers.GA)).json().items as { kind: string; objectType: string; objectId: string; title: string }[];
      const n = mine.filter((x) => x.kind === 'ingest.rejected');
      assert.equal(n.length, 1);
      assert.deepEqual([n[0]!.objectType, n[0]!.objectId], ['ingest_job', partial.jobId]);
      assert.match(n[0]!.title, /部分成功，1 行被拒绝/);
      for (const other of [c.admin, c.officers.MZ]) {
        const items = (await c.req('GET', '/notices', other)).json().items as { kind: string }[];
        assert.ok(!items.some((x) => x.kind === 'ingest.rejected'));
      }
    });

    test('rejected rows read back as the file had them: its columns, the values, the reasons', async () => {
      const r = await c.req('GET', `/ingest/jobs/${partial.jobId}/quarantine/rows`, c.officers.GA);
      assert.equal(r.statusCode, 200, r.body);
      const q = r.json();
      assert.deepEqual(q.columns, ['身份证号', '姓名', '性别', '备注']);
      assert.equal(q.total, 1);
      assert.deepEqual(q.items[0].values, { 身份证号: '110101199003070000', 姓名: '王五', 性别: '男', 备注: '丙' });
      assert.equal(q.items[0].raw, null);
      assert.equal(q.items[0].row, 3);
      assert.match(q.items[0].failures[0].message, /身份证号/);
      assert.equal(q.masked, false);
      // an admin sees L3/L4 values masked, and columns outside the dataset's fields as stars
      const a = (await c.req('GET', `/ingest/jobs/${partial.jobId}/quarantine/rows`, c.admin)).json();
      assert.equal(a.masked, true);
      assert.notEqual(a.items[0].values['姓名'], '王五');
      assert.notEqual(a.items[0].values['备注'], '丙');
      assert.equal(a.items[0].values['性别'], '男');
      // another department does not see the job at all
      assert.equal((await c.req('GET', `/ingest/jobs/${partial.jobId}/quarantine/rows`, c.officers.MZ)).statusCode, 404);
      const reads = await c.events('ingest.quarantine_read', partial.jobId);
      assert.ok(reads.some((e) => e.details.format === 'rows'));
    });
  });
}
