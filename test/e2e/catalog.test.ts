// Browser tests of the resource catalog and the open-data portal, against the demo city:
//  - anonymous, on the portal: search in Chinese, open a dataset, download its CSV (UTF-8 with BOM,
//    the right Chinese text, no L3/L4 value);
//  - the review flow: an officer registers an entry and submits it, the admin returns it with a
//    reason, the officer reads the reason and submits again, the admin publishes it, and another
//    department's user finds it in the catalog search.
//   node --import tsx --test test/e2e/catalog.test.ts
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as catalog-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { officerName, DEMO_PASSWORD } from '../../src/demo/index.ts';
import { SMALL_CITY } from '../helpers/demoCity.ts';
import { logIn, openBrowser, confirmBox, switchUser as switchAs } from '../helpers/browser.ts';
import { login, startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `catalog-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}

const server = await startTestServer({ city: SMALL_CITY });
const demo = server.demo!;
test.after(() => server.close());

/**
 * Whether the server has the catalog search (`/catalog/search`, `/open/search`). Without it the
 * pages say the search is unavailable, and the tests reach the entries by their links instead.
 */
async function hasSearch(): Promise<boolean> {
  return (await fetch(`${server.url}/api/v1/open/search?q=x`)).ok;
}

/** Log out and log in as someone else (a demo account unless a password is given). */
const switchUser = (page: Page, username: string, password = DEMO_PASSWORD) => switchAs(page, server.url, username, password);

test('portal, anonymous: search in Chinese, open a dataset, download its CSV without any L3/L4 value', { timeout: 180_000 }, async (t) => {
  const { page, errors, outside, csp } = await openBrowser(server.url, 30_000, t);
  const CODE = 'CG_SRAJ'; // 市容环境案件: 上报人姓名 (L3) opened masked, 上报人电话 (L3) left out

  // what the department itself holds, in clear: the values open data must carry, and those it must not
  const officer = await login(server.app, officerName('CG'), DEMO_PASSWORD);
  const res = await server.app.inject({ method: 'GET', url: `/api/v1/datasets/${CODE}/rows?limit=500`, headers: officer });
  assert.equal(res.statusCode, 200, res.body);
  const clear = res.json() as { rows: Record<string, string | null>[]; basis: string };
  assert.equal(clear.basis, 'owner');
  assert.ok(clear.rows.length > 0, 'the demo city has cases');
  const phones = clear.rows.map((r) => r.sbrdh).filter((v): v is string => !!v && v.length >= 7);
  const names = clear.rows.map((r) => r.sbrxm).filter((v): v is string => !!v && v.length >= 3);
  assert.ok(phones.length > 0 && names.length > 0, 'the cases name and phone who reported them');

  // ---- home
  await page.goto(`${server.url}/portal`);
  await page.locator('[data-test=portal-stat-datasets] .stat-value').filter({ hasText: /[1-9]/ }).waitFor();
  await page.locator('[data-test=portal-chart-departments] canvas').waitFor();
  await page.locator('[data-test=portal-themes] .theme').first().waitFor();
  await shot(page, 'portal-01-home');
  assert.equal(await page.locator('[data-test=portal-login]').count(), 1, 'the portal links to the console login');

  // ---- search in Chinese
  if (await hasSearch()) {
    await page.locator('[data-test=portal-home-q]').fill('案件');
    await page.locator('[data-test=portal-home-search]').click();
    await page.waitForURL(/\/portal\/search\?q=/);
    await page.locator(`[data-test=result-${CODE}]`).waitFor();
    await page.locator('[data-test=facet-department]').waitFor();
    await shot(page, 'portal-02-search');
  } else t.diagnostic('no catalog search on this server: the dataset is opened from the latest list');

  // ---- the dataset's page
  await page.locator(`[data-test=result-link-${CODE}]`).first().click();
  await page.waitForURL(new RegExp(`/portal/datasets/${CODE}$`));
  await page.locator('[data-test=portal-fields] .el-table__body tr').first().waitFor();
  await page.locator('[data-test=portal-preview] .el-table__body tr').first().waitFor();
  const fieldsText = await page.locator('[data-test=portal-fields]').innerText();
  assert.match(fieldsText, /上报人姓名/, 'the masked field is listed');
  assert.doesNotMatch(fieldsText, /上报人电话/, 'the dropped field is not');
  await page.locator('[data-test=portal-masked-tag]').filter({ hasText: '已脱敏' }).first().waitFor();
  await shot(page, 'portal-03-dataset');
  const datapackage = await page.locator('[data-test=dev-datapackage]').getAttribute('href');
  assert.equal((await fetch(`${server.url}${datapackage}`)).status, 200, `${datapackage}`);

  // ---- download the CSV
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=portal-download-csv]').click()]);
  const file = await download.path();
  assert.ok(file, 'the download was saved');
  const bytes = fs.readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with the UTF-8 BOM');
  const csv = bytes.subarray(3).toString('utf8');
  const header = csv.split(/\r?\n/)[0];
  assert.deepEqual(header.split(','), ['ajbh', 'ajlx', 'fsdz', 'sbrq', 'sbrxm', 'clzt', 'jarq'], 'the open columns: the phone left out');
  // the Chinese text as the department holds it: case type and address of a case
  const known = clear.rows.find((r) => r.ajbh && r.fsdz && r.ajlx)!;
  const line = csv.split(/\r?\n/).find((l) => l.startsWith(`${known.ajbh},`));
  assert.ok(line, `the CSV holds the case ${known.ajbh}`);
  assert.ok(line.includes(known.ajlx!) && line.includes(known.fsdz!), `${line} holds ${known.ajlx} at ${known.fsdz}`);
  assert.match(csv, /[\u4e00-\u9fff]\*/, 'the reporter\'s name masked (张*明)');
  for (const p of phones) assert.ok(!csv.includes(p), `no reporter's phone in open data (${p.slice(0, 3)}…)`);
  for (const n of names) assert.ok(!csv.includes(n), 'no reporter\'s name in clear in open data');
  assert.match(download.suggestedFilename(), new RegExp(`^${CODE}-v\\d+\\.csv$`));

  // ---- the key application page: the terms must be accepted
  await page.locator('[data-test=portal-nav-apply]').click();
  await page.locator('[data-test=apply-form]').waitFor();
  assert.equal(await page.locator('[data-test=apply-submit]').isDisabled(), true, 'no application without accepting the terms');
  await page.locator('[data-test=apply-name]').fill('李明');
  await page.locator('[data-test=apply-organisation]').fill('示范大学城市研究所');
  await page.locator('[data-test=apply-email]').fill('liming@example.edu.cn');
  await page.locator('[data-test=apply-purpose]').fill('城市治理研究');
  await page.locator('[data-test=apply-accept]').click();
  await shot(page, 'portal-04-apply');
  await page.locator('[data-test=apply-submit]').click();
  const key = (await page.locator('[data-test=apply-key]').innerText()).trim();
  assert.match(key, /^gho_/);
  await shot(page, 'portal-05-key');

  // ---- developers
  await page.locator('[data-test=portal-nav-developer]').click();
  await page.locator('[data-test=dev-ckan]').waitFor();
  assert.equal(await page.locator('[data-test=dev-dcatTtl]').getAttribute('href'), '/catalog.ttl');
  for (const k of ['ckan', 'dcatTtl', 'dcatJsonld']) {
    const href = await page.locator(`[data-test=dev-${k}]`).getAttribute('href');
    const r = await fetch(`${server.url}${href}`);
    assert.equal(r.status, 200, `${k}: ${href} answers ${r.status}`);
  }

  // a deep link to the portal is served the app, not a 404
  const deep = await fetch(`${server.url}/portal/datasets/${CODE}`);
  assert.equal(deep.status, 200);
  assert.match(deep.headers.get('content-type') ?? '', /text\/html/);

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(csp, [], 'no Content-Security-Policy violation');
  assert.deepEqual(errors, [], 'errors in the page');
});

