// Browser test of the words the console uses for states and codes, on the demo city: a job that
// rejected rows reads 部分成功 and reaches the notice bell; jobs show their origin; rejected rows show
// as the file's rows; 性别 / 民族 codes show by name (the code on hover); dataset search and filters;
// audit actions in words with a time range; the department tree; user filters and last login; a
// field name suggested from a Chinese title by pinyin.
//   node --import tsx --test test/e2e/status.test.ts
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as status-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { openBrowser } from '../helpers/browser.ts';
import { grantFor, login as apiLogin, startTestServer } from '../helpers/server.ts';
import { DEMO_PASSWORD, officerName } from '../../src/demo/index.ts';
import { SMALL_CITY } from '../helpers/demoCity.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `status-${name}.png`), animations: 'disabled', style: '.el-message { visibility: hidden !important; }' });

async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click();
}

async function login(page: Page, url: string, username: string, password: string) {
  await page.goto(`${url}/login`);
  await page.locator('[data-test=login-username]').fill(username);
  await page.locator('[data-test=login-password]').fill(password);
  await page.locator('[data-test=login-submit]').click();
  await page.waitForURL(/\/dashboard/);
}

test('status words, origins, notices, decoded codes, filters, audit words, department tree, pinyin names', { timeout: 600_000 }, async (t) => {
  const server = await startTestServer({ city: SMALL_CITY });
  // the admin previews 公安's residents below: under a grant, as anyone else would
  await grantFor(server.app, await apiLogin(server.app), 'GA_HJRK', await apiLogin(server.app, officerName('GA'), DEMO_PASSWORD));
  let browser: Browser | undefined;
  t.after(async () => {
    await browser?.close();
    await server.close();
  });
  const opened = await openBrowser(server.url, 20_000);
  browser = opened.browser;
  const { page, outside, errors } = opened;

  // ---- the officer of 公安局: the bell has a notice of rejected rows; it opens the job
  await login(page, server.url, 'officer_ga', DEMO_PASSWORD);
  await page.locator('[data-test=notice-count] sup').filter({ hasText: /\d/ }).waitFor();
  await page.locator('[data-test=notice-bell]').click();
  const notice = page.locator('[data-test=notice-item]').filter({ hasText: '部分成功' }).first();
  await notice.waitFor();
  assert.match(await notice.innerText(), /行被拒绝：户籍人口信息/);
  await shot(page, '01-bell');
  await notice.click();
  await page.waitForURL(/\/collect\/jobs\/[0-9a-f-]{36}$/);
  await page.locator('[data-test=job-detail] [data-test=job-status][data-outcome=partial]').waitFor();
  assert.equal((await page.locator('[data-test=job-detail] [data-test=job-status]').innerText()).trim(), '部分成功');

  // rejected rows: the file's columns, the values, the reasons — no raw JSON
  const q = page.locator('[data-test=quarantine-table]');
  await q.locator('[data-test=quarantine-reason]').first().waitFor();
  const headers = await q.locator('thead th').allInnerTexts();
  assert.ok(headers.some((h) => h.includes('gmsfhm') && h.includes('公民身份号码')), headers.join(' | '));
  assert.ok(headers.some((h) => h.includes('原因')), headers.join(' | '));
  const qText = await q.innerText();
  assert.ok(!qText.includes('_raw') && !qText.includes('{"'), qText.slice(0, 300));
  // the mapping: source column → field title
  const mapping = await page.locator('[data-test=job-mapping]').innerText();
  assert.match(mapping, /gmsfhm\s+公民身份号码/);
  assert.ok(!/gmsfhm\s+公民身份号码\s+gmsfhm/.test(mapping), mapping.slice(0, 200));
  await page.setViewportSize({ width: 1440, height: 1500 });
  await shot(page, '02-job-rejected-rows');
  await page.setViewportSize({ width: 1440, height: 900 });

  // ---- the job list: outcome words, origin, filters
  await page.goto(`${server.url}/collect/jobs`);
  const jobs = page.locator('[data-test=jobs-table]');
  await jobs.locator('[data-test=job-status]').first().waitFor();
  assert.ok((await jobs.locator('[data-test=job-status]').allInnerTexts()).some((s) => s.trim() === '部分成功'));
  assert.deepEqual([...new Set((await jobs.locator('[data-test=job-origin]').allInnerTexts()).map((s) => s.trim()))], ['示范数据']);
  await choose(page, page.locator('[data-test=jobs-status]'), '部分成功');
  await page.waitForURL(/status=partial/);
  await jobs.locator('[data-test=job-status][data-outcome=partial]').first().waitFor();
  assert.equal(await jobs.locator('[data-test=job-status]:not([data-outcome=partial])').count(), 0);
  await shot(page, '03-jobs-partial');
  await choose(page, page.locator('[data-test=jobs-origin]'), '上传');
  await page.waitForURL(/origin=upload/);
  await jobs.locator('.el-table__empty-text').waitFor();

  // ---- a preview decodes 性别 and 民族, the code on hover
  await page.goto(`${server.url}/datasets/GA_HJRK`);
  const rows = page.locator('[data-test=dataset-rows]');
  await rows.locator('[data-test=decoded]').first().waitFor();
  const codes = await rows.locator('[data-test=decoded]').evaluateAll((els) => els.map((e) => [e.textContent?.trim(), e.getAttribute('data-code'), e.getAttribute('title')]));
  assert.ok(codes.some(([text, code]) => (text === '男性' && code === '1') || (text === '女性' && code === '2')), JSON.stringify(codes.slice(0, 6)));
  assert.ok(codes.some(([text, code]) => text === '汉族' && code === '01'), JSON.stringify(codes.slice(0, 12)));
  assert.ok(codes.every(([, code, title]) => title === `代码：${code}`));
  await shot(page, '04-preview-decoded');

  // ---- 存 · 数据资源: search by a field title, filters
  await page.goto(`${server.url}/datasets`);
  await page.locator('[data-test=dataset-table] .el-table__row').first().waitFor();
  // 市容环境案件 has no ID number: a search for 身份证 (a field title, the ID-card element) leaves it out
  await page.locator('[data-test=dataset-link-CG_SRAJ]').waitFor();
  await page.locator('[data-test=dataset-search]').fill('身份证');
  await page.locator('[data-test=dataset-search]').press('Enter');
  await page.locator('[data-test=dataset-link-CG_SRAJ]').waitFor({ state: 'detached' });
  await page.locator('[data-test=dataset-link-GA_HJRK]').waitFor();
  await choose(page, page.locator('[data-test=dataset-filter-share]'), '有条件共享');
  await page.locator('[data-test=dataset-link-GA_HJRK]').waitFor();
  await page.locator('[data-test=dataset-table] .el-loading-mask').waitFor({ state: 'hidden' });
  await shot(page, '05-datasets-filtered');

  // ---- a Chinese field title suggests the field name by pinyin
  await page.goto(`${server.url}/collect/datasets`);
  await page.locator('[data-test=dataset-create]').click();
  await page.locator('[data-test=ds-field-title-0]').fill('身份证号');
  await page.waitForFunction(() => (document.querySelector('[data-test=ds-field-name-0]') as HTMLInputElement | null)?.value === 'shen_fen_zheng_hao');
  await page.locator('[data-test=ds-field-suggest-initials-0]').click();
  assert.equal(await page.locator('[data-test=ds-field-name-0]').inputValue(), 'sfzh');
  await page.locator('[data-test=ds-field-title-0]').fill('身份证号码');
  await page.waitForFunction(() => (document.querySelector('[data-test=ds-field-name-0]') as HTMLInputElement | null)?.value === 'sfzhm');
  await shot(page, '06-pinyin-name');
  await page.keyboard.press('Escape');

  // ---- the admin: audit in words with a time range, the department tree, user filters and last login
  await page.locator('[data-test=logout]').click();
  await page.waitForURL(/\/login/);
  await login(page, server.url, 'admin', server.adminPassword);
  await page.goto(`${server.url}/system/audit`);
  const audit = page.locator('[data-test=audit-table]');
  await audit.locator('[data-test=audit-action]').first().waitFor();
  const actions = await audit.locator('[data-test=audit-action]').allInnerTexts();
  assert.ok(actions.every((a) => !/^[a-z_]+\.[a-z_]+$/.test(a.trim())), actions.join(', '));
  assert.ok(actions.some((a) => a.trim() === '登录'), actions.join(', '));
  const details = await audit.locator('[data-test=audit-details-line]').allInnerTexts();
  assert.ok(details.every((d) => !d.includes('{"')), details.slice(0, 5).join(' | '));
  await shot(page, '07-audit-words');
  await page.locator('.el-date-editor--datetimerange').first().click();
  await page.locator('.el-picker-panel__shortcut:visible').filter({ hasText: '最近 24 小时' }).click();
  await audit.locator('[data-test=audit-action]').first().waitFor();
  await page.locator('.el-date-editor--datetimerange').first().click();
  await page.locator('.el-picker-panel__shortcut:visible').filter({ hasText: '最近 30 天' }).click();
  await page.keyboard.press('Escape');

  // a unit under 公安局, made through the API: the tree shows it under its parent
  const token = await page.evaluate(() => sessionStorage.getItem('govhub.token') ?? '');
  const depts = await (await fetch(`${server.url}/api/v1/departments?q=GA`, { headers: { authorization: `Bearer ${token}` } })).json() as { items: { id: string; code: string }[] };
  const ga = depts.items.find((d) => d.code === 'GA')!;
  const made = await fetch(`${server.url}/api/v1/departments`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code: 'GA_XZ', name: '刑事侦查支队', parentId: ga.id, regionCode: '330100' }),
  });
  assert.equal(made.status, 201, await made.text());
  await page.goto(`${server.url}/system/departments`);
  await page.locator('[data-test=dept-table] .el-table__row').first().waitFor();
  await page.locator('[data-test=dept-view-tree]').click();
  const child = page.locator('[data-test=dept-tree] .el-table__row--level-1').filter({ has: page.locator('[data-test=dept-node-GA_XZ]') });
  await child.waitFor();
  assert.match(await child.innerText(), /示范市公安局/);
  await shot(page, '08-department-tree');

  await page.goto(`${server.url}/system/users`);
  await page.locator('[data-test=user-table] .el-table__row').first().waitFor();
  await choose(page, page.locator('[data-test=user-filter-role]'), '部门数据专员');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-test=user-table] .el-table__body tr')];
    return rows.length > 0 && rows.every((r) => r.textContent?.includes('officer_'));
  });
  const lastLogins = await page.locator('[data-test=user-table] [data-test=user-last-login]').allInnerTexts();
  assert.ok(lastLogins.some((s) => /^\d{4}-\d{2}-\d{2} /.test(s)), lastLogins.join(', '));
  assert.ok(lastLogins.some((s) => s === '从未登录'), lastLogins.join(', '));
  await shot(page, '09-users-filtered');

  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
});
