// Browser test of 案件办理 (citizen reports: 12345, web, grid) in the console, on a small city made through
// the API — the demo city's geography, 市民热线服务中心 (RX) named the dispatch centre with its dispatcher
// (officer) and a hotline operator (handler), 城市管理局 (CG) with an officer and a handler, the classifier
// trained on the built-in categories' keywords:
//  - a citizen on /report, without an account and at a phone's size (no sideways scroll), writes what is
//    wrong, adds a photo, picks the place on the map and leaves a phone: the case number is shown;
//  - the hotline operator takes a call from the same phone on /cases/intake: the caller's history lists the
//    first report, the proposal follows the text, Ctrl+Enter takes it in and warns of the duplicate;
//  - the dispatcher on /cases/dispatch sees both, the proposed category and department; merges the call into
//    the citizen's report from the side panel and dispatches that with one key (to CG as proposed);
//  - CG's handler on /cases/handle accepts it and answers with the category's answer template adapted;
//  - the citizen on /track (number + phone) sees the answer and rates it 满意: the case is 已办结 on its page,
//    with every step on the timeline; /cases/stats draws its charts and counts the case.
//   node scripts/test.mjs test/e2e/cases
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as cases-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chineseLabels, confirmBox, logIn, openBrowser, switchUser } from '../helpers/browser.ts';
import { apiJson, login, startTestServer } from '../helpers/server.ts';
import { loadDemoGeography } from '../../src/demo/index.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const PASSWORD = 'cases-console-2026';
const TEXT = '小区门口垃圾堆积多日无人清运，气味很大';
const CALL = '我们小区门口的垃圾好几天没人清运了，堆在那里很臭';
const PHONE = '13912345678';
const ANSWER_NOTE = '已安排环卫作业单位于当日清运完毕，并加密该点位的清运频次。';
/** A 2×2 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVQI12P8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `cases-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}
/** The input of the Element Plus control `test` (the attribute lands on the input itself or on its wrapper). */
const input = (page: Page, test: string) => page.locator(`input[data-test=${test}], textarea[data-test=${test}], [data-test=${test}] input, [data-test=${test}] textarea`).first();

const server = await startTestServer({ demo: async (p) => { await loadDemoGeography(p, { password: PASSWORD }); } });
test.after(() => server.close());
const call = apiJson(server.app);
type As = { authorization: string };

