// Browser test of the console under the Content-Security-Policy, and of changing one's own password:
// Debian's chromium driven by playwright-core against the real server (built console from web/dist).
//   node --import tsx --test test/e2e/identity.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { submitLogin, openBrowser } from '../helpers/browser.ts';
import { startTestServer } from '../helpers/server.ts';
import { WEB_DIST } from '../../src/server/index.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';

test('the built console has no inline script for the policy to block', () => {
  const html = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length > 0);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\bsrc=/, 'every script is a file');
    assert.equal(body.trim(), '');
  }
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
});

test('console under CSP: log in, dashboard, change my password; API docs render; an injected inline script is blocked', { timeout: 120_000 }, async (t) => {
  const server = await startTestServer();
  t.after(async () => {
    await server.close();
  });
  const opened = await openBrowser(server.url, 30_000, t);
  const { page, outside, errors, csp } = opened;

  // ---- login page, served with the policy
  const res = await page.goto(`${server.url}/login`);
  assert.match(res!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
  assert.equal(res!.headers()['x-frame-options'], 'DENY');
  await submitLogin(page, 'admin', server.adminPassword);
  await page.locator('[data-test=stat-datasets] .stat-value').filter({ hasText: /\d/ }).waitFor();

  // ---- change my password: a wrong current password is named on its field
  const newPassword = 'Changed-in-browser-2026';
  await page.locator('[data-test=change-password]').click();
  const dialog = page.locator('[data-test=password-dialog]');
  await page.locator('[data-test=password-current]').waitFor();
  await page.locator('[data-test=password-current]').fill('not-my-password');
  await page.locator('[data-test=password-new]').fill('short');
  await page.locator('[data-test=password-confirm]').fill('short');
  await page.locator('[data-test=password-save]').click();
  // the form refuses a short one before anything is sent
  await page.locator('.el-form-item__error').filter({ hasText: /10/ }).waitFor();
  await page.locator('[data-test=password-new]').fill(newPassword);
  await page.locator('[data-test=password-confirm]').fill(newPassword);
  await page.locator('[data-test=password-save]').click();
  await page.locator('.el-form-item__error').filter({ hasText: /当前密码不正确/ }).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'identity-01-password-dialog.png') });
  await page.locator('[data-test=password-current]').fill(server.adminPassword);
  await page.locator('[data-test=password-save]').click();
  await page.locator('.el-message--success').filter({ hasText: /密码已修改/ }).waitFor();
  await dialog.locator('[data-test=password-current]').waitFor({ state: 'hidden' });
  // still logged in here; the new password is the one that works now
  await page.locator('[data-test=menu-dashboard]').click();
  await page.locator('[data-test=current-user]').waitFor();
  const login = (password: string) => fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  assert.equal((await login(server.adminPassword)).status, 401);
  assert.equal((await login(newPassword)).status, 200);

  // ---- the offline API docs render under their policy
  await page.goto(`${server.url}/api/docs/`);
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'govhub API' }).waitFor();
  await page.locator('.swagger-ui .opblock').first().waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'identity-02-api-docs.png') });

  assert.deepEqual(outside, [], 'requests left the server');
  assert.deepEqual(errors, [], 'errors in the page');
  assert.deepEqual(csp, [], 'Content Security Policy violations');

  // ---- and the policy is enforced: a script injected inline does not run
  await page.goto(`${server.url}/dashboard`);
  await page.locator('[data-test=current-user]').waitFor();
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 100));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  assert.equal(ran, false, 'inline script ran');
  assert.ok(csp.length >= 1, 'the browser reported the blocked inline script');
});
