/** The dashboard: the same scope for every figure (own department for officers, the city for admins), per Asia/Shanghai day. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { login } from '../../helpers/server.ts';
import { id, openCity, type City } from '../../helpers/city.ts';

const FIELDS = [
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3' },
];
const badId = (n: number) => `${id(n).slice(0, 17)}${id(n).endsWith('0') ? '1' : '0'}`;

for (const driver of drivers()) {
  describe(`dashboard (${driver})`, () => {
    let c: City;
    const overview = async (as: { authorization: string }) => {
      const r = await c.req('GET', '/dashboard?days=7', as);
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    };

    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_D1', FIELDS, { primaryKey: ['sfzh'] });
      await c.register(c.officers.GA, 'GA', 'GA_EMPTY', FIELDS);
      await c.register(c.officers.MZ, 'MZ', 'MZ_D1', FIELDS, { primaryKey: ['sfzh'] });
      // GA: one job with 3 accepted and 1 rejected, one that fails (nothing passes)
      assert.equal((await c.upload(c.officers.GA, 'GA_D1', 'a.csv', `身份证号,姓名\n${id(1)},甲\n${id(2)},乙\n${id(3)},丙\n${badId(4)},丁\n`)).json().rejected, 1);
      assert.equal((await c.upload(c.officers.GA, 'GA_D1', 'b.csv', `身份证号,姓名\n${badId(5)},戊\n`)).json().status, 'failed');
      // MZ: 2 rows
      assert.equal((await c.upload(c.officers.MZ, 'MZ_D1', 'c.csv', `身份证号,姓名\n${id(6)},己\n${id(7)},庚\n`)).json().accepted, 2);
    });
    after(() => c.close());

    test('an officer sees their department only, every figure the same scope', async () => {
      const o = await overview(c.officers.GA);
      assert.equal(o.scope, 'department');
      assert.equal(o.departmentId, c.dept.GA);
      assert.equal(o.days.length, 7);
      assert.match(o.days[6].day, /^\d{4}-\d{2}-\d{2}$/);
      const sum = (k: string) => o.days.reduce((n: number, d: Record<string, number>) => n + d[k]!, 0);
      assert.deepEqual(['jobs', 'failed', 'rowsAccepted', 'rowsRejected'].map(sum), [2, 1, 3, 2], 'summed over the days: a run may cross midnight');
      const worked = o.days.filter((d: { jobs: number }) => d.jobs > 0);
      assert.ok(worked.every((d: { quality: number }) => d.quality > 0 && d.quality <= 100));
      assert.deepEqual(o.totals, { datasets: 2, rows: 3, jobs: 2, rowsRejected: 2, failedJobs: 1 });
      assert.deepEqual(o.failedJobs.map((j: { datasetCode: string; sourceName: string }) => [j.datasetCode, j.sourceName]), [['GA_D1', 'b.csv']]);
      const todo = Object.fromEntries(o.todos.map((t: { kind: string; count: number }) => [t.kind, t.count]));
      assert.deepEqual([todo.failedJobs, todo.partialJobs, todo.emptyDatasets], [1, 1, 1]);
    });

    test('an admin sees the city', async () => {
      const o = await overview(c.admin);
      assert.equal(o.scope, 'city');
      assert.deepEqual(o.totals, { datasets: 3, rows: 5, jobs: 3, rowsRejected: 2, failedJobs: 1 });
      const mz = await overview(c.officers.MZ);
      assert.deepEqual([mz.totals.datasets, mz.totals.rows, mz.totals.failedJobs], [1, 2, 0]);
    });

    test('a failed job corrected by a retry is no longer a to-do; citizens have no dashboard', async () => {
      const failed = (await overview(c.officers.GA)).failedJobs[0].jobId;
      const { upload } = await import('../../helpers/upload.ts');
      const r = await upload(c.app, `/ingest/jobs/${failed}/retry`, c.officers.GA, 'fixed.csv', `身份证号,姓名\n${id(5)},戊\n`);
      assert.equal(r.json().status, 'succeeded', r.body);
      assert.deepEqual((await overview(c.officers.GA)).failedJobs, []);
      const u = await c.req('POST', '/users', c.admin, { username: 'citizen_d', displayName: '市民', password: 'citizen-pass-2026', role: 'citizen' });
      assert.equal(u.statusCode, 201);
      const citizen = await login(c.app, 'citizen_d', 'citizen-pass-2026');
      assert.equal((await c.req('GET', '/dashboard', citizen)).statusCode, 403);
      // the window is 1–90 days, named as the field at fault
      for (const days of ['0', '91', 'abc']) {
        const bad = await c.req('GET', `/dashboard?days=${days}`, c.admin);
        assert.equal(bad.statusCode, 400, days);
        assert.equal(bad.json().errors[0].field, 'days');
      }
    });
  });
}
