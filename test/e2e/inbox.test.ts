// Browser test of push (推) in the console, on a small city made through the API: 民政局 keeps the elderly
// residents (MZ_LR) and a push rule finds those of 80 and over (高龄津贴); two citizens' accounts are linked to
// the ID numbers of 王大爷 (80+) and 孙叔叔 (79).
//  - 民政局's officer defines the push rule in the editor (a filter with an age condition, the subject column,
//    the notice with {{xm}}), dry-runs it (2), saves it and runs it from the list;
//  - she opens 推送核查: the candidates await the second check; she approves them in bulk and they are sent;
//  - 王大爷 logs in, opens 我的消息: one unread notice with his name; he marks it read and accepts it;
//  - 孙叔叔 (not eligible) has no messages; he opts out of all notices and takes it back;
//  - the outcome page's push funnel counts the notices from candidate to accepted.
//   node scripts/test.mjs test/e2e/inbox
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as inbox-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chineseLabels, choose, confirmBox, logIn, openBrowser, switchUser } from '../helpers/browser.ts';
import { id } from '../helpers/city.ts';
import { apiJson, login, startTestServer } from '../helpers/server.ts';
import { upload } from '../helpers/upload.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const PASSWORD = 'inbox-console-2026';

const TITLE = '{{xm}}，您可申领高龄津贴';

