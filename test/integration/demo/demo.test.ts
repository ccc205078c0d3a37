import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadDemo, officerName, DEMO_PASSWORD, type DemoLoadResult } from '../../../src/demo/index.ts';
import { quarantine } from '../../../src/ingest/index.ts';
import { SMALL_CITY, type DemoCity } from '../../helpers/demoCity.ts';
import { SYSTEM, drivers } from '../../helpers/platform.ts';
import { login, openTestApp } from '../../helpers/server.ts';

const CITY: DemoCity = SMALL_CITY;
/** The demo is loaded here on one driver (PostgreSQL when there is one); on the other this starts from the loaded template (test/helpers/demoCity.ts). */
const LOADED_HERE = drivers().at(-1);

for (const driver of drivers()) {
  describe(`demo city (${driver})`, () => {
    let t: Awaited<ReturnType<typeof openTestApp>>;
    let r: DemoLoadResult;
    before(async () => {
      if (driver === LOADED_HERE) {
        t = await openTestApp(driver);
        r = await loadDemo(t.p, CITY);
      } else {
        t = await openTestApp(driver, { demo: CITY });
        r = t.demo!;
      }
    });
    after(() => t.close());

    test('every department file ingests with exactly the accepted and rejected counts the generator recorded', () => {
      assert.ok(r.manifest.departments.length >= 15);
      assert.ok(r.manifest.files.some((f) => f.encoding === 'gbk'), 'one file is GBK-encoded');
      const got = r.jobs.map((j) => `${j.dataset} ${j.job.status} accepted=${j.job.accepted} rejected=${j.job.rejected}`);
      const want = r.jobs.map((j) => `${j.dataset} succeeded accepted=${j.expectedAccepted} rejected=${j.expectedRejected}`);
      assert.deepEqual(got, want);
      const kinds = new Set(r.manifest.files.map((f) => `${f.format}/${f.encoding}${f.bom ? '+bom' : ''}`));
      assert.ok(kinds.has('csv/gbk') && kinds.has('csv/utf-8+bom') && kinds.has('ndjson/utf-8'), [...kinds].join(' '));
    });

    test('the quarantined rows are exactly the rows the generator corrupted', async () => {
      for (const j of r.jobs) {
        const f = r.manifest.files.find((x) => x.path === j.file)!;
        const want = [...new Set(f.defects.filter((d) => d.reject).map((d) => d.row))].sort((a, b) => a - b);
        const got = j.job.rejected ? [...new Set((await quarantine.entries(t.p, SYSTEM, j.job.jobId, { limit: 100_000, offset: 0 })).items.map((e) => e.row))].sort((a, b) => a - b) : [];
        assert.deepEqual(got, want, `${f.dataset}: quarantined rows`);
      }
    });

    test('the GBK file reads as Chinese, and the data is visible to its department', async () => {
      const gbk = r.manifest.files.find((f) => f.encoding === 'gbk')!;
      const h = await login(t.app, officerName(gbk.department), DEMO_PASSWORD);
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${gbk.dataset}/rows?limit=50`, headers: h });
      assert.equal(res.statusCode, 200, res.body);
      const { rows, total } = res.json();
      assert.ok(total > 0 && total <= gbk.expectedAccepted, `total ${total}`);
      const text = JSON.stringify(rows);
      assert.match(text, /[\u4e00-\u9fa5]{2,}/, 'Chinese text decoded');
      assert.ok(!text.includes('\ufffd'), 'no replacement characters');
    });

    test('the open-data portal is not empty: six published open datasets, masked fields, one conditional, two entries in review', async () => {
      const home = (await t.app.inject({ method: 'GET', url: '/api/v1/open/home' })).json();
      assert.ok(home.datasets >= 6, `${home.datasets} open datasets`);
      // every published open dataset of the departments' files (the home page shows only the latest few)
      const codes = r.manifest.departments.flatMap((d) => d.datasets).filter((d) => d.openType !== 'none').map((d) => d.code);
      const answers = await Promise.all(codes.map((code) => t.app.inject({ method: 'GET', url: `/api/v1/open/datasets/${code}` })));
      const open = answers.filter((a) => a.statusCode === 200).map((a) => a.json().dataset) as { code: string; openType: string; fields: { masked: boolean }[]; keywords: string[] }[];
      assert.ok(open.length >= 6, `${open.length} open datasets of the departments`);
      assert.ok(open.some((d) => d.openType === 'conditional'));
      assert.ok(open.filter((d) => d.fields.some((f) => f.masked)).length >= 2, 'some open datasets show masked fields');
      const cg = (await t.app.inject({ method: 'GET', url: '/api/v1/open/datasets/CG_SRAJ/preview?limit=5' })).json();
      assert.ok(cg.rows.length > 0 && cg.columns.every((c: { name: string }) => c.name !== 'sbrdh'), 'the reporter phone is dropped');
      const queue = (await t.app.inject({ method: 'GET', url: '/api/v1/catalog/review', headers: await login(t.app) })).json();
      assert.ok(queue.items.length >= 1, 'the review queue has work');
    });

    test('sharing has something to show: grants, a pending and an overdue request, and the citizen sees who read their rows', async () => {
      const get = async (url: string, as: { authorization: string }) => (await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: as })).json();
      const mz = await login(t.app, officerName('MZ'), DEMO_PASSWORD);
      const mine = await get('/share/grants?side=mine&status=active', mz);
      assert.deepEqual(mine.items.map((g: { dataset: { code: string } }) => g.dataset.code), ['GA_HJRK']);
      assert.deepEqual(mine.items[0].loosened, [{ field: 'gmsfhm', from: 'id', to: 'none' }]);
      const rows = await get('/data/GA_HJRK?limit=3', mz);
      assert.equal(rows.rows.length, 3);
      assert.match(rows.rows[0].xm, /\*/, 'the name is masked');
      const admin = await login(t.app);
      assert.equal((await get('/share/requests?side=all&overdue=true', admin)).items.length, 1);
      assert.ok((await get('/share/requests?side=all&status=pending', admin)).items.length >= 2);
      const citizen = await login(t.app, 'citizen', DEMO_PASSWORD);
      const uses = await get('/me/data-uses', citizen);
      assert.ok(uses.items.length >= 2, JSON.stringify(uses));
      assert.ok(uses.items.every((u: { department: string; purpose: string }) => u.department === '示范市民政局' || u.purpose));
    });

    test('loading again is idempotent', async () => {
      const before = await t.p.db.query<{ code: string; row_count: number }>('SELECT ds.code, v.row_count FROM datasets ds JOIN dataset_versions v ON v.dataset_id = ds.id AND v.version = ds.current_version ORDER BY ds.code');
      await loadDemo(t.p, CITY);
      const afterRows = await t.p.db.query<{ code: string; row_count: number }>('SELECT ds.code, v.row_count FROM datasets ds JOIN dataset_versions v ON v.dataset_id = ds.id AND v.version = ds.current_version ORDER BY ds.code');
      assert.deepEqual(afterRows, before);
    });
  });
}
