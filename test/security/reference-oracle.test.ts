/**
 * The reference-rule oracle, as it was done: a 公安 officer points a reference rule of their own
 * dataset at 残联's conditional disability dataset, pushes candidate ID numbers, and reads from
 * accepted / rejected rows which ones exist there — recovering the dataset while it records no read.
 * Now a reference needs what a read of the key in clear needs, is checked when saved and at every
 * ingest, and each check is a `data.read` of the target.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../helpers/platform.ts';
import { id, openCity, type City } from '../helpers/city.ts';

const PERSON = [
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'dj', title: '残疾等级', type: 'string', sensitivity: 'L3' },
];
const HOUSEHOLD = [
  { name: 'hh', title: '户号', type: 'string', required: true, sensitivity: 'L2' },
  { name: 'dz', title: '地址', type: 'string', sensitivity: 'L3' },
];
const CANDIDATES = [
  { name: 'sfzh', title: '身份证号', type: 'string', required: true, sensitivity: 'L4' },
  { name: 'hh', title: '户号', type: 'string', sensitivity: 'L2' },
];

for (const driver of drivers()) {
  describe(`reference rules are no oracle (${driver})`, () => {
    let c: City;
    const refRule = (dataset: string, fields = ['sfzh'], key = ['sfzh']) => ({ references: [{ fields, dataset, key }] });
    const saveRules = (code: string, rules: unknown) => c.req('PUT', `/datasets/${code}/ingest/settings`, c.officers.GA, { rules });
    const candidates = [1, 2, 3, 4, 5, 6].map((n) => `${id(n)},H${n}`).join('\n');

    before(async () => {
      c = await openCity(driver);
      // 残联: a conditional disability register (ID numbers 1, 3, 5), and a dataset not shared at all
      await c.register(c.officers.CL, 'CL', 'CL_CJR', PERSON, { primaryKey: ['sfzh'], shareType: 'conditional' });
      await c.register(c.officers.CL, 'CL', 'CL_SECRET', PERSON, { primaryKey: ['sfzh'], shareType: 'none' });
      for (const code of ['CL_CJR', 'CL_SECRET']) {
        const r = await c.upload(c.officers.CL, code, 'cjr.csv', `身份证号,残疾等级\n${id(1)},一级\n${id(3)},二级\n${id(5)},四级\n`);
        assert.equal(r.json().status, 'succeeded', r.body);
      }
      // 民政: households shared unconditionally (key L2), and people shared unconditionally (key L4)
      await c.register(c.officers.MZ, 'MZ', 'MZ_HH', HOUSEHOLD, { primaryKey: ['hh'], shareType: 'unconditional' });
      assert.equal((await c.upload(c.officers.MZ, 'MZ_HH', 'hh.csv', '户号,地址\nH1,某区某路1号\nH2,某区某路2号\n')).json().status, 'succeeded');
      await c.register(c.officers.MZ, 'MZ', 'MZ_RK', PERSON, { primaryKey: ['sfzh'], shareType: 'unconditional' });
      assert.equal((await c.upload(c.officers.MZ, 'MZ_RK', 'rk.csv', `身份证号,残疾等级\n${id(1)},\n`)).json().status, 'succeeded');
      // the attacker's own dataset
      await c.register(c.officers.GA, 'GA', 'GA_PROBE', CANDIDATES, { primaryKey: ['sfzh'] });
    });
    after(() => c.close());

    test('saving a reference to another department\'s conditional dataset is refused, naming the rule', async () => {
      const r = await saveRules('GA_PROBE', refRule('CL_CJR'));
      assert.equal(r.statusCode, 403, r.body);
      assert.equal(r.json().errors[0].field, 'rules.references.0.dataset');
      assert.match(r.json().detail, /有条件共享/);
      const saved = (await c.req('GET', '/datasets/GA_PROBE/ingest/settings', c.officers.GA)).json();
      assert.deepEqual(saved.references, [], 'nothing was saved');
    });

    test('a dataset that is not shared cannot be referenced at all', async () => {
      const r = await saveRules('GA_PROBE', refRule('CL_SECRET'));
      assert.equal(r.statusCode, 403, r.body);
      assert.match(r.json().detail, /不予共享/);
    });

    test('an unconditional dataset: no reference without a grant, nor with one whose key (L3/L4) is masked', async () => {
      const none = await saveRules('GA_PROBE', refRule('MZ_RK'));
      assert.equal(none.statusCode, 403, none.body);
      assert.match(none.json().detail, /需要覆盖这些字段的共享授权/);
      await c.grant(c.officers.GA, 'MZ_RK');
      const r = await saveRules('GA_PROBE', refRule('MZ_RK'));
      assert.equal(r.statusCode, 403, r.body);
      assert.match(r.json().detail, /脱敏字段/);
    });

    test('the oracle as it was run — candidate keys in an upload with a per-run rule — fails without a version or a read', async () => {
      const before = (await c.req('GET', '/datasets/GA_PROBE', c.officers.GA)).json().currentVersion;
      const r = await c.upload(c.officers.GA, 'GA_PROBE', 'probe.csv', `身份证号,户号\n${candidates}\n`, { rules: JSON.stringify(refRule('CL_CJR')) });
      assert.equal(r.statusCode, 403, r.body);
      assert.equal((await c.req('GET', '/datasets/GA_PROBE', c.officers.GA)).json().currentVersion, before, 'no version written');
      assert.deepEqual(await c.events('data.read', 'CL_CJR'), [], 'the target was not read');
      await c.healthy();
    });

    test('a reference the department may make works, and every check is a data.read of the target', async () => {
      await c.grant(c.officers.GA, 'MZ_HH');
      const ok = await saveRules('GA_PROBE', refRule('MZ_HH', ['hh'], ['hh']));
      assert.equal(ok.statusCode, 200, ok.body);
      const r = await c.upload(c.officers.GA, 'GA_PROBE', 'probe.csv', `身份证号,户号\n${candidates}\n`);
      assert.equal(r.statusCode, 201, r.body);
      const j = r.json();
      assert.deepEqual([j.status, j.accepted, j.rejected], ['succeeded', 2, 4], 'H1 and H2 exist; H3..H6 do not');
      const reads = await c.events('data.read', 'MZ_HH');
      assert.equal(reads.length, 1);
      assert.equal(reads[0]!.actorName, 'officer_ga');
      assert.equal(reads[0]!.departmentId, c.dept.MZ, 'the read shows in the owning department\'s trail');
      assert.deepEqual([reads[0]!.details.purpose, reads[0]!.details.for, reads[0]!.details.jobId], ['reference', 'GA_PROBE', j.jobId]);
      // the owner of the target sees it too
      const mine = await c.req('GET', '/audit/events?action=data.read&objectId=MZ_HH', c.officers.MZ);
      assert.equal(mine.json().items.length, 1);
    });

    test('a rule saved while allowed stops working when the target stops being shared — checked again at every ingest, the push API too', async () => {
      await c.register(c.officers.CL, 'CL', 'CL_HH', HOUSEHOLD, { primaryKey: ['hh'], shareType: 'unconditional' });
      assert.equal((await c.upload(c.officers.CL, 'CL_HH', 'hh.csv', '户号,地址\nH1,甲\n')).json().status, 'succeeded');
      await c.grant(c.officers.GA, 'CL_HH');
      assert.equal((await saveRules('GA_PROBE', refRule('CL_HH', ['hh'], ['hh']))).statusCode, 200);
      const changed = await c.req('PATCH', '/datasets/CL_HH', c.officers.CL, { shareType: 'conditional' });
      assert.equal(changed.statusCode, 200, changed.body);
      const before = (await c.req('GET', '/datasets/GA_PROBE', c.officers.GA)).json().currentVersion;
      const up = await c.upload(c.officers.GA, 'GA_PROBE', 'probe.csv', `身份证号,户号\n${candidates}\n`);
      assert.equal(up.statusCode, 403, up.body);
      assert.equal(up.json().errors[0].field, 'rules.references.0.dataset');
      const push = await c.req('POST', '/datasets/GA_PROBE/records', c.officers.GA, [{ sfzh: id(7), hh: 'H1' }]);
      assert.equal(push.statusCode, 403, push.body);
      assert.equal((await c.req('GET', '/datasets/GA_PROBE', c.officers.GA)).json().currentVersion, before, 'no version written');
      assert.deepEqual(await c.events('data.read', 'CL_HH'), [], 'no read of the target was made');
      const jobs = (await c.req('GET', '/ingest/jobs?dataset=GA_PROBE&status=failed', c.officers.GA)).json();
      assert.ok(jobs.items.some((x: { error: string }) => /有条件共享/.test(x.error)), 'the failed job says why');
    });

    test('references within the department stay free (and are recorded as reads too)', async () => {
      await c.register(c.officers.GA, 'GA', 'GA_HH', HOUSEHOLD, { primaryKey: ['hh'], shareType: 'none' });
      assert.equal((await c.upload(c.officers.GA, 'GA_HH', 'hh.csv', '户号,地址\nH1,甲\n')).json().status, 'succeeded');
      assert.equal((await saveRules('GA_PROBE', refRule('GA_HH', ['hh'], ['hh']))).statusCode, 200);
      const j = (await c.upload(c.officers.GA, 'GA_PROBE', 'probe.csv', `身份证号,户号\n${candidates}\n`, { mode: 'replace' })).json();
      assert.deepEqual([j.status, j.accepted], ['succeeded', 1], j.error);
      assert.equal((await c.events('data.read', 'GA_HH')).length, 1);
    });
  });
}
