/** The user list: filters by role and department, and when each user last logged in. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { openCity, type City } from '../../helpers/city.ts';

for (const driver of drivers()) {
  describe(`user list (${driver})`, () => {
    let c: City;
    before(async () => {
      c = await openCity(driver);
      const r = await c.req('POST', '/users', c.admin, { username: 'fx_ga', displayName: '分析员', password: 'analyst-pass-2026', role: 'analyst', departmentId: c.dept.GA });
      assert.equal(r.statusCode, 201, r.body);
    });
    after(() => c.close());

    const list = async (q: string) => (await c.req('GET', `/users?${q}`, c.admin)).json().items as { username: string; role: string; lastLoginAt: string | null }[];

    test('filters by role and by department, together', async () => {
      assert.deepEqual((await list('role=officer')).map((u) => u.username), ['officer_cl', 'officer_ga', 'officer_mz']);
      assert.deepEqual((await list(`role=analyst&departmentId=${c.dept.GA}`)).map((u) => u.username), ['fx_ga']);
      assert.deepEqual((await list(`role=officer&departmentId=${c.dept.MZ}`)).map((u) => u.username), ['officer_mz']);
      assert.equal((await c.req('GET', '/users?role=king', c.admin)).statusCode, 400);
    });

    test('the last login is recorded at login; never logged in shows null', async () => {
      const users = await list('');
      const at = (name: string) => users.find((u) => u.username === name)!.lastLoginAt;
      assert.equal(at('fx_ga'), null);
      assert.ok(at('officer_ga'));
      const before = Date.parse(at('officer_ga')!);
      assert.ok(Date.now() - before < 5 * 60_000);
      const r = await c.req('POST', '/auth/login', undefined, { username: 'fx_ga', password: 'analyst-pass-2026' });
      assert.equal(r.statusCode, 200, r.body);
      assert.ok((await list('role=analyst'))[0]!.lastLoginAt);
      // a failed login is not a login
      await c.req('POST', '/auth/login', undefined, { username: 'officer_mz', password: 'wrong-password' });
      const mz = (await list(`departmentId=${c.dept.MZ}`))[0]!.lastLoginAt;
      assert.equal(mz, users.find((u) => u.username === 'officer_mz')!.lastLoginAt);
    });
  });
}
