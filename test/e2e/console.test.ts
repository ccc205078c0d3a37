// Browser test of the web console: Debian's chromium driven by playwright-core against the real
// server (in-memory PGlite, built console from web/dist).
//   node --import tsx --test test/e2e/console.test.ts
// Screenshots of each step go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as console-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openBrowser } from '../helpers/browser.ts';
import { startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Rebuild the console when a source under web/ is newer than the built web/dist/index.html. */

async function shot(page: Page, name: string): Promise<void> {
  // Toasts are hidden so the page itself is what the picture shows.
  await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), animations: 'disabled', style: '.el-message { visibility: hidden !important; }' });
}

test('console: log in, create a department, see it audited, verify the chain', { timeout: 90_000 }, async (t) => {
  const server = await startTestServer();
  t.after(async () => {
    await server.close();
  });
  const opened = await openBrowser(server.url, 30_000, t);
  const { page, outside, errors, csp } = opened;

  // ---- login: an unauthenticated visit lands on the login page
  await page.goto(`${server.url}/system/departments`);
  await page.waitForURL(/\/login/);
  await page.locator('[data-test=login-username]').waitFor();
  await shot(page, '01-login');
  assert.match(await page.locator('.brand h1').innerText(), /政务大数据平台/);

  // a wrong password shows the server's problem detail and stays on the login page
  await page.locator('[data-test=login-username]').fill('admin');
  await page.locator('[data-test=login-password]').fill('wrong-password');
  await page.locator('[data-test=login-submit]').click();
  await page.locator('.el-message--error').first().waitFor();
  assert.match(page.url(), /\/login/);

  await page.locator('[data-test=login-password]').fill(server.adminPassword);
  await page.locator('[data-test=login-submit]').click();
  // back to where the visit started
  await page.waitForURL(/\/system\/departments/);
  await page.locator('[data-test=current-user]').waitFor();

  // ---- dashboard via the side menu
  await page.locator('[data-test=menu-dashboard]').click();
  await page.waitForURL(/\/dashboard/);
  await page.locator('[data-test=stat-datasets] .stat-value').filter({ hasText: /\d/ }).waitFor();
  assert.equal((await page.locator('[data-test=dashboard-scope]').innerText()).trim(), '全市', 'the admin sees the city');
  await page.locator('[data-test=chart-ingest] canvas').waitFor();
  await shot(page, '02-dashboard');

  // ---- departments: create TESTDEPT
  await page.locator('[data-test=menu-group-system]').click();
  await page.locator('[data-test=menu-departments]').click();
  await page.waitForURL(/\/system\/departments/);
  await page.locator('[data-test=dept-table]').waitFor();
  await page.locator('[data-test=dept-create]').click();
  const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test=dept-code]') });
  await dialog.waitFor();
  await page.locator('[data-test=dept-code]').fill('TESTDEPT');
  await page.locator('[data-test=dept-name]').fill('测试局');
  await page.locator('[data-test=dept-name-en]').fill('Test Bureau');
  // a bad region code is refused on the form before anything is sent
  await page.locator('[data-test=dept-region]').fill('33010');
  await page.locator('[data-test=dept-save]').click();
  await dialog.locator('.el-form-item__error').first().waitFor();
  await page.locator('[data-test=dept-region]').fill('330102');
  await shot(page, '03-department-dialog');
  await page.locator('[data-test=dept-save]').click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('[data-test=dept-table] .el-table__body tr').filter({ hasText: 'TESTDEPT' });
  await row.waitFor();
  const rowText = await row.innerText();
  assert.match(rowText, /测试局/);
  assert.match(rowText, /330102/);
  await shot(page, '04-departments');

  // the same code again: the server's conflict detail is shown and the dialog stays open
  await page.locator('[data-test=dept-create]').click();
  await dialog.waitFor();
  await page.locator('[data-test=dept-code]').fill('TESTDEPT');
  await page.locator('[data-test=dept-name]').fill('测试局二');
  await page.locator('[data-test=dept-region]').fill('330102');
  await page.locator('[data-test=dept-save]').click();
  await page.locator('.el-message--error').first().waitFor();
  assert.equal(await dialog.isVisible(), true);
  await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // ---- audit log: the creation is there
  await page.locator('[data-test=menu-audit]').click();
  await page.waitForURL(/\/system\/audit/);
  await page.locator('[data-test=audit-table]').waitFor();
  await page.locator('[data-test=audit-filter-action]').fill('department.create');
  await page.locator('[data-test=audit-search]').click();
  // the action in words (the identifier on hover), the details as key: value
  const event = page.locator('[data-test=audit-table] .el-table__body tr').filter({ has: page.locator('[data-test=audit-action][data-action="department.create"]') }).filter({ hasText: 'TESTDEPT' });
  await event.first().waitFor();
  assert.equal((await event.first().locator('[data-test=audit-action]').innerText()).trim(), '新建部门');
  assert.match(await event.first().locator('[data-test=audit-details-line]').innerText(), /代码: TESTDEPT/);
  await event.first().waitFor();
  await shot(page, '05-audit');

  // ---- the signed head anchored outside the database: sign it now, then it is shown for a witness to take
  await page.locator('[data-test=audit-head-sign]').click();
  const headInfo = page.locator('[data-test=audit-head-info]');
  await headInfo.waitFor();
  const head = (await server.p.audit.head())!;
  assert.equal(await headInfo.getAttribute('data-seq'), String(head.seq));

  // ---- verify the hash chain, against the anchors and a witnessed head
  await page.locator('[data-test=audit-witness-toggle]').click();
  await page.locator('[data-test=audit-witness-input]').fill('not a head');
  await page.locator('[data-test=audit-verify]').click();
  assert.match(await page.locator('[data-test=audit-witness-error]').innerText(), /第 1 行/);
  await page.locator('[data-test=audit-witness-input]').fill(JSON.stringify(head));
  await page.locator('[data-test=audit-verify]').click();
  const result = page.locator('[data-test=audit-verify-result]');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-ok'), 'true');
  assert.equal(await result.locator('.el-alert--success').count(), 1);
  assert.match(await page.locator('[data-test=audit-verify-anchors]').innerText(), /库外锚定：已核对 \d+ 个/);
  assert.match(await page.locator('[data-test=audit-verify-witnesses]').innerText(), new RegExp(`见证链头：已核对 1 个\\s*seq ${head.seq}`));
  await shot(page, '06-audit-verified');

  // ---- a module not yet open is marked planned in the menu and does not open; its address shows the placeholder
  await page.locator('[data-test=menu-group-apply]').click();
  const planned = page.locator('[data-test=menu-opinion]');
  await planned.waitFor();
  assert.equal(await planned.evaluate((el) => el.classList.contains('is-disabled')), true);
  assert.match(await planned.innerText(), /规划中/);
  await planned.click({ force: true });
  await page.waitForTimeout(300);
  assert.match(page.url(), /\/system\/audit/);
  await page.goto(`${server.url}/apps/opinion`);
  await page.locator('[data-test=placeholder]').waitFor();
  assert.match(await page.locator('[data-test=placeholder]').innerText(), /该功能尚未开放/);

  // ---- English
  await page.locator('[data-test=lang-switch]').click();
  await page.locator('[data-test=lang-en]').click();
  await page.locator('[data-test=placeholder]').filter({ hasText: 'Not yet available' }).waitFor();
  await shot(page, '07-placeholder-en');

  // ---- log out: back to the login page, and the console is closed again
  await page.locator('[data-test=logout]').click();
  await page.waitForURL(/\/login/);
  await page.goto(`${server.url}/system/audit`);
  await page.waitForURL(/\/login/);

  assert.deepEqual(outside, [], 'requests left the server');
  assert.deepEqual(errors, [], 'errors in the page');
  assert.deepEqual(csp, [], 'Content Security Policy violations');
});