test('review: submit, return with a reason, resubmit, publish; another department then finds the entry', { timeout: 240_000 }, async (t) => {
  const { page, errors } = await openBrowser(server.url, 30_000, t);
  const [mine, other] = demo.manifest.departments;
  const CODE = 'E2E_CATALOG_ENTRY';
  const NAME = '端到端目录条目测试';
  const REASON = '请补充共享条件和联系电话';

  // ---- the officer registers the entry with its catalog metadata
  await logIn(page, server.url, officerName(mine.code), DEMO_PASSWORD);
  await page.goto(`${server.url}/collect/datasets`);
  await page.locator('[data-test=cds-table] .el-table__body tr').first().waitFor();
  await page.locator('[data-test=dataset-create]').click();
  const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test=ds-code]') });
  await dialog.waitFor();
  await page.waitForTimeout(400); // the dialog's opening animation
  await page.locator('[data-test=ds-code]').fill(CODE);
  await page.locator('[data-test=ds-name]').fill(NAME);
  await page.locator('[data-test=ds-field-name-0]').fill('bh');
  await page.locator('[data-test=ds-field-title-0]').fill('编号');
  await page.locator('[data-test=ds-catalog-toggle] .el-collapse-item__header').click();
  await page.locator('[data-test=ds-keywords]').waitFor({ state: 'visible' });
  await page.locator('[data-test=ds-keywords]').fill('端到端');
  await page.keyboard.press('Enter');
  await page.locator('[data-test=ds-contactName]').fill('王专员');
  await shot(page, 'review-01-editor');
  await page.locator('[data-test=ds-save]').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForURL(new RegExp(`/datasets/${CODE}$`));
  await page.locator('[data-test=entry-status]').filter({ hasText: '草稿' }).waitFor();

  // ---- submit
  await page.locator('[data-test=review-submit]').click();
  await confirmBox(page);
  await page.locator('[data-test=entry-status]').filter({ hasText: '待审核' }).waitFor();
  assert.equal(await page.locator('[data-test=review-submit]').count(), 0, 'submitted once');

  // ---- the admin returns it with a reason from the review queue
  await switchUser(page, 'admin', server.adminPassword);
  await page.goto(`${server.url}/share/review`);
  const row = page.locator('[data-test=review-table] .el-table__body tr').filter({ hasText: CODE });
  await row.waitFor();
  await shot(page, 'review-02-queue');
  await row.locator('[data-test=review-return]').click();
  await confirmBox(page, REASON);
  await row.waitFor({ state: 'detached' });

  // ---- the officer reads the reason and submits again
  await switchUser(page, officerName(mine.code));
  await page.goto(`${server.url}/datasets/${CODE}`);
  await page.locator('[data-test=entry-status]').filter({ hasText: '已退回' }).waitFor();
  assert.equal((await page.locator('[data-test=review-reason]').innerText()).trim(), REASON);
  await shot(page, 'review-03-returned');
  await page.locator('[data-test=review-submit]').click();
  await confirmBox(page);
  await page.locator('[data-test=entry-status]').filter({ hasText: '待审核' }).waitFor();

  // ---- the admin publishes it from the entry's page
  await switchUser(page, 'admin', server.adminPassword);
  await page.goto(`${server.url}/datasets/${CODE}`);
  await page.locator('[data-test=review-publish]').click();
  await confirmBox(page);
  await page.locator('[data-test=entry-status]').filter({ hasText: '已发布' }).waitFor();
  await page.locator('#tab-lineage').click();
  await page.locator('[data-test=lineage-chart] canvas').waitFor();
  await shot(page, 'review-04-published');

  // ---- another department's officer finds it in the catalog
  await switchUser(page, officerName(other.code));
  if (!(await hasSearch())) {
    t.diagnostic('no catalog search on this server: the published entry is opened by its link');
    await page.goto(`${server.url}/datasets/${CODE}`);
    await page.locator('[data-test=entry-status]').filter({ hasText: '已发布' }).waitFor();
    assert.deepEqual(errors, [], 'errors in the page');
    return;
  }
  await page.goto(`${server.url}/share/catalog`);
  await page.locator('[data-test=catalog-q]').fill('端到端');
  await page.locator('[data-test=catalog-search]').click();
  await page.locator(`[data-test=result-${CODE}]`).waitFor();
  assert.match(await page.locator(`[data-test=result-${CODE}] [data-test=result-status]`).innerText(), /已发布/);
  await shot(page, 'review-05-found');

  assert.deepEqual(errors, [], 'errors in the page');
});

