/**
 * Getting around a share grant, as an attacker would try it: another department's grant or request
 * by id, a grant that has not started, fields and filters beyond the grant, SQL asking for every
 * column, crafted filters and cursors, a citizen asking for shares, an unpublished entry. Each is
 * refused with a problem, and no read is recorded for what was refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../helpers/platform.ts';
import { login } from '../helpers/server.ts';
import { id, openCity, type City } from '../helpers/city.ts';

const FIELDS = [
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3', mask: 'name' },
  { name: 'qx', title: '区县', type: 'string', sensitivity: 'L1' },
  { name: 'nl', title: '年龄', type: 'integer', sensitivity: 'L2' },
];
const CSV = `身份证号,姓名,区县,年龄\n${id(1)},张三丰,西湖区,81\n${id(2)},李四,上城区,45\n`;
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

for (const driver of drivers()) {
  describe(`share grants are no way around the guard (${driver})`, () => {
    let c: City;
    let gaGrant: string;
    const data = (as: { authorization: string }, q = '') => c.req('GET', `/data/CL_P${q ? `?${q}` : ''}`, as);

    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.CL, 'CL', 'CL_P', FIELDS, { shareType: 'unconditional' });
      assert.equal((await c.upload(c.officers.CL, 'CL_P', 'p.csv', CSV)).json().status, 'succeeded');
      await c.register(c.officers.CL, 'CL', 'CL_DRAFT', FIELDS, { shareType: 'unconditional', draft: true });
      gaGrant = await c.grant(c.officers.GA, 'CL_P', { fields: ['qx', 'nl'] });
    });
    after(() => c.close());

    test('another department\'s grant named in the read is refused, not borrowed', async () => {
      const r = await data(c.officers.MZ, `grant=${gaGrant}`);
      assert.equal(r.statusCode, 403, r.body);
      const sql = await c.req('POST', '/sql', c.officers.MZ, { sql: 'SELECT * FROM CL_P' });
      assert.equal(sql.statusCode, 403, sql.body);
    });

    test('another department\'s grant and request are not found, not decidable, not revocable', async () => {
      const g = (await c.req('GET', `/share/grants/${gaGrant}`, c.officers.GA)).json();
      for (const [method, url, body] of [
        ['GET', `/share/grants/${gaGrant}`, undefined], ['GET', `/share/grants/${gaGrant}/usage`, undefined],
        ['POST', `/share/grants/${gaGrant}/revoke`, { reason: '不是我的授权' }], ['GET', `/share/requests/${g.requestId}`, undefined],
        ['POST', `/share/requests/${g.requestId}/withdraw`, undefined],
      ] as const) {
        const r = await c.req(method, url, c.officers.MZ, body);
        assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
      }
      assert.equal((await c.req('GET', `/share/grants/${gaGrant}`, c.officers.GA)).json().status, 'active');
    });

    test('a grant that has not started yet reads nothing', async () => {
      const from = new Date(Date.now() + 86_400_000).toISOString();
      const r = await c.request(c.officers.MZ, 'CL_P', { fields: ['qx'], validFrom: from });
      assert.equal(r.json().status, 'approved', r.body);
      assert.equal((await c.req('GET', `/share/grants/${r.json().grantId}`, c.officers.MZ)).json().status, 'scheduled');
      assert.equal((await data(c.officers.MZ)).statusCode, 403);
    });

    test('fields, filters and sorts beyond the grant are refused, naming the field', async () => {
      for (const [q, field] of [
        ['fields=sfzh', 'fields'], ['fields=xm,qx', 'fields'],
        [`filter=${enc({ sfzh: { prefix: '11' } })}`, 'filter.sfzh'], [`filter=${enc({ xm: { eq: '张三丰' } })}`, 'filter.xm'],
        ['sort=xm', 'sort'],
      ] as const) {
        const r = await data(c.officers.GA, q);
        assert.ok([400, 403].includes(r.statusCode), `${q}: ${r.statusCode} ${r.body}`);
        assert.equal(r.json().errors?.[0]?.field, field, `${q}: ${r.body}`);
      }
      // SQL's * is the granted columns, nothing more
      const all = await c.req('POST', '/sql', c.officers.GA, { sql: 'SELECT * FROM CL_P ORDER BY nl' });
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(all.json().columns.map((x: { name: string }) => x.name), ['qx', 'nl']);
      assert.equal((await c.req('POST', '/sql', c.officers.GA, { sql: 'SELECT xm FROM CL_P' })).statusCode, 400);
    });

    test('crafted filters and cursors are bad requests', async () => {
      for (const q of [
        `filter=${enc({ 'qx" OR 1=1 --': { eq: 1 } })}`, `filter=${enc({ qx: { like: '%' } })}`, `filter=${enc({ qx: { in: Array.from({ length: 1001 }, (_, i) => i) } })}`,
        `filter=${enc({ qx: { eq: { $ne: 1 } } })}`, `filter=${enc([1])}`, 'limit=100000', 'cursor=eyJ2IjoxLCJvIjowLCJoIjoieCJ9', 'cursor=%00', 'format=xml',
      ]) {
        const r = await data(c.officers.GA, q);
        assert.equal(r.statusCode, 400, `${q}: ${r.body}`);
        assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
      }
    });

    test('a citizen asks for no share; nobody asks for an entry not yet published', async () => {
      const u = await c.req('POST', '/users', c.admin, { username: 'citizen_x', displayName: '市民', password: 'citizen-pass-2026', role: 'citizen' });
      assert.equal(u.statusCode, 201, u.body);
      const citizen = await login(c.app, 'citizen_x', 'citizen-pass-2026');
      const ask = (as: { authorization: string }, dataset: string) => c.req('POST', '/share/requests', as, { dataset, purpose: '试探：读取数据', fields: ['qx'], validUntil: new Date(Date.now() + 86_400_000).toISOString() });
      assert.equal((await ask(citizen, 'CL_P')).statusCode, 403);
      assert.equal((await ask(c.officers.MZ, 'CL_DRAFT')).statusCode, 404);
      assert.equal((await c.req('GET', '/me/data-uses', citizen)).statusCode, 409, 'an account not linked to an ID number has no trail to show');
    });

    test('refused reads leave no read in the trail', async () => {
      const reads = (await c.events('data.read', 'CL_P')).filter((e) => e.actorName !== 'officer_cl');
      assert.deepEqual(reads.map((e) => e.actorName), ['officer_ga'], 'only the one SQL statement that ran');
    });
  });
}
