// Attacks on identity, each kept as it was done: weak and common passwords, changing someone's
// password through their unattended session, sessions that outlive a password change, officers
// taking over their colleagues' accounts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureAdmin } from '../../src/identity/index.ts';
import { childControlPlane, drivers, openTestPlatform } from '../helpers/platform.ts';
import { login, openTestApp } from '../helpers/server.ts';

type App = Awaited<ReturnType<typeof openTestApp>>;
type Auth = { authorization: string };

const PW = 'password-123';

/** Requests against one app, and the setup most tests share: two departments, an officer and an analyst in each. */
function harness(t: () => App) {
  const req = (method: string, url: string, headers?: Auth, payload?: unknown) =>
    t().app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers, payload: payload as object });
  const ids: Record<string, string> = {};
  async function seed(admin: Auth) {
    for (const code of ['GA', 'MZ']) {
      const d = await req('POST', '/departments', admin, { code, name: `${code}局`, regionCode: '330102' });
      assert.equal(d.statusCode, 201, d.body);
      ids[code] = d.json().id;
      for (const role of ['officer', 'analyst']) {
        const username = `${role}_${code.toLowerCase()}`;
        const u = await req('POST', '/users', admin, { username, displayName: username, password: PW, role, departmentId: ids[code] });
        assert.equal(u.statusCode, 201, u.body);
        ids[username] = u.json().id;
      }
    }
  }
  return { req, ids, seed };
}

const fieldOf = (res: { json(): { errors?: { field: string; message: string }[] } }) => res.json().errors?.[0];

