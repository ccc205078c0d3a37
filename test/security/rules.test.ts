/**
 * Rules attacked as an oracle into other departments' data: a rule reads only as its owner department
 * and only what that department may read — no grant, no rule; a field outside the grant, refused; a
 * field the grant masks is compared masked (a join or filter on it learns nothing); a revoked grant
 * stops the next run; an admin, who reads no department's rows, gets counts but no sample; no one
 * defines a rule that reads as another department.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type City, id, openCity } from '../helpers/city.ts';
import { drivers } from '../helpers/platform.ts';

const PEOPLE = [
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'bz', title: '备注', type: 'string', sensitivity: 'L2' },
];
const csv = (rows: string[][]) => `sfzh,xm,bz\n${rows.map((r) => r.join(',')).join('\n')}\n`;
const SECRET = '低保户张三丰';

for (const driver of drivers()) describe(`rules are no oracle (${driver})`, () => {
  let c: City;
  const semi = (extra: Record<string, unknown> = {}) => ({
    code: 'X_PROBE', name: '探测', kind: 'collide', ownerDepartment: 'GA', responsibleDepartment: 'GA', trigger: 'manual', key: ['sfzh'],
    query: { mode: 'builder', shape: 'semi', a: { dataset: 'GA_P' }, b: { dataset: 'MZ_P' }, on: [{ a: 'sfzh', b: 'sfzh' }] }, ...extra,
  });

  before(async () => {
    c = await openCity(driver);
    await c.register(c.officers.GA, 'GA', 'GA_P', PEOPLE, { primaryKey: ['sfzh'] });
    await c.register(c.officers.MZ, 'MZ', 'MZ_P', PEOPLE, { primaryKey: ['sfzh'] });
    const people = Array.from({ length: 6 }, (_, i) => [id(i + 1), `人${i}`, '无']);
    assert.equal((await c.upload(c.officers.GA, 'GA_P', 'p.csv', csv(people))).json().status, 'succeeded');
    assert.equal((await c.upload(c.officers.MZ, 'MZ_P', 'p.csv', csv([[id(1), '张三丰', SECRET], [id(2), '李四', '无']]))).json().status, 'succeeded');
  });
  after(() => c.close());

  test('no grant: the rule is refused when saved and when tried, in builder and in SQL', async () => {
    for (const body of [semi(), semi({ query: { mode: 'sql', sql: 'SELECT sfzh FROM MZ_P' } })]) {
      for (const url of ['/rules', '/rules/dry-run']) {
        const r = await c.req('POST', url, c.officers.GA, body);
        assert.equal(r.statusCode, 403, `${url}: ${r.body}`);
        assert.ok(!r.body.includes(SECRET) && !r.body.includes(id(1)));
      }
    }
  });

  test('no one reads as another department: a rule owned by MZ is MZ\'s to define', async () => {
    const r = await c.req('POST', '/rules/dry-run', c.officers.GA, semi({ ownerDepartment: 'MZ', query: { mode: 'sql', sql: 'SELECT sfzh, bz FROM MZ_P' } }));
    assert.equal(r.statusCode, 403, r.body);
    assert.ok(!r.body.includes(SECRET));
  });

  test('a field outside the grant is refused; a masked one is compared masked', async () => {
    const req = await c.request(c.officers.GA, 'MZ_P', { fields: ['sfzh', 'xm'] });
    assert.equal(req.statusCode, 201, req.body);
    const ok = await c.req('POST', `/share/requests/${req.json().id}/approve`, c.officers.MZ, { reason: '核对用途，身份证号脱敏提供', masks: { sfzh: 'id', xm: 'name' } });
    assert.equal(ok.statusCode, 200, ok.body);
    const outside = await c.req('POST', '/rules/dry-run', c.officers.GA, semi({ query: { mode: 'sql', sql: 'SELECT sfzh, bz FROM MZ_P' } }));
    // the granted view has no such column: as in analyst SQL, the statement does not bind
    assert.equal(outside.statusCode, 400, outside.body);
    assert.match(outside.json().detail, /"bz" not found/);
    assert.ok(!outside.body.includes(SECRET));
    // joining clear ID numbers to masked ones matches nothing: the mask is applied before the rule compares
    const probe = await c.req('POST', '/rules/dry-run', c.officers.GA, semi());
    assert.equal(probe.statusCode, 200, probe.body);
    assert.equal(probe.json().rows, 0);
    const prefix = await c.req('POST', '/rules/dry-run', c.officers.GA, semi({
      key: ['sfzh'], query: { mode: 'builder', shape: 'filter', a: { dataset: 'MZ_P', where: { sfzh: { prefix: id(1).slice(0, 17) } } } },
    }));
    assert.equal(prefix.statusCode, 200, prefix.body);
    assert.equal(prefix.json().rows, 0, 'a filter on a masked value sees the mask');
    const seen = await c.req('POST', '/rules/dry-run', c.officers.GA, semi({ query: { mode: 'sql', sql: 'SELECT sfzh, xm FROM MZ_P' } }));
    assert.equal(seen.statusCode, 200, seen.body);
    assert.ok(seen.json().sample.length === 2 && seen.json().sample.every((r: { sfzh: string; xm: string }) => r.sfzh.includes('*') && r.xm.includes('*')), seen.body);
  });

  test('an admin gets counts, never rows; a revoked grant stops the next run', async () => {
    const body = semi({ code: 'X_SEEN', query: { mode: 'sql', sql: 'SELECT sfzh, xm FROM MZ_P' } });
    const asAdmin = await c.req('POST', '/rules/dry-run', c.admin, body);
    assert.equal(asAdmin.statusCode, 200, asAdmin.body);
    assert.equal(asAdmin.json().rows, 2);
    assert.deepEqual(asAdmin.json().sample, []);
    const created = await c.req('POST', '/rules', c.officers.GA, body);
    assert.equal(created.statusCode, 201, created.body);
    const first = await c.req('POST', '/rules/X_SEEN/run', c.officers.GA);
    assert.equal(first.json().status, 'done', first.body);
    const grant = (await c.req('GET', '/share/grants', c.officers.GA)).json().items.find((g: { dataset: { code: string } }) => g.dataset.code === 'MZ_P');
    const revoked = await c.req('POST', `/share/grants/${grant.id}/revoke`, c.officers.MZ, { reason: '用途已完成，收回授权' });
    assert.equal(revoked.statusCode, 200, revoked.body);
    const after = await c.req('POST', '/rules/X_SEEN/run', c.officers.GA);
    assert.equal(after.statusCode, 403, after.body);
    const runs = (await c.req('GET', '/rules/X_SEEN/runs', c.officers.GA)).json().items;
    assert.equal(runs[0].status, 'failed');
  });

  test('field names in a builder are names, not SQL', async () => {
    const r = await c.req('POST', '/rules/dry-run', c.officers.GA, semi({ query: { mode: 'builder', shape: 'filter', a: { dataset: 'GA_P', where: { 'sfzh" OR 1=1 --': { eq: 'x' } } } } }));
    assert.equal(r.statusCode, 400, r.body);
  });
});
