// Browser test of the collect (汇) pages: register a dataset with data elements, upload a CSV with
// Chinese headers through the wizard, and see the counts, the quality report and the quarantine.
//   node --import tsx --test test/e2e/ingest.test.ts
// Screenshots of each step go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as ingest-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { logIn, openBrowser } from '../helpers/browser.ts';
import { startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Rebuild the console when a source under web/ is newer than the built web/dist/index.html. */

/** A screenshot; long pages are taken with a taller window (the console scrolls inside its main pane). */
async function shot(page: Page, name: string, height = 900): Promise<void> {
  if (height !== 900) {
    await page.setViewportSize({ width: 1440, height });
    await page.waitForTimeout(400); // charts follow the new size
  }
  await page.screenshot({ path: path.join(SHOTS, `ingest-${name}.png`), animations: 'disabled', style: '.el-message { visibility: hidden !important; }' });
  if (height !== 900) await page.setViewportSize({ width: 1440, height: 900 });
}

/** GB 11643 check character of the first 17 digits. */
function idCheck(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return '10X98765432'[sum % 11];
}
const id = (body17: string) => body17 + idCheck(body17);

/** Pick an option of an Element Plus select (its dropdown is teleported to <body>). */
async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click();
}

test('collect: register a dataset, upload a CSV through the wizard, see counts, quality and quarantine', { timeout: 300_000 }, async (t) => {
  const server = await startTestServer();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-ingest-e2e-'));
  t.after(async () => {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  // A department to own the dataset, made through the API.
  const api = async (method: string, p: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${p}`, {
      method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const { token } = await api('POST', '/auth/login', null, { username: 'admin', password: server.adminPassword });
  const gaj = await api('POST', '/departments', token, { code: 'GAJ', name: '市公安局', nameEn: 'Public Security Bureau', regionCode: '330102' });
  // the department's data officer does the collecting; the admin looks on later
  const officerPassword = 'gaj-officer-2026';
  await api('POST', '/users', token, { username: 'gaj_officer', displayName: '公安数据专员', password: officerPassword, role: 'officer', departmentId: gaj.id });

  // The file: UTF-8, Chinese headers, 6 good rows and 2 with a bad ID number.
  const good = ['11010519491231002', '33010219800101123', '33010619900315004', '44030519851120051', '51010719920228006', '32010219750607007'].map(id);
  const badChecksum = good[0].slice(0, 17) + (good[0][17] === '0' ? '1' : '0');
  const badBirth = id('33010219801345123'); // month 13
  const csv = [
    '身份证号,姓名,联系电话',
    `${good[0]},张三,13812345678`,
    `${good[1]},李四,13987654321`,
    `${badChecksum},王五,13700001111`,
    `${good[2]},赵六,15800002222`,
    `${good[3]},钱七,18600003333`,
    `${badBirth},孙八,13600004444`,
    `${good[4]},周九,17700005555`,
    `${good[5]},吴十,19900006666`,
  ].join('\n') + '\n';
  const file = path.join(tmp, '人口信息.csv');
  fs.writeFileSync(file, csv, 'utf8');

  const opened = await openBrowser(server.url, 30_000, t);
  const { page, outside, errors } = opened;

  // ---- log in
  await logIn(page, server.url, 'gaj_officer', officerPassword);

  // ---- 汇 · 数据集: register the dataset
  await page.locator('[data-test=menu-group-collect]').click();
  await page.locator('[data-test=menu-collectDatasets]').click();
  await page.waitForURL(/\/collect\/datasets/);
  await page.locator('[data-test=cds-table]').waitFor();
  await page.locator('[data-test=dataset-create]').click();
  const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test=ds-code]') });
  await dialog.waitFor();
  await page.locator('[data-test=ds-code]').fill('GAJ_PERSON');
  await page.locator('[data-test=ds-name]').fill('常住人口信息');
  // an officer registers for their own department: the choice is made for them
  assert.match(await page.locator('[data-test=ds-department]').innerText(), /市公安局（GAJ）/);
  await choose(page, page.locator('[data-test=ds-cycle]'), '每月');

  // field 1: 身份证号 with the ID element (name, title and level follow the element)
  await choose(page, page.locator('[data-test=ds-field-element-0]'), /公民身份号码/);
  assert.equal(await page.locator('[data-test=ds-field-name-0]').inputValue(), 'id_card');
  await page.locator('[data-test=ds-field-title-0]').fill('身份证号');
  await page.locator('[data-test=ds-field-required-0]').click();
  // field 2: 姓名
  await page.locator('[data-test=ds-field-add]').click();
  await page.locator('[data-test=ds-field-name-1]').fill('name');
  await page.locator('[data-test=ds-field-title-1]').fill('姓名');
  await choose(page, page.locator('[data-test=ds-field-sensitivity-1]'), 'L3');
  // field 3: 联系电话 with the mobile element
  await page.locator('[data-test=ds-field-add]').click();
  await page.locator('[data-test=ds-field-name-2]').fill('mobile');
  await page.locator('[data-test=ds-field-title-2]').fill('联系电话');
  await choose(page, page.locator('[data-test=ds-field-element-2]'), /手机号码/);
  // primary key: the ID number
  await choose(page, page.locator('[data-test=ds-pk]'), '身份证号（id_card）');
  await dialog.locator('.el-dialog__title').click(); // close the key dropdown
  await shot(page, '01-dataset-dialog');
  await page.locator('[data-test=ds-save]').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForURL(/\/datasets\/GAJ_PERSON/);
  await page.locator('[data-test=dataset-meta]').waitFor();

  // ---- upload wizard, step 1: the file
  await page.locator('[data-test=dataset-upload]').click();
  await page.waitForURL(/\/collect\/datasets\/GAJ_PERSON\/upload/);
  await page.locator('[data-test=upload-file] input[type=file]').setInputFiles(file);
  await page.locator('[data-test=upload-chosen]').filter({ hasText: '人口信息.csv' }).waitFor();
  // a primary key makes upsert the default mode
  assert.match(await page.locator('[data-test=upload-mode] .el-radio-button.is-active').innerText(), /按主键更新/);
  await shot(page, '02-wizard-file');

  // step 2: preview, detected encoding and delimiter, proposed mapping by Chinese title
  await page.locator('[data-test=upload-next]').click();
  await page.locator('[data-test=upload-step2]').waitFor();
  assert.match(await page.locator('[data-test=preview-encoding]').innerText(), /UTF-8/);
  assert.match(await page.locator('[data-test=preview-delimiter]').innerText(), /逗号/);
  const mapping = page.locator('[data-test=preview-mapping]');
  assert.match(await mapping.locator('[data-test="map-身份证号"]').innerText(), /身份证号（id_card）/);
  assert.match(await mapping.locator('[data-test="map-姓名"]').innerText(), /姓名（name）/);
  assert.match(await mapping.locator('[data-test="map-联系电话"]').innerText(), /联系电话（mobile）/);
  assert.equal(await page.locator('[data-test=preview-rows] .el-table__body tr').count(), 8);
  await shot(page, '03-wizard-preview', 1250);

  // step 3: run, and the result
  await page.locator('[data-test=upload-run]').click();
  const result = page.locator('[data-test=upload-result]');
  await result.waitFor({ timeout: 60_000 });
  assert.equal(await result.getAttribute('data-status'), 'succeeded', await result.innerText());
  const stat = (name: string) => page.locator(`[data-test=stat-${name}] .el-statistic__content`).innerText();
  assert.equal((await stat('read')).trim(), '8');
  assert.equal((await stat('accepted')).trim(), '6');
  assert.equal((await stat('rejected')).trim(), '2');
  assert.equal((await stat('version')).trim(), '1');
  await page.locator('[data-test=quality-radar] canvas').waitFor();
  const q = page.locator('[data-test=upload-quarantine] .el-table__body tr');
  await q.first().waitFor();
  const quarantined = await page.locator('[data-test=upload-quarantine]').innerText();
  assert.ok(quarantined.includes(badChecksum), quarantined);
  assert.ok(quarantined.includes(badBirth), quarantined);
  // the department's own officer sees the rejected values in clear, and the page says so
  await page.locator('[data-test=upload-quarantine-head] [data-test=mask-clear]').waitFor();
  await shot(page, '04-wizard-result', 1500);

  // ---- job detail: quality report and quarantine table
  await page.locator('[data-test=upload-job-link]').click();
  await page.waitForURL(/\/collect\/jobs\/[0-9a-f-]+$/);
  await page.locator('[data-test=job-detail] [data-test=job-status][data-status=succeeded]').waitFor();
  await page.locator('[data-test=quality-radar] canvas').waitFor();
  await page.locator('[data-test=quality-failures] canvas').waitFor();
  const rows = page.locator('[data-test=quarantine-table] .el-table__body tr.el-table__row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  const first = await rows.nth(0).innerText();
  assert.match(first, /^\s*3\s/); // data row number, the header not counted
  assert.match(first, /身份证号：校验位错误/); // the reason in words, beside the row as the file had it
  assert.ok(first.includes(badChecksum));
  assert.match(await rows.nth(1).innerText(), /出生日期无效/);
  await page.locator('[data-test=job-detail] [data-test=mask-clear]').waitFor();
  assert.equal(await page.locator('[data-test=job-download-rejected]').isVisible(), true);
  assert.equal(await page.locator('[data-test=job-retry]').isVisible(), true);
  await shot(page, '05-job-detail', 1800);

  // the rejected rows download as CSV
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=job-download-rejected]').click()]);
  const saved = path.join(tmp, 'rejected.csv');
  await download.saveAs(saved);
  const rejectedCsv = fs.readFileSync(saved, 'utf8');
  assert.ok(rejectedCsv.includes(badChecksum) && rejectedCsv.includes(badBirth), rejectedCsv);

  // ---- re-ingest the corrected rows: fix the two IDs in the downloaded file and send it back
  const fixed1 = id('11010519491231003');
  const fixed2 = id('33010219801231123');
  const corrected = path.join(tmp, '人口信息-更正.csv');
  fs.writeFileSync(corrected, rejectedCsv.replace(badChecksum, fixed1).replace(badBirth, fixed2), 'utf8');
  await page.locator('[data-test=job-retry]').click();
  await page.waitForURL(/\/upload\?retry=/);
  await page.locator('[data-test=retry-note]').waitFor();
  await page.locator('[data-test=upload-file] input[type=file]').setInputFiles(corrected);
  await page.locator('[data-test=upload-next]').click();
  await page.locator('[data-test=upload-step2]').waitFor();
  assert.match(await page.locator('[data-test="map-身份证号"]').innerText(), /身份证号（id_card）/);
  await page.locator('[data-test=upload-run]').click();
  await page.locator('[data-test=upload-result]').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('[data-test=upload-result]').getAttribute('data-status'), 'succeeded');
  assert.equal((await stat('accepted')).trim(), '2');
  assert.equal((await stat('rejected')).trim(), '0');
  assert.equal((await stat('version')).trim(), '2');
  await shot(page, '06-reingest-result', 1200);

  // a bad file is refused at the preview with the server's reason, and nothing is ingested
  const empty = path.join(tmp, '空文件.csv');
  fs.writeFileSync(empty, '');
  await page.getByRole('button', { name: '再传一个文件' }).click();
  await page.waitForURL((u) => !u.search.includes('retry'));
  await page.locator('[data-test=retry-note]').waitFor({ state: 'detached' });
  await page.locator('[data-test=upload-file] input[type=file]').setInputFiles(empty);
  await page.locator('[data-test=upload-next]').click();
  await page.locator('[data-test=preview-error]').waitFor();
  assert.match(await page.locator('[data-test=preview-error]').innerText(), /文件为空/);
  await shot(page, '06b-wizard-bad-file');

  // ---- job list
  await page.locator('[data-test=menu-ingestJobs]').click();
  await page.waitForURL(/\/collect\/jobs$/);
  const jobRow = page.locator('[data-test=jobs-table] .el-table__body tr').filter({ hasText: 'GAJ_PERSON' });
  await jobRow.nth(1).waitFor();
  assert.equal(await jobRow.count(), 2);
  // newest first: the re-ingest, then the first upload
  assert.match(await jobRow.nth(0).innerText(), /成功[\s\S]*人口信息-更正\.csv[\s\S]*重新导入/);
  assert.match(await jobRow.nth(1).innerText(), /成功[\s\S]*人口信息\.csv[\s\S]*8[\s\S]*6[\s\S]*2/);
  await shot(page, '07-jobs');

  // ---- the officer's dashboard: own department, today's work in the trend, and what is left to do
  await page.goto(`${server.url}/dashboard`);
  assert.equal((await page.locator('[data-test=dashboard-scope]').innerText()).trim(), '本部门');
  await page.locator('[data-test=stat-jobs] .stat-value').filter({ hasText: '2' }).waitFor();
  await page.locator('[data-test=chart-ingest] canvas').waitFor();
  await page.locator('[data-test=chart-quality] canvas').waitFor();
  await shot(page, '07b-dashboard-officer', 1100);

  // ---- dataset detail: quality tab and the cleaning settings
  await page.goto(`${server.url}/datasets/GAJ_PERSON?tab=quality`);
  await page.locator('[data-test=dataset-quality] [data-test=quality-radar] canvas').waitFor();
  await shot(page, '08-dataset-quality', 1400);
  await page.getByRole('tab', { name: '清洗与校验' }).click();
  await page.locator('[data-test=settings-table]').waitFor();
  await page.locator('[data-test=settings-switch-id_card-normalize]').waitFor();
  // switch a cleaning rule off and save: the server keeps it and the rule shows as changed
  await page.locator('[data-test=settings-switch-mobile-halfWidth]').click();
  await page.locator('[data-test=settings-save]').click();
  await page.locator('.el-message--success').first().waitFor();
  const mobileRow = page.locator('[data-test=settings-table] .el-table__body tr').filter({ hasText: '联系电话' });
  await mobileRow.locator('.el-tag').filter({ hasText: '已调整' }).waitFor();
  assert.equal(await page.locator('[data-test=settings-switch-mobile-halfWidth]').evaluate((el) => el.closest('.el-switch')?.classList.contains('is-checked')), false);
  await shot(page, '09-dataset-settings', 1100);

  // ---- standards: the table and "try a value" (the collect menu group is already open here; go by address)
  await page.goto(`${server.url}/collect/standards`);
  await page.locator('[data-test=std-table] .el-table__body tr').filter({ hasText: 'id_card' }).first().waitFor();
  await page.locator('[data-test=std-try-value]').fill(badChecksum);
  await page.locator('[data-test=std-try-check]').click();
  await page.locator('[data-test=std-try-result][data-ok=false]').waitFor();
  assert.match(await page.locator('[data-test=std-try-reason]').innerText(), /校验位错误/);
  await page.locator('[data-test=std-try-value]').fill(good[1]);
  await page.locator('[data-test=std-try-check]').click();
  await page.locator('[data-test=std-try-result][data-ok=true]').waitFor();
  await shot(page, '10-standards', 1300);

  // ---- the same job in English
  await page.goto(`${server.url}/collect/jobs?dataset=GAJ_PERSON`);
  await jobRow.nth(1).click();
  await page.locator('[data-test=quarantine-table] .el-table__body tr.el-table__row').first().waitFor();
  await page.locator('[data-test=lang-switch]').click();
  await page.locator('[data-test=lang-en]').click();
  await page.locator('[data-test=quarantine-table]').filter({ hasText: 'Wrong check digit' }).waitFor();
  assert.match(await page.locator('[data-test=quality-report]').innerText(), /Conformity[\s\S]*Uniqueness/);
  await shot(page, '11-job-detail-en', 1800);

  // ---- the platform admin (outside the department) sees the same rejected rows masked
  const jobUrl = page.url();
  const adminCtx = await opened.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const admin = await adminCtx.newPage();
  admin.on('pageerror', (e) => errors.push(String(e)));
  await logIn(admin, server.url, 'admin', server.adminPassword);
  await admin.goto(jobUrl);
  const adminRows = admin.locator('[data-test=quarantine-table] .el-table__body tr.el-table__row');
  await adminRows.first().waitFor();
  await admin.locator('[data-test=job-detail] [data-test=mask-masked]').waitFor();
  const masked = await admin.locator('[data-test=quarantine-table]').innerText();
  assert.ok(!masked.includes(badChecksum) && masked.includes(`${badChecksum.slice(0, 6)}********${badChecksum.slice(-4)}`), masked);
  await admin.locator('[data-test=quarantine-table]').scrollIntoViewIfNeeded();
  await admin.screenshot({ path: path.join(SHOTS, 'ingest-12-job-detail-admin-masked.png'), animations: 'disabled' });
  await adminCtx.close();

  assert.deepEqual(outside, [], 'requests left the server');
  assert.deepEqual(errors, [], 'errors in the page');
});
