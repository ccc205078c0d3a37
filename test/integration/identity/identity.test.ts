import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { apiCaller, login, openTestApp } from '../../helpers/server.ts';

for (const driver of drivers()) {
  describe(`identity (${driver})`, () => {
    let t: Awaited<ReturnType<typeof openTestApp>>;
    let admin: { authorization: string };
    const ids: Record<string, string> = {};
    const req = apiCaller(() => t.app);

    before(async () => {
      t = await openTestApp(driver);
      admin = await login(t.app);
      for (const [code, name] of [['GA', '公安局'], ['MZ', '民政局']]) {
        const r = await req('POST', '/departments', admin, { code, name, regionCode: '330102' });
        assert.equal(r.statusCode, 201, r.body);
        ids[code] = r.json().id;
      }
      for (const [u, d] of [['officer_ga', 'GA'], ['officer_mz', 'MZ']]) {
        const r = await req('POST', '/users', admin, { username: u, displayName: u, password: 'password-123', role: 'officer', departmentId: ids[d] });
        assert.equal(r.statusCode, 201, r.body);
        ids[u] = r.json().id;
      }
    });
    after(() => t.close());

    test('login issues a bearer token; wrong password and unknown user answer 401 alike', async () => {
      const me = await req('GET', '/auth/me', admin);
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().role, 'admin');
      const bad = await req('POST', '/auth/login', {}, { username: 'admin', password: 'nope-nope' });
      const unknown = await req('POST', '/auth/login', {}, { username: 'ghost', password: 'nope-nope' });
      for (const r of [bad, unknown]) {
        assert.equal(r.statusCode, 401);
        assert.match(r.headers['content-type'] as string, /application\/problem\+json/);
        assert.equal(r.json().type, '/problems/unauthorized');
      }
      assert.equal(bad.json().detail, unknown.json().detail);
    });

    test('protected routes: 401 problem+json without or with a bad token', async () => {
      for (const h of [undefined, { authorization: 'Bearer ghs_forged' }]) {
        const r = await req('GET', '/departments', h);
        assert.equal(r.statusCode, 401);
        assert.equal(r.json().status, 401);
        assert.match(r.headers['content-type'] as string, /application\/problem\+json/);
      }
    });

    test('validation errors name the field', async () => {
      const r = await req('POST', '/departments', admin, { code: 'X1', name: '某局', regionCode: '999999' });
      assert.equal(r.statusCode, 400);
      assert.deepEqual(r.json().errors.map((e: { field: string }) => e.field), ['regionCode']);
      const missing = await req('POST', '/departments', admin, { code: 'X1' });
      assert.equal(missing.statusCode, 400);
      const fields = missing.json().errors.map((e: { field: string }) => e.field).sort();
      assert.deepEqual(fields, ['name', 'regionCode']);
      const big = await req('GET', '/departments?limit=100000', admin);
      assert.equal(big.statusCode, 400);
      assert.equal(big.json().errors[0].field, 'limit');
      const dup = await req('POST', '/departments', admin, { code: 'GA', name: '重复', regionCode: '330102' });
      assert.equal(dup.statusCode, 409);
      const weak = await req('POST', '/users', admin, { username: 'weak', displayName: 'w', password: 'short', role: 'analyst' });
      assert.equal(weak.statusCode, 400);
      assert.equal(weak.json().errors[0].field, 'password');
    });

    test("an officer of one department cannot read or change another department's objects", async () => {
      const ga = await login(t.app, 'officer_ga', 'password-123');
      // departments: readable, but only admins change them
      assert.equal((await req('GET', `/departments/${ids.MZ}`, ga)).statusCode, 200);
      assert.equal((await req('PATCH', `/departments/${ids.MZ}`, ga, { name: '改名' })).statusCode, 403);
      assert.equal((await req('DELETE', `/departments/${ids.MZ}`, ga)).statusCode, 403);
      assert.equal((await req('POST', '/departments', ga, { code: 'ZZ', name: 'z', regionCode: '330102' })).statusCode, 403);
      // users of another department: invisible by id, not listed, not creatable, not editable
      assert.equal((await req('GET', `/users/${ids.officer_mz}`, ga)).statusCode, 404);
      assert.equal((await req('PATCH', `/users/${ids.officer_mz}`, ga, { displayName: 'x' })).statusCode, 404);
      const list = (await req('GET', '/users', ga)).json();
      assert.ok(list.items.every((u: { departmentId: string }) => u.departmentId === ids.GA));
      assert.equal((await req('POST', '/users', ga, { username: 'spy', displayName: 's', password: 'password-123', role: 'analyst', departmentId: ids.MZ })).statusCode, 403);
      // …nor of their own by default: managing users is the admins' (GOVHUB_OFFICERS_MANAGE_USERS, test/security/identity.test.ts)
      assert.equal((await req('POST', '/users', ga, { username: 'analyst_ga', displayName: '分析员', password: 'password-123', role: 'analyst', departmentId: ids.GA })).statusCode, 403);
      assert.equal((await req('POST', '/users', ga, { username: 'boss', displayName: 'b', password: 'password-123', role: 'admin', departmentId: ids.GA })).statusCode, 403);
      // tokens of another user: not visible, not revocable
      const mz = await login(t.app, 'officer_mz', 'password-123');
      const tok = await req('POST', '/tokens', mz, { name: 'mz-app', expiresInDays: 30 });
      assert.equal(tok.statusCode, 201);
      assert.equal((await req('DELETE', `/tokens/${tok.json().id}`, ga)).statusCode, 404);
      assert.ok((await req('GET', '/tokens', ga)).json().items.every((x: { userId: string }) => x.userId === ids.officer_ga));
    });

    test('API tokens: shown once, stored hashed, usable, revocable, expiring', async () => {
      const created = await req('POST', '/tokens', admin, { name: 'etl', expiresInDays: 7 });
      assert.equal(created.statusCode, 201);
      const { token, id } = created.json();
      assert.match(token, /^gha_/);
      const list = await req('GET', '/tokens', admin);
      assert.ok(!list.body.includes(token), 'token must not be listed');
      const stored = await t.p.db.one<{ token_hash: string }>('SELECT token_hash FROM tokens WHERE id = $1', [id]);
      assert.ok(stored && stored.token_hash !== token && stored.token_hash.length === 64);
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await req('GET', '/auth/me', bearer)).statusCode, 200);
      assert.equal((await req('DELETE', `/tokens/${id}`, admin)).statusCode, 200);
      assert.equal((await req('GET', '/auth/me', bearer)).statusCode, 401);
      // expiry
      const t2 = (await req('POST', '/tokens', admin, { name: 'short', expiresInDays: 1 })).json();
      await t.p.db.query("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [t2.id]);
      assert.equal((await req('GET', '/auth/me', { authorization: `Bearer ${t2.token}` })).statusCode, 401);
      assert.equal((await req('POST', '/tokens', admin, { name: 'forever', expiresInDays: 100000 })).statusCode, 400);
    });

    test('disabling a user ends their sessions; logout revokes the session', async () => {
      const r = await req('POST', '/users', admin, { username: 'temp', displayName: 't', password: 'password-123', role: 'analyst' });
      const h = await login(t.app, 'temp', 'password-123');
      assert.equal((await req('PATCH', `/users/${r.json().id}`, admin, { disabled: true })).statusCode, 200);
      assert.equal((await req('GET', '/auth/me', h)).statusCode, 401);
      assert.equal((await req('POST', '/auth/login', {}, { username: 'temp', password: 'password-123' })).statusCode, 401);
      const h2 = await login(t.app, 'officer_ga', 'password-123');
      assert.equal((await req('POST', '/auth/logout', h2)).statusCode, 204);
      assert.equal((await req('GET', '/auth/me', h2)).statusCode, 401);
    });

    test('passwords are stored with argon2', async () => {
      const row = await t.p.db.one<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'officer_ga'");
      assert.match(row!.password_hash, /^\$argon2id\$/);
    });
  });
}
