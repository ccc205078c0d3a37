// Browser test of the sources (数据源) pages against the real MariaDB on this machine: add a MySQL
// source through the console, test its connection, run it and see the run succeed with its rows.
//   npm run build:web && node --import tsx --test test/e2e/sources.test.ts
// Screenshots of each step go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as sources-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { Locator, Page } from 'playwright-core';
import { logIn, openBrowser } from '../helpers/browser.ts';
import { ADMIN_PASSWORD, startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `sources-${name}.png`), animations: 'disabled', style: '.el-message { visibility: hidden !important; }' });
}

/** Pick an option of an Element Plus select (its dropdown is teleported to <body>). */
async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.waitForTimeout(300); // a dropdown closed just before may still be fading out
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click();
  await page.waitForTimeout(300);
}

test('sources: add a MySQL source in the console, test the connection, run it, see the rows in its history', { timeout: 180_000 }, async (t) => {
  const server = await startTestServer();
  const table = `gh_e2e_src_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const db = await mysql.createConnection(MYSQL);
  t.after(async () => {
    await db.query(`DROP TABLE IF EXISTS \`${table}\``).catch(() => undefined);
    await db.end().catch(() => undefined);
    await server.close();
  });

  // The department database: a few permit rows.
  await db.query(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, shop_name VARCHAR(50), district VARCHAR(20), issued_at DATETIME)`);
  const ROWS = [
    [1, '老王面馆', '上城区', '2024-01-05 09:00:00'],
    [2, '小李超市', '西湖区', '2024-02-11 10:30:00'],
    [3, '张记药房', '拱墅区', '2024-03-02 14:15:00'],
    [4, '陈氏茶行', '滨江区', '2024-03-20 08:45:00'],
    [5, '周家书店', '上城区', '2024-04-01 16:00:00'],
  ];
  await db.query(`INSERT INTO \`${table}\` VALUES ?`, [ROWS]);

  // A department and a dataset, through the API.
  const api = async (method: string, p: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${p}`, {
      method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const { token } = await api('POST', '/auth/login', null, { username: 'admin', password: ADMIN_PASSWORD });
  const dept = await api('POST', '/departments', token, { code: 'SCJGJ', name: '市场监管局', nameEn: 'Market Regulation Bureau', regionCode: '330102' });
  await api('POST', '/datasets', token, {
    code: 'shop_permits', name: '食品经营许可', departmentId: dept.id, primaryKey: ['id'],
    fields: [
      { name: 'id', title: '许可编号', type: 'integer', required: true, sensitivity: 'L1' },
      { name: 'name', title: '经营者名称', type: 'string', sensitivity: 'L1' },
      { name: 'district', title: '所在区', type: 'string', sensitivity: 'L1' },
      { name: 'issued_at', title: '发证时间', type: 'timestamp', sensitivity: 'L1' },
    ],
  });

  const opened = await openBrowser(server.url, 30_000, t);
  const { page, outside, errors } = opened;

  // ---- log in and open 数据源 from the menu
  await logIn(page, server.url, 'admin', ADMIN_PASSWORD);
  await page.locator('[data-test=current-user]').waitFor();
  await page.locator('[data-test=notice-bell]').waitFor();
  await page.locator('[data-test=menu-group-collect]').click();
  await page.locator('[data-test=menu-sources]').click();
  await page.waitForURL(/\/collect\/sources$/);
  await page.locator('[data-test=sources-table]').waitFor();
  assert.match(await page.locator('.page-header h2').innerText(), /数据源/);

  // ---- new source: MySQL, connection, table, column mapping, incremental by issued_at, schedule
  await page.locator('[data-test=source-create]').click();
  const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test=source-name]') });
  await dialog.waitFor();
  await page.locator('[data-test=source-name]').fill('许可系统库');
  await choose(page, page.locator('[data-test=source-dataset]'), 'shop_permits');
  // MQTT shows the broker settings and the shape a sensor dataset needs
  await page.locator('[data-test=source-kind-mqtt]').click();
  await page.locator('[data-test=source-sensor-template]').filter({ hasText: 'device' }).waitFor();
  await page.locator('[data-test=source-url]').waitFor();
  await page.getByText('sensors/{device}/{metric}').first().waitFor();
  await shot(page, '00-mqtt');
  await page.locator('[data-test=source-kind-mysql]').click();
  await page.locator('[data-test=source-host]').fill('127.0.0.1');
  await page.locator('[data-test=source-port] input').fill('3306');
  await page.locator('[data-test=source-database]').fill('test');
  await page.locator('[data-test=source-user]').fill('root');
  await page.locator('[data-test=source-table]').fill(table);

  // a wrong table: the test fails with the server's detail
  await page.locator('[data-test=source-table]').fill(`${table}_missing`);
  await page.locator('[data-test=source-test]').click();
  const result = page.locator('[data-test=source-test-result]');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-ok'), 'false');
  await shot(page, '01-test-failed');

  // the right table: success, and the source columns are offered for the mapping
  await page.locator('[data-test=source-table]').fill(table);
  await page.locator('[data-test=source-test]').click();
  await page.locator('[data-test=source-test-result][data-ok=true]').waitFor();
  assert.match(await result.innerText(), /连接成功/);
  assert.match(await result.innerText(), /shop_name/);
  // a custom mapping lists every source column, prefilled by name; shop_name goes to the name field
  await page.locator('[data-test=source-map-custom]').click();
  await page.locator('[data-test=source-map-shop_name]').waitFor();
  await choose(page, page.locator('[data-test=source-map-shop_name] .el-select').nth(1), '经营者名称');
  await page.locator('[data-test=source-mode-incremental]').click();
  await choose(page, page.locator('[data-test=source-cursor]'), 'issued_at');
  await page.locator('[data-test=source-schedule]').fill('0 2 * * *');
  await page.locator('[data-test=source-cron-hint]').filter({ hasText: /下次运行：\d{4}-\d{2}-\d{2} 02:00/ }).waitFor();
  await shot(page, '02-editor');
  await page.locator('[data-test=source-save]').click();
  await dialog.waitFor({ state: 'hidden' });

  // ---- the detail page: settings, no runs yet; run now
  await page.waitForURL(/\/collect\/sources\/[0-9a-f-]{36}$/);
  await page.locator('[data-test=source-settings]').filter({ hasText: table }).waitFor();
  assert.match(await page.locator('[data-test=source-settings]').innerText(), /shop_name → name/);
  assert.match(await page.locator('[data-test=source-settings]').innerText(), /district → district/);
  await page.locator('[data-test=source-run]').click();
  // the run is followed live until it ends
  await page.locator('[data-test=runs-table] [data-test=run-status]:not([data-status=running])').first().waitFor({ timeout: 60_000 });
  const done = page.locator('[data-test=runs-table] .el-table__body tr').filter({ has: page.locator('[data-test=run-status][data-status=succeeded]') });
  if (!(await done.count())) {
    await shot(page, 'failed-run');
    const { items: [run] } = await api('GET', `/sources/${page.url().split('/').pop()}/runs`, token);
    const q = run?.jobIds[0] ? await api('GET', `/ingest/jobs/${run.jobIds[0]}/quarantine`, token) : null;
    assert.fail(`the run did not succeed: ${JSON.stringify(run)}\nquarantine: ${JSON.stringify(q?.items?.slice(0, 3))}`);
  }
  assert.equal(await done.first().locator('[data-test=run-rows]').innerText(), '5');
  // the cursor advanced to the last row's issued_at
  await page.locator('[data-test=source-cursor-value]').filter({ hasText: /2024-04-01/ }).waitFor();
  await shot(page, '03-detail-run');

  // a full refresh: every row read again as a full run; the cursor stays at the newest row
  await page.locator('[data-test=source-run-full]').click();
  await page.locator('[data-test=runs-table] .el-table__body tr')
    .filter({ has: page.locator('[data-test=run-mode]', { hasText: '全量' }) })
    .filter({ has: page.locator('[data-test=run-status][data-status=succeeded]') })
    .first().waitFor({ timeout: 60_000 });
  await page.locator('[data-test=source-cursor-value]').filter({ hasText: /2024-04-01/ }).waitFor();

  // the rows landed in the dataset, names mapped
  // read by the department itself (anyone else would need a grant)
  await api('POST', '/users', token, { username: 'scjgj_analyst', displayName: '市场监管分析员', password: 'analyst-pass-2026', role: 'analyst', departmentId: dept.id });
  const own = await api('POST', '/auth/login', null, { username: 'scjgj_analyst', password: 'analyst-pass-2026' });
  const rows = await api('GET', '/datasets/shop_permits/rows', own.token);
  assert.equal(rows.total, 5);
  assert.ok(rows.rows.some((r: Record<string, unknown>) => r.name === '老王面馆'));

  // ---- the list: last run, its rows and status
  await page.locator('[data-test=menu-sources]').click();
  await page.waitForURL(/\/collect\/sources$/);
  const row = page.locator('[data-test=sources-table] .el-table__body tr').filter({ hasText: '许可系统库' });
  await row.waitFor();
  await row.locator('[data-test=run-status][data-status=succeeded]').waitFor();
  assert.equal(await page.locator('[data-test="source-rows-许可系统库"]').innerText(), '5');
  assert.match(await row.innerText(), /增量/);
  assert.match(await row.innerText(), /0 2 \* \* \*/);
  await shot(page, '04-list');

  // ---- edit: the password is never shown back; blank keeps it
  await row.locator('a').first().click();
  await page.locator('[data-test=source-edit]').click();
  await dialog.waitFor();
  assert.equal(await page.locator('[data-test=source-password]').inputValue(), '');
  await page.locator('[data-test=source-test]').click();
  await page.locator('[data-test=source-test-result][data-ok=true]').waitFor();
  await shot(page, '05-edit');

  // ---- a failing run: the table is gone from the settings; the run fails with the database's error and the bell rings
  await page.locator('[data-test=source-table]').fill(`${table}_gone`);
  await page.locator('[data-test=source-save]').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('[data-test=source-settings]').filter({ hasText: `${table}_gone` }).waitFor();
  await page.locator('[data-test=source-run]').click();
  const failed = page.locator('[data-test=runs-table] .el-table__body tr').filter({ has: page.locator('[data-test=run-status][data-status=failed]') });
  await failed.first().waitFor({ timeout: 60_000 });
  assert.match(await failed.first().innerText(), /doesn't exist|不存在/);
  await page.locator('[data-test=notice-count] .el-badge__content').filter({ hasText: '1' }).waitFor();
  await shot(page, '06-run-failed');

  await page.locator('[data-test=notice-bell]').click();
  const notice = page.locator('[data-test=notice-item][data-read=false]').filter({ hasText: '许可系统库' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /数据源同步失败/);
  await page.locator('.el-popover .el-loading-mask').waitFor({ state: 'hidden' }).catch(() => undefined);
  await page.waitForTimeout(300);
  await shot(page, '07-notices');
  await notice.click();
  await page.locator('[data-test=notice-count] .el-badge__content').waitFor({ state: 'hidden' });

  // ---- a source with a stored password: moving it asks for the password again (the stored one
  // only goes where it was saved); a connection that fails shows the one message for every failure
  const locked = await api('POST', '/sources', token, {
    name: '带密码的库', datasetCode: 'shop_permits', kind: 'mysql', password: 'stored-only-for-127.0.0.1', enabled: false,
    settings: { host: MYSQL.host, port: MYSQL.port, user: 'root', database: 'test', table },
  });
  const firstSource = page.url();
  await page.goto(`${server.url}/collect/sources/${locked.id}`);
  await page.locator('[data-test=source-edit]').click();
  await dialog.waitFor();
  assert.equal(await page.locator('[data-test=source-password-again]').count(), 0);
  await page.locator('[data-test=source-host]').fill('127.0.0.2');
  await page.locator('[data-test=source-password-again]').waitFor();
  // neither a test nor a save goes out without it
  await page.locator('[data-test=source-test]').click();
  await dialog.locator('.el-form-item__error').filter({ hasText: '更改连接目标后须重新输入密码' }).waitFor();
  await page.locator('[data-test=source-save]').click();
  await page.waitForTimeout(300);
  assert.ok(await dialog.isVisible(), 'saved without the password');
  await shot(page, '09-password-again');
  await page.locator('[data-test=source-password]').fill('typed-again');
  await page.locator('[data-test=source-test]').click();
  await page.locator('[data-test=source-test-result][data-ok=false]').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('[data-test=source-test-error]').innerText(), /^连接失败：无法连接到数据源，或数据源拒绝了登录/);
  assert.match(await page.locator('[data-test=source-test-result]').innerText(), /详细原因记入服务器日志/);
  await shot(page, '10-test-failed-uniform');
  await dialog.locator('.el-dialog__headerbtn').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.goto(firstSource);

  // ---- English: the same page in the other language
  await page.locator('[data-test=lang-switch]').click();
  await page.locator('[data-test=lang-en]').click();
  await page.locator('[data-test=runs-table]').filter({ hasText: 'Succeeded' }).waitFor();
  await shot(page, '08-detail-en');

  assert.deepEqual(outside, [], 'requests left the server');
  assert.deepEqual(errors, [], 'errors in the page');
});