test('open-data keys: the admin approves an application; the key then opens a conditional dataset on the portal', { timeout: 120_000 }, async (t) => {
  const { page, errors } = await openBrowser(server.url, 30_000, t);
  const CODE = 'SC_QYDJ'; // 市场主体登记信息: conditionally open
  const applied = await server.app.inject({
    method: 'POST', url: '/api/v1/open/keys',
    payload: { name: '赵敏', organisation: '示范数据科技有限公司', email: 'zhaomin@example.com', purpose: '企业名录核验', acceptTerms: true },
  });
  assert.equal(applied.statusCode, 201, applied.body);
  const { key } = applied.json() as { key: string };

  // pending: the portal says why it cannot read yet
  await page.goto(`${server.url}/portal/datasets/${CODE}`);
  await page.locator('[data-test=portal-conditional]').waitFor();
  assert.equal(await page.locator('[data-test=portal-download-csv]').count(), 0, 'no download without a key');
  await page.locator('[data-test=portal-apikey]').fill(key);
  await page.locator('[data-test=portal-apikey-use]').click();
  await page.locator('[data-test=portal-preview-error]').filter({ hasText: '审核' }).waitFor();

  // the admin approves it
  await page.evaluate(() => sessionStorage.clear());
  await logIn(page, server.url, 'admin', server.adminPassword);
  await page.goto(`${server.url}/share/open-keys`);
  const row = page.locator('[data-test=openkey-table] .el-table__body tr').filter({ hasText: 'zhaomin@example.com' });
  await row.waitFor();
  await shot(page, 'keys-01-pending');
  await row.locator('[data-test=openkey-approve]').click();
  await confirmBox(page);
  await row.locator('[data-test=openkey-row-status]').filter({ hasText: '已批准' }).waitFor();

  // the key opens the preview and the downloads
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${server.url}/portal/datasets/${CODE}`);
  await page.locator('[data-test=portal-apikey]').fill(key);
  await page.locator('[data-test=portal-apikey-use]').click();
  await page.locator('[data-test=portal-preview] .el-table__body tr').first().waitFor();
  assert.match(await page.locator('[data-test=portal-download-csv]').getAttribute('href') ?? '', /apikey=gho_/);
  await shot(page, 'keys-02-conditional-open');
  assert.deepEqual(errors, [], 'errors in the page');
});
