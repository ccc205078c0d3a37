// Browser test of 工单 (work orders) in the console, departments and users made through the API:
//  - 民政局's officer opens the board and creates an order for 公安局 in the dialog; the detail page shows it 新建
//    with its due time in Beijing time;
//  - 公安局's officer tries to return it with too short a reason (refused in the box), then assigns it to a
//    handler of 公安局 (the picker lists the department's officers and handlers);
//  - the handler starts it, comments, uploads a small PDF (listed, downloadable) and marks it done;
//  - 民政局's officer verifies and closes it: each step in the history; the board shows it under 已关闭.
//   node scripts/test.mjs test/e2e/workorders
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as workorders-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { confirmBox, logIn, openBrowser, switchUser } from '../helpers/browser.ts';
import { apiJson, login, startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const PASSWORD = 'wo-console-2026';
const TITLE = '低保户家庭成员户籍信息核查';
const COMMENT = '已调取户籍档案，正在核对家庭成员';
/** The smallest PDF a reader opens: one empty page. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `workorders-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}
/** A UTC time as the console shows it: Beijing time, YYYY-MM-DD HH:mm:ss. */
function beijing(iso: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}:${p.second}`;
}

const server = await startTestServer();
test.after(() => server.close());
type As = { authorization: string };
const call = apiJson(server.app);

/** Pick `label` in the open Element Plus select `test`. */
async function choose(page: Page, test: string, label: string): Promise<void> {
  await page.locator(`[data-test=${test}]`).click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: label }).click();
}
/** Run an action of the detail page and wait for the status it leads to. */
async function act(page: Page, action: string, status: string, reason?: string): Promise<void> {
  await page.locator(`[data-test=wo-action-${action}]`).click();
  if (reason !== undefined) await confirmBox(page, reason);
  await page.locator(`[data-test=wo-status][data-status=${status}]`).waitFor();
}

test('工单: create → assign → start, comment, attach, done → verify → close → board', { timeout: 300_000 }, async (t) => {
  const admin = await login(server.app, 'admin', server.adminPassword);
  const dept = async (code: string, name: string) => call<{ id: string }>('POST', '/departments', admin, { code, name, regionCode: '330102' });
  const mz = await dept('MZ', '民政局');
  const ga = await dept('GA', '公安局');
  const user = (username: string, displayName: string, role: string, departmentId: string) =>
    call('POST', '/users', admin, { username, displayName, password: PASSWORD, role, departmentId });
  await user('mz_officer', '民政局数据专员', 'officer', mz.id);
  await user('ga_officer', '公安局数据专员', 'officer', ga.id);
  await user('ga_handler', '公安局办事员', 'handler', ga.id);

  const { page, errors, outside } = await openBrowser(server.url, 20_000, t);
  const as = (username: string) => switchUser(page, server.url, username, PASSWORD);
  const board = async () => {
    await page.locator('[data-test=menu-group-apply]').click();
    await page.locator('[data-test=menu-workorders]').click();
    await page.locator('[data-test=wo-board]').waitFor();
  };

  // ---- 民政局's officer creates an order for 公安局 on the board
  await logIn(page, server.url, 'mz_officer', PASSWORD);
  await board();
  await page.locator('[data-test=wo-new]').click();
  await page.locator('[data-test=wo-create-title]').fill(TITLE);
  await page.locator('[data-test=wo-create-description]').fill('请核查该低保户家庭成员的户籍登记是否与申报一致');
  await choose(page, 'wo-create-department', '公安局');
  await page.locator('[data-test=wo-create-priority]').getByText('紧急', { exact: true }).click();
  await page.locator('[data-test=wo-create-save]').click();
  await page.waitForURL(/\/apps\/workorders\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop()!;
  await page.locator('[data-test=wo-status][data-status=new]').waitFor();
  const made = await call<{ code: string; dueAt: string; priority: string; department: { id: string } }>('GET', `/workorders/${id}`, admin);
  assert.equal(made.department.id, ga.id);
  assert.equal(made.priority, 'urgent');
  assert.equal(await page.locator('[data-test=wo-code]').innerText(), made.code);
  assert.equal(await page.locator('[data-test=wo-due]').innerText(), beijing(made.dueAt), 'the due time in Beijing time');
  assert.match(beijing(made.dueAt), / 23:59:59$/, 'due at the end of a working day, Beijing time');
  await shot(page, '01-created');

  // ---- 公安局's officer assigns it to the department's handler
  await as('ga_officer');
  await page.goto(`${server.url}/apps/workorders/${id}`);
  // returning asks a reason of at least 4 characters: a shorter one is refused in the box, which is then cancelled
  await page.locator('[data-test=wo-action-return]').click();
  const box = page.locator('.el-message-box:visible');
  await box.locator('textarea').fill('不对');
  await box.locator('.el-message-box__btns .el-button--primary').click();
  await box.getByText('原因至少 4 个字').waitFor();
  await box.locator('.el-message-box__btns .el-button').first().click();
  await box.waitFor({ state: 'hidden' });
  await page.locator('[data-test=wo-status][data-status=new]').waitFor();
  await page.locator('[data-test=wo-action-assign]').click();
  await choose(page, 'wo-assign-handler', '公安局办事员');
  await page.locator('[data-test=wo-assign-save]').click();
  await page.locator('[data-test=wo-status][data-status=assigned]').waitFor();
  assert.equal(await page.locator('[data-test=wo-handler]').innerText(), '公安局办事员');
  await shot(page, '02-assigned');

  // ---- the handler starts it, comments, uploads a PDF and marks it done
  await as('ga_handler');
  await page.goto(`${server.url}/apps/workorders/${id}`);
  await act(page, 'start', 'in_progress');
  await page.locator('[data-test=wo-comment-text]').fill(COMMENT);
  await page.locator('[data-test=wo-comment-add]').click();
  await page.locator('[data-test=wo-comment]').filter({ hasText: COMMENT }).waitFor();
  await page.locator('[data-test=wo-upload-input]').setInputFiles({ name: '核查报告.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.locator('[data-test=wo-attachment]').filter({ hasText: '核查报告.pdf' }).waitFor();
  const download = page.waitForEvent('download');
  await page.locator('[data-test=wo-attachment]').first().click();
  const file = await (await download).path();
  assert.ok(file, 'the attachment downloads');
  assert.equal(fs.readFileSync(file).toString('latin1'), PDF.toString('latin1'), 'the same bytes come back');
  await act(page, 'done', 'done');
  await shot(page, '03-done');

  // ---- 民政局's officer verifies and closes it; each step is in the history
  await as('mz_officer');
  await page.goto(`${server.url}/apps/workorders/${id}`);
  await act(page, 'verify', 'verified');
  await act(page, 'close', 'closed');
  for (const a of ['assign', 'start', 'done', 'verify', 'close']) await page.locator(`[data-test=wo-event][data-action=${a}]`).first().waitFor();
  // the buttons are exactly the actions the server lists for the caller
  const { actions } = await call<{ actions: string[] }>('GET', `/workorders/${id}`, await login(server.app, 'mz_officer', PASSWORD));
  const shown = await page.locator('[data-test^=wo-action-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-test')!.slice('wo-action-'.length)));
  assert.deepEqual(shown.sort(), [...actions].sort());
  await shot(page, '04-closed');

  // ---- the board shows it under 已关闭, counted there
  await board();
  const closed = page.locator('[data-test=wo-column][data-status=closed]');
  await closed.locator(`[data-test=wo-card][data-code="${made.code}"]`).waitFor();
  assert.equal(await page.locator(`[data-test=wo-column]:not([data-status=closed]) [data-code="${made.code}"]`).count(), 0, 'in no other column');
  assert.ok(Number(await closed.locator('[data-test=wo-column-count]').innerText()) >= 1);
  await closed.scrollIntoViewIfNeeded();
  await shot(page, '05-board');
  await page.locator('[data-test=wo-mode-list]').click();
  await page.locator('[data-test=wo-table] .el-table__body tr').filter({ hasText: made.code }).locator('[data-test=wo-row-status]').filter({ hasText: '已关闭' }).waitFor();
  await shot(page, '06-list');

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(errors, [], 'errors in the page');
});