for (const driver of drivers()) {
  describe(`identity hardening (${driver})`, () => {
    let t: App;
    let admin: Auth;
    const { req, ids, seed } = harness(() => t);

    before(async () => {
      t = await openTestApp(driver);
      admin = await login(t.app);
      await seed(admin);
    });
    after(() => t.close());

    test('password policy: 10 characters, not a common password (any case), not the username', async () => {
      const weak: [string, string, RegExp][] = [
        ['zhang_san', 'abc-12345', /至少 10 位|at least 10/],
        ['zhang_san', 'qwertyuiop', /过于常见|too common/],
        ['zhang_san', 'PassWord1234', /过于常见|too common/],
        ['zhang_san', 'Zhang_San-2026', /用户名|username/],
        ['zhang_san', 'zhang_san', /至少|username/],
      ];
      for (const [username, password, why] of weak) {
        const r = await req('POST', '/users', admin, { username, displayName: 'z', password, role: 'analyst' });
        assert.equal(r.statusCode, 400, `${password}: ${r.body}`);
        assert.equal(fieldOf(r)?.field, 'password');
        assert.match(fieldOf(r)!.message, why);
      }
      assert.equal((await req('POST', '/users', admin, { username: 'zhang_san', displayName: 'z', password: 'Qiantang-river-7', role: 'analyst' })).statusCode, 201);
      // an admin's reset and one's own change obey the same policy
      const reset = await req('PATCH', `/users/${ids.analyst_ga}`, admin, { password: 'iloveyou12' });
      assert.equal(reset.statusCode, 400);
      assert.equal(fieldOf(reset)?.field, 'password');
      const own = await login(t.app, 'analyst_mz', PW);
      const mine = await req('POST', '/auth/password', own, { currentPassword: PW, newPassword: 'analyst_mz-2026' });
      assert.equal(mine.statusCode, 400);
      assert.equal(fieldOf(mine)?.field, 'newPassword');
    });

    test('a weak GOVHUB_ADMIN_PASSWORD stops the first start with the reason', async () => {
      for (const [pw, why] of [['admin-pass-123', /用户名|username/], ['password123', /常见|common/], ['short', /10/]] as const) {
        const p = await openTestPlatform(driver, { adminPassword: pw });
        try {
          await assert.rejects(ensureAdmin(p), (e: Error) => /GOVHUB_ADMIN_PASSWORD/.test(e.message) && why.test(e.message));
          assert.equal(await p.db.one("SELECT 1 FROM users WHERE username = 'admin'"), undefined, 'no admin was created');
        } finally {
          await p.close();
        }
      }
    });

    test('changing one\'s own password needs the current one; wrong guesses are audited', async () => {
      const victim = await login(t.app, 'analyst_ga', PW);
      // someone at the victim's unattended console
      const missing = await req('PATCH', `/users/${ids.analyst_ga}`, victim, { password: 'Taken-over-2026' });
      assert.equal(missing.statusCode, 400);
      assert.equal(fieldOf(missing)?.field, 'currentPassword');
      const wrong = await req('PATCH', `/users/${ids.analyst_ga}`, victim, { password: 'Taken-over-2026', currentPassword: 'a-guess-123' });
      assert.equal(wrong.statusCode, 400);
      assert.equal(fieldOf(wrong)?.field, 'currentPassword');
      const viaAuth = await req('POST', '/auth/password', victim, { currentPassword: 'another-guess', newPassword: 'Taken-over-2026' });
      assert.equal(viaAuth.statusCode, 400);
      assert.equal(fieldOf(viaAuth)?.field, 'currentPassword');
      const failed = await t.p.db.query<{ actor_name: string }>("SELECT actor_name FROM audit_events WHERE action = 'user.password_change_failed' AND object_id = $1", [ids.analyst_ga]);
      assert.equal(failed.length, 2, 'each wrong guess (a missing one is no guess)');
      assert.ok(failed.every((e) => e.actor_name === 'analyst_ga'));
      // the password is unchanged
      await login(t.app, 'analyst_ga', PW);
      await assert.rejects(login(t.app, 'analyst_ga', 'Taken-over-2026'));
      assert.equal((await req('GET', '/health')).statusCode, 200);
    });

    test('one\'s own change ends one\'s other sessions and keeps this one and the API tokens', async () => {
      const here = await login(t.app, 'officer_mz', PW);
      const elsewhere = await login(t.app, 'officer_mz', PW);
      const app = (await req('POST', '/tokens', here, { name: 'etl' })).json().token as string;
      const r = await req('POST', '/auth/password', here, { currentPassword: PW, newPassword: 'Changed-by-me-2026' });
      assert.equal(r.statusCode, 204, r.body);
      assert.equal((await req('GET', '/auth/me', here)).statusCode, 200, 'the session making the change goes on');
      assert.equal((await req('GET', '/auth/me', elsewhere)).statusCode, 401, 'another session ends');
      assert.equal((await req('GET', '/auth/me', { authorization: `Bearer ${app}` })).statusCode, 200, 'API tokens stay');
      await assert.rejects(login(t.app, 'officer_mz', PW));
      const again = await login(t.app, 'officer_mz', 'Changed-by-me-2026');
      // the same through PATCH /users/:id
      const p = await req('PATCH', `/users/${ids.officer_mz}`, again, { password: 'Changed-again-2026', currentPassword: 'Changed-by-me-2026' });
      assert.equal(p.statusCode, 200, p.body);
      assert.equal((await req('GET', '/auth/me', again)).statusCode, 200);
      assert.equal((await req('GET', '/auth/me', here)).statusCode, 401);
      const ev = await t.p.db.one<{ details: { passwordChanged: boolean; sessionsRevoked: number } | string }>(
        "SELECT details FROM audit_events WHERE action = 'user.update' AND object_id = $1 ORDER BY seq DESC LIMIT 1", [ids.officer_mz]);
      const details = typeof ev!.details === 'string' ? JSON.parse(ev!.details) : ev!.details;
      assert.deepEqual([details.passwordChanged, details.sessionsRevoked], [true, 1]);
    });

    test('an admin reset ends every session of the user; API tokens stay', async () => {
      const a = await login(t.app, 'officer_ga', PW);
      const b = await login(t.app, 'officer_ga', PW);
      const app = (await req('POST', '/tokens', a, { name: 'etl' })).json().token as string;
      const r = await req('PATCH', `/users/${ids.officer_ga}`, admin, { password: 'Reset-by-admin-2026' });
      assert.equal(r.statusCode, 200, r.body);
      for (const h of [a, b]) assert.equal((await req('GET', '/auth/me', h)).statusCode, 401);
      assert.equal((await req('GET', '/auth/me', { authorization: `Bearer ${app}` })).statusCode, 200);
      assert.equal((await req('GET', '/auth/me', admin)).statusCode, 200, "the admin's own session is untouched");
      await login(t.app, 'officer_ga', 'Reset-by-admin-2026');
    });

    test('default policy: only admins manage users; officers see their department and edit only themselves', async () => {
      const off = await login(t.app, 'officer_mz', 'Changed-again-2026');
      assert.equal((await req('GET', '/auth/me', off)).json().manageUsers, false);
      assert.equal((await req('GET', '/auth/me', admin)).json().manageUsers, true);
      const peer = ids.analyst_mz;
      const attempts = [
        await req('POST', '/users', off, { username: 'new_mz', displayName: 'n', password: PW, role: 'analyst', departmentId: ids.MZ }),
        await req('PATCH', `/users/${peer}`, off, { password: 'Officer-reset-2026' }),
        await req('PATCH', `/users/${peer}`, off, { role: 'officer' }),
        await req('PATCH', `/users/${peer}`, off, { disabled: true }),
        await req('PATCH', `/users/${peer}`, off, { displayName: 'renamed' }),
      ];
      for (const r of attempts) {
        assert.equal(r.statusCode, 403, r.body);
        assert.match(r.json().detail, /只有管理员|only admins/);
      }
      assert.equal((await req('GET', `/users/${peer}`, off)).statusCode, 200, 'officers still see their department');
      assert.equal((await req('GET', `/users/${ids.analyst_ga}`, off)).statusCode, 404);
      assert.equal((await req('PATCH', `/users/${ids.officer_mz}`, off, { displayName: '民政专员' })).json().displayName, '民政专员');
      assert.equal((await req('PATCH', `/users/${ids.officer_mz}`, off, { role: 'admin' })).statusCode, 403);
    });
  });

  describe(`identity hardening with GOVHUB_OFFICERS_MANAGE_USERS=true (${driver})`, () => {
    let t: App;
    let admin: Auth;
    const { req, ids, seed } = harness(() => t);

    before(async () => {
      t = await openTestApp(driver, { config: { officersManageUsers: true, loginRateLimit: 6 } });
      admin = await login(t.app);
      await seed(admin);
    });
    after(() => t.close());

    test('officers manage the non-admin users of their own department, and no one else', async () => {
      const off = await login(t.app, 'officer_ga', PW);
      assert.equal((await req('GET', '/auth/me', off)).json().manageUsers, true);
      const created = await req('POST', '/users', off, { username: 'new_ga', displayName: 'n', password: PW, role: 'analyst', departmentId: ids.GA });
      assert.equal(created.statusCode, 201, created.body);
      const victim = await login(t.app, 'analyst_ga', PW);
      assert.equal((await req('PATCH', `/users/${ids.analyst_ga}`, off, { password: 'Officer-reset-2026' })).statusCode, 200);
      assert.equal((await req('GET', '/auth/me', victim)).statusCode, 401, 'a reset ends the sessions');
      assert.equal((await req('PATCH', `/users/${ids.analyst_ga}`, off, { role: 'handler' })).json().role, 'handler');
      assert.equal((await req('PATCH', `/users/${created.json().id}`, off, { disabled: true })).json().disabled, true);
      // the edges of the grant
      assert.equal((await req('POST', '/users', off, { username: 'boss', displayName: 'b', password: PW, role: 'admin', departmentId: ids.GA })).statusCode, 403);
      assert.equal((await req('POST', '/users', off, { username: 'spy', displayName: 's', password: PW, role: 'analyst', departmentId: ids.MZ })).statusCode, 403);
      assert.equal((await req('PATCH', `/users/${ids.analyst_ga}`, off, { role: 'admin' })).statusCode, 403);
      assert.equal((await req('PATCH', `/users/${ids.analyst_ga}`, off, { departmentId: ids.MZ })).statusCode, 403);
      assert.equal((await req('PATCH', `/users/${ids.analyst_mz}`, off, { password: 'Officer-reset-2026' })).statusCode, 404);
      const adminId = (await req('GET', '/auth/me', admin)).json().id;
      assert.equal((await req('PATCH', `/users/${adminId}`, off, { password: 'Officer-reset-2026' })).statusCode, 404);
    });

    test('password change attempts are limited per user like logins', async () => {
      const h = await login(t.app, 'officer_mz', PW);
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await req('POST', '/auth/password', h, { currentPassword: `guess-${i}-xyz`, newPassword: 'Brute-force-2026' })).statusCode);
      assert.deepEqual(codes, [400, 400, 400, 400, 400, 400, 429]);
      // PATCH /users/:id counts against the same allowance
      assert.equal((await req('PATCH', `/users/${ids.officer_mz}`, h, { password: 'Brute-force-2026', currentPassword: PW })).statusCode, 429);
      assert.equal((await req('GET', '/auth/me', h)).statusCode, 200, 'the rest of the API still answers');
    });
  });
}

for (const driver of drivers()) test(`govhub start refuses a GOVHUB_ADMIN_PASSWORD that fails the policy, and says why (${driver})`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-weak-admin-'));
  const cp = await childControlPlane(driver);
  try {
    const r = spawnSync(process.execPath, ['bin/govhub.mjs', 'start', '--port', '0'], {
      encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, ...cp.env, GOVHUB_DATA_DIR: dir, GOVHUB_ADMIN_PASSWORD: 'admin12345678', GOVHUB_LOG_LEVEL: 'error' },
    });
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /GOVHUB_ADMIN_PASSWORD/);
    assert.match(r.stderr, /用户名|username/);
    assert.doesNotMatch(r.stdout, /is running/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await cp.drop();
  }
});