test('案件: report → intake with duplicate → merge, dispatch → accept, answer → track, rate → closed; stats', { timeout: 420_000 }, async (t) => {
  const admin = await login(server.app, 'admin', server.adminPassword);
  const dept = async (code: string, name: string) => (await call<{ id: string }>('POST', '/departments', admin, { code, name, regionCode: '330102' })).id;
  const rx = await dept('RX', '市民热线服务中心');
  const cg = await dept('CG', '城市管理局');
  const user = (username: string, displayName: string, role: string, departmentId: string) =>
    call('POST', '/users', admin, { username, displayName, password: PASSWORD, role, departmentId });
  await user('rx_dispatcher', '分拨员小李', 'officer', rx);
  await user('rx_operator', '话务员小王', 'handler', rx);
  await user('cg_officer', '城管局专员', 'officer', cg);
  await user('cg_handler', '城管局办事员', 'handler', cg);
  const centre = await server.app.inject({ method: 'PUT', url: '/api/v1/cases/centre', headers: admin, payload: { departmentId: rx } });
  assert.equal(centre.statusCode, 204, centre.body);
  const categories = await call<{ code: string; name: string; department: { id: string } | null }[]>('GET', '/case-categories', admin);
  assert.ok(categories.length > 20, 'the built-in categories are there');
  const model = await call<{ examples: number; categories: number }>('POST', '/cases/classifier/train', admin);
  assert.ok(model.categories >= 2, 'the keywords make a first model');
  // the proposal for the citizen's words: routed to CG (the category's own department, or a rule naming it)
  const proposed = await call<{ category: string; department: string | null; candidates: unknown[] }>('POST', '/cases/suggest', admin, { text: TEXT });
  assert.ok(proposed.category && proposed.candidates.length > 0, 'the classifier proposes a category');
  if (proposed.department !== cg) await call('POST', '/case-routes', admin, { category: proposed.category, departmentId: cg });
  const categoryName = categories.find((c) => c.code === proposed.category)!.name;

  const { page, errors, outside } = await openBrowser(server.url, 20_000, t);
  const as = (username: string) => switchUser(page, server.url, username, PASSWORD);

  // ---- 我要反映: a citizen at a phone's size, no login; the login page links to it
  await page.goto(`${server.url}/login`);
  await page.locator('[data-test=login-report]').click();
  await page.waitForURL(/\/report$/);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-test=case-report]').waitFor();
  assert.equal(await page.locator('[data-test=case-report-submit]').isDisabled(), true, 'nothing to send yet');
  await input(page, 'case-report-text').fill(TEXT);
  await page.locator('[data-test=case-report-photo-input]').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('[data-test=case-report-photo]').waitFor();
  // the place, picked on the city's own map (no tiles): a click in the middle of the city
  await page.locator('[data-test=case-map-toggle]').click();
  const map = page.locator('[data-test=case-map] canvas').first();
  await map.waitFor();
  await page.waitForTimeout(800);
  const box = (await map.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('[data-test=case-picked]').waitFor();
  assert.match(await page.locator('[data-test=case-picked]').innerText(), /\d+\.\d{5}, \d+\.\d{5}/);
  await input(page, 'case-address').fill('幸福小区南门');
  await input(page, 'case-report-phone').fill(PHONE);
  await input(page, 'case-report-name').fill('张女士');
  // nothing wider than the phone: no sideways scroll
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `the report page scrolls ${over} px sideways at 390 px`);
  await shot(page, '01-report-phone');
  await page.locator('[data-test=case-report-submit]').click();
  const codeEl = page.locator('[data-test=case-report-code]');
  await codeEl.waitFor();
  const code = (await codeEl.innerText()).trim();
  assert.match(code, /^AJ-\d{8}-\d{5}$/);
  const over2 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over2 <= 0, `the result scrolls ${over2} px sideways at 390 px`);
  await shot(page, '02-report-done');
  const list = await call<{ items: { id: string; code: string; channel: string; status: string; lng: number | null; gridCode: string | null }[] }>('GET', '/cases?scope=all', admin);
  const reported = list.items.find((c) => c.code === code)!;
  assert.ok(reported, 'the case is there');
  assert.equal(reported.channel, 'web');
  assert.equal(reported.status, 'pending');
  assert.ok(reported.lng !== null && reported.gridCode, 'the picked point is on a grid cell');
  const id = reported.id;
  const first = await call<{ photos: unknown[]; address: string; reporter: { phone: string } }>('GET', `/cases/${id}`, admin);
  assert.equal(first.photos.length, 1, 'the photo came with the upload key');
  assert.equal(first.address, '幸福小区南门');
  assert.equal(first.reporter.phone, PHONE);
  await page.setViewportSize({ width: 1440, height: 900 });

  // ---- 热线受理: the same caller rings; history, proposal, Ctrl+Enter, duplicate warning
  await logIn(page, server.url, 'rx_operator', PASSWORD);
  await page.goto(`${server.url}/cases/intake`);
  await input(page, 'case-intake-phone').fill(PHONE);
  await input(page, 'case-intake-name').click();
  await page.locator('[data-test=case-caller-item]').filter({ hasText: code }).waitFor();
  assert.equal(await input(page, 'case-intake-name').inputValue(), '张女士', 'the caller\'s name from the history');
  await input(page, 'case-intake-text').fill(CALL);
  await page.locator('[data-test=case-suggest-chip]').first().waitFor();
  await input(page, 'case-intake-text').press('Control+Enter');
  const callCode = (await page.locator('[data-test=case-intake-code]').innerText()).trim();
  assert.match(callCode, /^AJ-\d{8}-\d{5}$/);
  assert.notEqual(callCode, code);
  await page.locator('[data-test=case-intake-duplicates] [data-test=case-duplicate]').filter({ hasText: code }).waitFor();
  assert.equal(await input(page, 'case-intake-text').inputValue(), '', 'the form is clear for the next call');
  assert.equal(await input(page, 'case-intake-phone').inputValue(), '');
  await shot(page, '03-intake');

  // ---- 分拨工作台: merge the call into the report, dispatch the report with one key
  await as('rx_dispatcher');
  await page.goto(`${server.url}/cases/dispatch`);
  const item = page.locator(`[data-test=case-queue-item][data-code="${code}"]`);
  const callItem = page.locator(`[data-test=case-queue-item][data-code="${callCode}"]`);
  await item.waitFor();
  await callItem.waitFor();
  // oldest first
  const order = await page.locator('[data-test=case-queue-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  assert.deepEqual(order, [code, callCode]);
  await item.locator('[data-test=case-suggest-chip]').first().waitFor();
  assert.ok(await item.locator('[data-test=case-suggest-chip]').count() >= 1);
  assert.match(await item.locator('[data-test=case-suggest-chip].is-checked').innerText(), new RegExp(categoryName), 'the proposed category is chosen');
  assert.equal(await item.locator('[data-test=case-suggest-department]').innerText(), '城市管理局');
  await callItem.locator('.title').click();
  const side = page.locator('[data-test=case-dispatch-side]');
  await side.locator('.mono').filter({ hasText: callCode }).waitFor();
  await side.locator(`[data-test=case-duplicate][data-code="${code}"] [data-test=case-duplicate-merge]`).click();
  await confirmBox(page);
  await callItem.waitFor({ state: 'detached' });
  assert.equal((await call<{ status: string; mergedInto: string }>('GET', `/cases/${(await call<{ items: { id: string; code: string }[] }>('GET', `/cases?scope=all&q=${callCode}`, admin)).items[0]!.id}`, admin)).status, 'merged');
  await shot(page, '04-dispatch');
  await item.locator('[data-test=case-dispatch-go]').click();
  await item.waitFor({ state: 'detached' });
  const dispatched = await call<{ status: string; department: { id: string }; category: { code: string } }>('GET', `/cases/${id}`, admin);
  assert.equal(dispatched.status, 'dispatched');
  assert.equal(dispatched.department.id, cg);
  assert.equal(dispatched.category.code, proposed.category);

  // ---- 案件办理: CG's handler accepts and answers (the category's template, adapted)
  await as('cg_handler');
  await page.goto(`${server.url}/cases/handle`);
  const row = page.locator('[data-test=case-handle-table] .el-table__row').filter({ hasText: code });
  await row.locator('[data-test=case-row-status][data-status=dispatched]').waitFor();
  await row.locator('[data-test=case-accept]').click();
  await row.locator('[data-test=case-row-status][data-status=handling]').waitFor();
  await row.locator('[data-test=case-answer]').click();
  const dialog = page.locator('.el-dialog:visible');
  const text = dialog.locator('textarea[data-test=case-answer-text]');
  await text.waitFor();
  // the category's answer template, its {{title}}, {{department}} and {{date}} filled in
  await dialog.locator('[data-test=case-template-insert]').click();
  const drafted = await text.inputValue();
  assert.ok(drafted.includes(TEXT) && drafted.includes('城市管理局') && !drafted.includes('{{'), drafted);
  await text.fill(`${(await text.inputValue()).trim()}\n${ANSWER_NOTE}`.trim());
  await dialog.locator('[data-test=case-answer-save]').click();
  await row.waitFor({ state: 'detached' });
  const answered = await call<{ status: string; answer: string }>('GET', `/cases/${id}`, admin);
  assert.equal(answered.status, 'answered');
  assert.ok(answered.answer.includes(ANSWER_NOTE));
  await shot(page, '05-handled');

  // ---- 办件查询: the citizen, no login, by number and phone; rates 满意
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${server.url}/track`);
  await input(page, 'case-track-code').fill(code);
  await input(page, 'case-track-phone').fill('13900000000');
  await page.locator('[data-test=case-track-submit]').click();
  await page.locator('[data-test=problem]').waitFor();
  assert.equal(await page.locator('[data-test=case-track-result]').count(), 0, 'a wrong phone shows nothing of the case');
  await input(page, 'case-track-phone').fill(PHONE);
  await page.locator('[data-test=case-track-submit]').click();
  await page.locator('[data-test=case-track-answer]').filter({ hasText: ANSWER_NOTE }).waitFor();
  assert.equal(await page.locator('[data-test=case-track-status]').getAttribute('data-status'), 'answered');
  assert.equal(await page.locator('[data-test=case-track-department]').innerText(), '城市管理局');
  await page.locator('[data-test=case-rate-satisfied]').click();
  await page.locator('[data-test=case-rate-submit]').click();
  await page.locator('[data-test=case-track-satisfaction]').filter({ hasText: '满意' }).waitFor();
  assert.equal(await page.locator('[data-test=case-track-status]').getAttribute('data-status'), 'closed');
  assert.equal(await page.locator('[data-test=case-track-rate]').count(), 0, 'rated once');
  await shot(page, '06-tracked');

  // ---- the case's page: 已办结, every step on the timeline, the point on the map, the photo
  await logIn(page, server.url, 'rx_dispatcher', PASSWORD);
  await page.goto(`${server.url}/cases/${id}`);
  const status = page.locator('[data-test=case-status]');
  await status.waitFor();
  assert.equal(await status.getAttribute('data-status'), 'closed');
  assert.equal((await status.innerText()).trim(), '已办结');
  for (const a of ['report', 'dispatch', 'accept', 'answer', 'rate']) await page.locator(`[data-test=case-event][data-action="${a}"]`).first().waitFor();
  assert.match(await page.locator('[data-test=case-rating]').innerText(), /满意/);
  await page.locator('[data-test=case-merged]').filter({ hasText: callCode }).waitFor();
  await page.locator('[data-test=case-map-view] canvas').first().waitFor();
  await page.locator('[data-test=case-photo] img').waitFor();
  assert.match(await page.locator('[data-test=case-photo] img').getAttribute('src') ?? '', /^blob:/, 'the photo came through the session');
  await shot(page, '07-detail');

  // ---- 统计分析: the charts are drawn, the case counted
  await page.goto(`${server.url}/cases/stats`);
  await page.locator('[data-test=case-stats-bar] canvas').waitFor();
  await page.locator('[data-test=case-stats-trend] canvas').waitFor();
  await page.locator('[data-test=case-stats-map] canvas').first().waitFor();
  await page.locator('[data-test=case-kpi][data-kpi=cases] [data-test=case-kpi-value]').filter({ hasText: /^2$/ }).waitFor();
  const stats = await call<{ total: { cases: number; satisfied: number } }>('GET', '/cases/stats', admin);
  assert.equal(stats.total.satisfied, 1);
  const satisfaction = await page.locator('[data-test=case-kpi][data-kpi=satisfactionRate] [data-test=case-kpi-value]').innerText();
  assert.equal(satisfaction, '100.0%');
  await page.locator('[data-test=case-stats-table] .el-table__row').filter({ hasText: '城市管理局' }).waitFor();
  await shot(page, '08-stats');

  // ---- in English, no Chinese is left outside the data on the case pages
  await page.locator('[data-test=lang-switch]').click();
  await page.locator('[data-test=lang-en]').click();
  for (const [url, ready] of [[`/cases/${id}`, '[data-test=case-timeline]'], ['/cases/stats', '[data-test=case-stats-bar] canvas'], ['/cases/intake', '[data-test=case-intake]'], ['/cases/dispatch', '[data-test=case-extensions]'], ['/cases/handle', '[data-test=case-handle-table]']]) {
    await page.goto(`${server.url}${url}`);
    await page.locator(ready!).first().waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(await chineseLabels(page), [], `Chinese labels on ${url} in English`);
  }

  assert.deepEqual(outside, [], 'requests left the server');
  assert.deepEqual(errors, [], 'errors in the page');
});
