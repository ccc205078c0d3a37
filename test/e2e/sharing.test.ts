// Browser test of sharing between departments (转 · 共享) against the demo city, the whole loop:
//  - the 残疾人联合会 officer (B) opens 公安局's (A) conditional dataset, is refused the preview and requests
//    it from the dataset page: fields with their levels, purpose, a row filter built in the dialog;
//  - A's officer finds it under 待我审批 and approves it with a reason, one field fewer and a tighter mask;
//  - B calls it on the data-service page: rows shown, ID numbers and names masked, the dropped field absent,
//    the nulled field empty; the read shows in the grant's usage;
//  - A revokes the grant; B's next call fails with a clear message;
//  - a citizen whose rows B read sees that read on 谁用了我的数据.
//   node --import tsx --test test/e2e/sharing.test.ts
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as sharing-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { officerName, DEMO_PASSWORD } from '../../src/demo/index.ts';
import { SMALL_CITY } from '../helpers/demoCity.ts';
import { logIn, openBrowser, confirmBox, switchUser as switchAs } from '../helpers/browser.ts';
import { login, startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const A = 'GA'; // 公安局, provider of 户籍人口信息
const B = 'CL'; // 残疾人联合会, the consumer (the demo city gives it no grant on A's register)
const CODE = 'GA_HJRK';
const PURPOSE = '困难残疾人生活补贴资格核对，依据《示范市残疾人两项补贴办法》';
const REASON = '同意用于残疾人补贴核对，不提供联系电话，户籍地址不予显示';
const REVOKE = '核对工作已结束';
const CITIZEN = { username: 'citizen_e2e', password: 'citizen-pass-2026' };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `sharing-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}

const server = await startTestServer({ city: SMALL_CITY });
test.after(() => server.close());
const api = (method: string, url: string, headers: Record<string, string>, payload?: unknown) =>
  server.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers, payload: payload as object });

/** Log out and log in as someone else (a demo account unless a password is given). */
const switchUser = (page: Page, username: string, password = DEMO_PASSWORD) => switchAs(page, server.url, username, password);

/** Pick an option of an Element Plus select by its visible text. */
async function choose(page: Page, select: Locator, text: string | RegExp): Promise<void> {
  await select.click();
  const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first();
  await option.waitFor();
  await option.click();
}

test('sharing: request → approve narrower → read masked on the data service → usage → revoke → refused; the citizen sees the read', { timeout: 300_000 }, async (t) => {
  const { page, errors, outside } = await openBrowser(server.url, 30_000, t);

  // ---- a person of A's register, in clear as A holds them, linked to a citizen account
  const officerA = await login(server.app, officerName(A), DEMO_PASSWORD);
  const held = await api('GET', `/datasets/${CODE}/rows?limit=1`, officerA);
  assert.equal(held.statusCode, 200, held.body);
  const person = held.json().rows[0] as Record<string, string>;
  assert.match(person.gmsfhm, /^\d{17}[\dX]$/);
  const admin = await login(server.app, 'admin', server.adminPassword);
  const made = await api('POST', '/users', admin, { ...CITIZEN, displayName: person.xm, role: 'citizen', idNumber: person.gmsfhm });
  assert.equal(made.statusCode, 201, made.body);

  // ---- B is refused the preview and requests the dataset from its page
  await logIn(page, server.url, officerName(B), DEMO_PASSWORD);
  await page.goto(`${server.url}/datasets/${CODE}`);
  await page.locator('[data-test=preview-forbidden]').waitFor();
  await shot(page, '00-dataset-refused');
  await page.locator('[data-test=preview-request]').click();
  const request = page.locator('.el-dialog').filter({ has: page.locator('[data-test=request-submit]') });
  await request.waitFor();
  await request.locator('[data-test=request-share-type]').filter({ hasText: '有条件共享' }).waitFor();
  await page.waitForTimeout(400); // the dialog's opening animation
  for (const f of ['gmsfhm', 'xm', 'xb', 'csrq', 'hjdz', 'lxdh']) await request.locator(`[data-test=field-${f}]`).click();
  assert.match(await request.locator('[data-test=field-picker]').innerText(), /L4 高度敏感/, 'each field shows its level');
  await request.locator('[data-test=request-purpose]').fill(PURPOSE);
  await request.locator('[data-test=request-filter-add]').click();
  const line = request.locator('[data-test=request-filter-line]').first();
  await choose(page, line.locator('[data-test=filter-field]'), '性别 (xb)');
  await line.locator('[data-test=filter-value]').fill(person.xb);
  await shot(page, '01-request-dialog');
  await request.locator('[data-test=request-submit]').click();
  await request.waitFor({ state: 'hidden' });
  await page.waitForURL(/\/share\/requests/);
  const mine = page.locator('[data-test=request-table] .el-table__body tr').filter({ hasText: CODE }).first();
  await mine.locator('[data-test=request-row-status]').filter({ hasText: '待审批' }).waitFor();
  await mine.locator('[data-test=request-row-due]').filter({ hasText: /剩余 \d+ 个工作日/ }).waitFor();
  await shot(page, '02-my-requests');

  // ---- the admin chases overdue requests: one made overdue here (its due date moved back) is flagged
  await server.p.db.query(`UPDATE share_requests SET due_at = now() - interval '3 days' WHERE purpose = $1`, [PURPOSE]);
  await switchUser(page, 'admin', server.adminPassword);
  await page.goto(`${server.url}/share/requests?side=all`);
  await page.locator('[data-test=request-overdue]').click();
  const late = page.locator('[data-test=request-table] .el-table__body tr.overdue-row').filter({ hasText: CODE }).first();
  await late.locator('[data-test=request-row-overdue]').waitFor();
  await late.locator('[data-test=request-row-due]').filter({ hasText: /已超期/ }).waitFor();
  assert.match(page.url(), /overdue=true/);
  await shot(page, '03-admin-overdue');
  await page.goto(`${server.url}/share/alerts`);
  await page.locator('[data-test=alerts-table]').waitFor();

  // ---- A approves it from 待我审批: a reason, no phone, the address nulled
  await switchUser(page, officerName(A));
  // ---- A scans its own register for personal information: the ID number column is found, L4 suggested
  await page.goto(`${server.url}/datasets/${CODE}`);
  await page.locator('#tab-fields').click();
  await page.locator('[data-test=pii-scan-run]').click();
  const idRow = page.locator('[data-test=pii-scan-table] .el-table__body tr').filter({ hasText: 'gmsfhm' }).first();
  await idRow.waitFor();
  assert.match(await idRow.innerText(), /身份证号[\s\S]*L4/);
  await shot(page, '01b-pii-scan');
  await page.goto(`${server.url}/share/requests`);
  await page.locator('[data-test=request-side-incoming]').click();
  const incoming = page.locator('[data-test=request-table] .el-table__body tr').filter({ hasText: PURPOSE.slice(0, 6) }).first();
  await incoming.waitFor();
  await incoming.locator('[data-test=request-approve]').click();
  const approve = page.locator('.el-dialog').filter({ has: page.locator('[data-test=approve-submit]') });
  await approve.waitFor();
  await page.waitForTimeout(400);
  await approve.locator('[data-test=approve-summary]').filter({ hasText: PURPOSE }).waitFor();
  await approve.locator('[data-test=approve-reason]').fill(REASON);
  await approve.locator('[data-test=field-lxdh]').click();
  await choose(page, approve.locator('[data-test=mask-hjdz]'), '置空');
  assert.equal(await approve.locator('[data-test=approve-filter-line]').count(), 1, 'the requested filter is carried into the decision');
  await shot(page, '04-approve-dialog');
  await approve.locator('[data-test=approve-submit]').click();
  await approve.waitFor({ state: 'hidden' });
  await incoming.locator('[data-test=request-row-status]').filter({ hasText: '已批准' }).waitFor();

  // ---- B calls the data service: rows, masked as granted
  await switchUser(page, officerName(B));
  await page.goto(`${server.url}/share/services?dataset=${CODE}`);
  await page.locator('[data-test=service-grant]').filter({ hasText: '置空' }).waitFor();
  assert.match(await page.locator('[data-test=service-endpoint]').innerText(), new RegExp(`/api/v1/data/${CODE}$`));
  await page.locator('[data-test=try-run]').click();
  const rows = page.locator('[data-test=try-rows] .el-table__body tr');
  await rows.first().waitFor();
  const ids = await page.locator('[data-test=try-rows] [data-col=gmsfhm]').allInnerTexts();
  assert.ok(ids.length > 0);
  for (const id of ids) assert.match(id, /^\d{6}\*+\d{3}[\dX]$/, `ID numbers masked: ${id}`);
  for (const n of await page.locator('[data-test=try-rows] [data-col=xm]').allInnerTexts()) assert.match(n, /\*/, `names masked: ${n}`);
  for (const a of await page.locator('[data-test=try-rows] [data-col=hjdz]').allInnerTexts()) assert.equal(a, '', 'the address nulled');
  for (const s of await page.locator('[data-test=try-rows] [data-col=xb]').allInnerTexts()) assert.equal(s, person.xb, 'only the requested rows');
  assert.equal(await page.locator('[data-test=try-rows] [data-col=lxdh]').count(), 0, 'the phone was not granted');
  const text = await page.locator('[data-test=service-try]').innerText();
  assert.ok(!text.includes(person.gmsfhm) && !text.includes(person.xm), 'no value in clear');
  await rows.last().scrollIntoViewIfNeeded();
  await shot(page, '05-data-service');
  // the call as curl, and the per-dataset OpenAPI: only the granted fields, the masked ones said so
  await page.locator('#tab-curl').click();
  assert.match(await page.locator('[data-test=service-curl]').innerText(), /curl -H "Authorization: Bearer \$GOVHUB_TOKEN"/);
  await page.locator('#tab-openapi').click();
  await page.locator('[data-test=service-params] .el-table__body tr').first().waitFor();
  const documented = await page.locator('[data-test=service-fields]').innerText();
  assert.match(documented, /gmsfhm[\s\S]*脱敏：id/);
  assert.doesNotMatch(documented, /lxdh/);
  await shot(page, '05b-openapi');
  // a sort on a masked field would reveal it: refused, the problem naming the parameter at fault
  await page.locator('#tab-try').click();
  await page.locator('[data-test=try-sort]').fill('gmsfhm');
  await page.locator('[data-test=try-run]').click();
  await page.locator('[data-test=service-try] [data-test=problem-field]').filter({ hasText: 'sort' }).waitFor();
  await page.locator('[data-test=try-sort]').fill('');

  // ---- the read is in the grant's usage
  await page.goto(`${server.url}/share/grants`);
  const held1 = page.locator('[data-test=grant-table] .el-table__body tr').filter({ hasText: CODE }).first();
  await held1.locator('[data-test=grant-row-status]').filter({ hasText: '生效中' }).waitFor();
  assert.match(await held1.innerText(), /户籍地址 · 置空|hjdz · 置空/);
  await held1.locator('[data-test=grant-detail]').click();
  const totals = page.locator('[data-test=grant-usage-totals]');
  await totals.filter({ hasText: /调用 [1-9]\d* 次/ }).waitFor();
  await page.locator('[data-test=grant-usage] canvas').waitFor();
  await page.waitForTimeout(1500); // the chart's drawing animation
  await shot(page, '06-grant-usage');

  // ---- A revokes
  await switchUser(page, officerName(A));
  await page.goto(`${server.url}/share/grants?side=given`);
  const given = page.locator('[data-test=grant-table] .el-table__body tr').filter({ hasText: '残疾人联合会' }).first();
  await given.locator('[data-test=grant-revoke]').click();
  await confirmBox(page, REVOKE);
  await given.locator('[data-test=grant-row-status]').filter({ hasText: '已撤销' }).waitFor();
  await shot(page, '07-revoked');

  // ---- B's next read is refused, and says why
  await switchUser(page, officerName(B));
  await page.goto(`${server.url}/share/services?dataset=${CODE}`);
  await page.locator('[data-test=try-run]').click();
  const refused = page.locator('[data-test=service-try] [data-test=problem-detail]');
  await refused.waitFor();
  assert.match(await refused.innerText(), /需要共享授权|已撤销/);
  assert.equal(await page.locator('[data-test=try-rows]').count(), 0, 'no rows shown');
  await shot(page, '08-refused');

  // ---- the analyst SQL page answers with rows or a problem naming what is wrong
  await page.goto(`${server.url}/share/sql`);
  await page.locator('[data-test=sql-run]').click();
  await page.locator('[data-test=sql-result], [data-test=problem]').first().waitFor();
  await shot(page, '09-sql');

  // ---- the citizen sees B's read of their rows
  await switchUser(page, CITIZEN.username, CITIZEN.password);
  await page.goto(`${server.url}/me/data-uses`);
  await page.locator('[data-test=data-uses-explain]').waitFor();
  const use = page.locator('[data-test=data-uses-table] .el-table__body tr').filter({ hasText: '残疾人联合会' }).first();
  await use.waitFor();
  assert.match(await use.innerText(), /户籍人口信息/);
  assert.match(await use.innerText(), /残疾人生活补贴/);
  await shot(page, '10-citizen-data-uses');
  await page.locator('[data-test=lang-switch]').click();
  await page.locator('[data-test=lang-en]').click();
  await page.locator('.page-header h2').filter({ hasText: 'Who used my data' }).waitFor();
  await page.locator('[data-test=data-uses-table] th').filter({ hasText: 'Purpose' }).waitFor();

  // ---- the officers' pages in English too (the language stays chosen across the log-in)
  await switchUser(page, officerName(A));
  await page.goto(`${server.url}/share/requests?side=incoming`);
  await page.locator('[data-test=request-row-status]').filter({ hasText: 'Approved' }).first().waitFor();
  await shot(page, '11-en-requests');
  await page.goto(`${server.url}/share/grants?side=given`);
  await page.locator('[data-test=grant-row-status]').filter({ hasText: 'Revoked' }).first().waitFor();
  await page.locator('[data-test=grant-detail]').first().click();
  await page.locator('[data-test=grant-usage-totals]').filter({ hasText: /Last 30 days/ }).waitFor();
  await page.waitForTimeout(1500);
  await shot(page, '12-en-grant');

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(errors, [], 'errors in the page');
});