/** The input of the Element Plus control `test` (the attribute lands on the input itself or on its wrapper). */
const input = (page: Page, test: string) => page.locator(`input[data-test=${test}], [data-test=${test}] input`).first();
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `inbox-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}

const server = await startTestServer();
test.after(() => server.close());
const call = apiJson(server.app);

test('推送核查 and 我的消息: approve in bulk, the citizen reads and accepts, opt-out, funnel', { timeout: 300_000 }, async (t) => {
  const admin = await login(server.app, 'admin', server.adminPassword);
  const mz = (await call<{ id: string }>('POST', '/departments', admin, { code: 'MZ', name: '民政局', regionCode: '330102' })).id;
  await call('POST', '/users', admin, { username: 'mz_officer', displayName: '民政局数据专员', password: PASSWORD, role: 'officer', departmentId: mz });
  await call('POST', '/users', admin, { username: 'wang', displayName: '王大爷', password: PASSWORD, role: 'citizen', idNumber: id(1) });
  await call('POST', '/users', admin, { username: 'sun', displayName: '孙叔叔', password: PASSWORD, role: 'citizen', idNumber: id(5) });
  const mzAuth = await login(server.app, 'mz_officer', PASSWORD);
  await call('POST', '/datasets', mzAuth, {
    code: 'MZ_LR', name: '老年人信息', departmentId: mz, primaryKey: ['gmsfhm'], fields: [
      { name: 'gmsfhm', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
      { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3' },
      { name: 'csrq', title: '出生日期', type: 'date', sensitivity: 'L2' },
    ],
  });
  await call('POST', '/datasets/MZ_LR/submit', mzAuth);
  await call('POST', '/datasets/MZ_LR/publish', admin);
  const up = await upload(server.app, '/datasets/MZ_LR/ingest', mzAuth, 'lr.csv', `身份证号,姓名,出生日期\n${id(1)},王大爷,1930-01-02\n${id(2)},李奶奶,1940-03-04\n${id(5)},孙叔叔,1944-07-01\n`);
  assert.equal(up.json().status, 'succeeded', up.body);
  const { page, errors, outside } = await openBrowser(server.url, 20_000, t);

  // ---- 民政局's officer defines the push rule in the editor: people of 80 and over on 2024-06-30, told by a notice with their name
  await logIn(page, server.url, 'mz_officer', PASSWORD);
  await page.goto(`${server.url}/apps/rules/new`);
  await page.locator('[data-test=rule-kind-push]').click();
  await page.locator('[data-test=rule-code-input]').fill('GLJT');
  await page.locator('[data-test=rule-name]').fill('高龄津贴');
  await input(page, 'rule-as-of').fill('2024-06-30');
  await input(page, 'rule-as-of').press('Enter');
  await choose(page, 'rule-a-dataset', '老年人信息');
  await page.locator('[data-test=rule-a-age-on]').click();
  await choose(page, 'rule-a-age-field', '出生日期');
  await input(page, 'rule-a-age-gte').fill('80');
  await choose(page, 'rule-key', '身份证号');
  await choose(page, 'rule-subject', '身份证号');
  await page.locator('[data-test=rule-notice-title]').fill(TITLE);
  await page.locator('[data-test=rule-notice-body]').fill('经核对，您已年满 80 周岁，可申领高龄津贴。');
  await page.locator('[data-test=rule-dry-run]').click();
  assert.equal(await page.locator('[data-test=rule-dry-result]').getAttribute('data-keys'), '2', 'two people of 80 and over');
  await page.locator('[data-test=rule-save]').click();
  await page.waitForURL(/\/apps\/rules\/[0-9a-f-]{36}$/);
  const saved = await call<{ kind: string; asOf: string; subject: object; action: { notice: { title: string } } }>('GET', '/rules/GLJT', mzAuth);
  assert.deepEqual([saved.kind, saved.asOf, saved.subject, saved.action.notice.title], ['push', '2024-06-30', { field: 'gmsfhm', kind: 'person' }, TITLE]);
  await shot(page, '00-rule');

  // ---- she runs it from the list and checks its candidates in 推送核查
  await page.goto(`${server.url}/apps/rules`);
  await page.locator('[data-test=rule-run-GLJT]').click();
  await page.locator('[data-test=rule-table] [data-test=rule-run-counts] [data-count=new]').filter({ hasText: '2' }).waitFor();
  await page.locator('[data-test=menu-group-apply]').click();
  await page.locator('[data-test=menu-push]').click();
  const rows = page.locator('[data-test=push-table] .el-table__body-wrapper tr.el-table__row');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  assert.equal(await rows.locator('[data-test=push-row-status][data-status=candidate]').count(), 2);
  await page.locator('[data-test=push-table] .el-table__header .el-checkbox').click();
  await shot(page, '01-candidates');
  await page.locator('[data-test=push-approve]').click();
  await page.locator('.el-message--success').filter({ hasText: '发送 2 条' }).waitFor();
  // the list still shows candidates: none left
  await page.locator('[data-test=push-table] .el-table__empty-block').waitFor();
  await page.locator('[data-test=push-filter-status]').click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已发送' }).click();
  await rows.nth(1).waitFor();
  assert.equal(await rows.locator('[data-test=push-row-status][data-status=sent]').count(), 2);
  await shot(page, '02-sent');

  // ---- 王大爷 reads his notice and accepts it
  await switchUser(page, server.url, 'wang', PASSWORD);
  await page.locator('[data-test=menu-inbox]').click();
  const item = page.locator('[data-test=inbox-item]');
  await item.waitFor();
  assert.equal(await item.count(), 1);
  assert.match(await item.innerText(), /王大爷，您可申领高龄津贴/);
  assert.equal(await page.locator('[data-test=inbox-unread]').getAttribute('data-n'), '1');
  await shot(page, '03-inbox');
  await item.locator('[data-test=inbox-read]').click();
  await page.locator('[data-test=inbox-item][data-status=read]').waitFor();
  assert.equal(await page.locator('[data-test=inbox-unread]').getAttribute('data-n'), '0');
  await item.locator('[data-test=inbox-accept]').click();
  await item.locator('[data-test=inbox-outcome]').filter({ hasText: '已接受' }).waitFor();
  assert.equal(await item.locator('[data-test=inbox-accept]').count(), 0, 'answered once');
  await shot(page, '04-accepted');

  // ---- 孙叔叔 has nothing; he opts out of all notices, then takes it back
  await switchUser(page, server.url, 'sun', PASSWORD);
  await page.goto(`${server.url}/me/inbox`);
  await page.locator('[data-test=inbox-list] .el-empty').waitFor();
  await page.locator('[data-test=inbox-opt-out-all]').click();
  await confirmBox(page);
  await page.locator('[data-test=inbox-opt-out-item]').waitFor();
  assert.equal((await call<unknown[]>('GET', '/inbox/opt-outs', await login(server.app, 'sun', PASSWORD))).length, 1);
  await page.locator('[data-test=inbox-opt-in]').click();
  await page.locator('[data-test=inbox-opt-out-all]').waitFor();
  assert.equal(await page.locator('[data-test=inbox-opt-out-item]').count(), 0);

  // ---- the funnel: 2 candidates, 2 approved and sent, 1 read, 1 accepted
  await switchUser(page, server.url, 'mz_officer', PASSWORD);
  await page.goto(`${server.url}/apps/outcomes`);
  const funnel = page.locator('[data-test=outcome-push]');
  await funnel.locator('canvas').waitFor();
  const cells = await funnel.locator('.el-table__body tr').first().locator('td').allInnerTexts();
  assert.deepEqual(cells.map((c) => c.trim()).slice(1), ['2', '2', '1', '1']);
  await shot(page, '05-funnel');

  // ---- in English, the push check, the outcomes and the inbox show no Chinese label (data excepted)
  await page.locator('[data-test=lang-switch]').click();
  await page.locator('[data-test=lang-en]').click();
  await page.locator('[data-test=lang-en]').waitFor({ state: 'hidden' });
  await funnel.locator('.el-card__header').filter({ hasText: 'Push funnel' }).waitFor();
  assert.deepEqual(await chineseLabels(page), [], 'the outcomes in English');
  await page.goto(`${server.url}/apps/push?rule=GLJT`);
  await rows.nth(1).waitFor();
  assert.deepEqual(await chineseLabels(page), [], 'the push check in English');
  await switchUser(page, server.url, 'wang', PASSWORD);
  await page.goto(`${server.url}/me/inbox`);
  await item.waitFor();
  assert.deepEqual(await chineseLabels(page), [], 'the inbox in English');

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(errors, [], 'errors in the page');
});
