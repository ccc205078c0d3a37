// Browser tests of the console's layout and language, against the demo city:
//  - at 768 px an officer registers a dataset, uploads a file and reads the job without horizontal scrolling;
//  - in English no visible label is Chinese (data values and names excepted: they carry `.data-value` or `data-data`).
//   node --import tsx --test test/e2e/layout.test.ts
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as layout-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { officerName, DEMO_PASSWORD } from '../../src/demo/index.ts';
import { SMALL_CITY } from '../helpers/demoCity.ts';
import { chineseLabels, openBrowser } from '../helpers/browser.ts';
import { grantFor, login as apiLogin, startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `layout-${name}.png`), animations: 'disabled', style: '.el-message { visibility: hidden !important; }' });
}

/** Nothing on the page is wider than the window: neither the document nor the console's main pane scrolls sideways. */
async function assertNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const m = await page.evaluate(() => {
    const main = document.querySelector('.el-main');
    return { doc: document.documentElement.scrollWidth, win: window.innerWidth, main: main ? main.scrollWidth - main.clientWidth : 0 };
  });
  assert.ok(m.doc <= m.win, `${where}: the page is ${m.doc} px wide in a ${m.win} px window`);
  assert.ok(m.main <= 0, `${where}: the main pane scrolls ${m.main} px sideways`);
}

/** The element is entirely inside the window. */
async function assertInViewport(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  const vp = page.viewportSize()!;
  assert.ok(box, `${selector} is not shown`);
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height, `${selector} at ${JSON.stringify(box)} is outside ${vp.width}×${vp.height}`);
}

async function login(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.locator('[data-test=login-username]').fill(username);
  await page.locator('[data-test=login-password]').fill(password);
  await page.locator('[data-test=login-submit]').click();
  await page.waitForURL(/\/dashboard/);
}

const server = await startTestServer({ city: SMALL_CITY });
const demo = server.demo!;
// the admin previews a dataset below: under a grant, as anyone else would
const previewed = demo.jobs.find((j) => j.job.rejected > 0)!;
const previewDept = demo.manifest.departments.find((d) => d.datasets.some((x) => x.code === previewed.dataset))!.code;
await grantFor(server.app, await apiLogin(server.app), previewed.dataset, await apiLogin(server.app, officerName(previewDept), DEMO_PASSWORD));
test.after(() => server.close());

test('768 px: register a dataset, upload a file, read the job — without horizontal scrolling', { timeout: 180_000 }, async (t) => {
  let browser: Browser | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-layout-e2e-'));
  t.after(async () => {
    await browser?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const opened = await openBrowser(server.url, 30_000);
  browser = opened.browser;
  const { page, errors } = opened;
  await page.setViewportSize({ width: 768, height: 900 });
  const dept = demo.manifest.departments[0];
  await login(page, server.url, officerName(dept.code), DEMO_PASSWORD);
  await page.locator('[data-test=stat-datasets] .stat-value').filter({ hasText: /\d/ }).waitFor();
  // the side menu has folded itself away, and opens on request
  assert.equal(await page.locator('[data-test=side-menu]').evaluate((el) => el.classList.contains('el-menu--collapse')), true, 'the menu is collapsed at 768 px');
  await assertNoHorizontalScroll(page, 'dashboard');
  await shot(page, '768-01-dashboard');

  // ---- register a dataset
  await page.goto(`${server.url}/collect/datasets`);
  await page.locator('[data-test=cds-table] .el-table__body tr').first().waitFor();
  await assertNoHorizontalScroll(page, 'datasets');
  await shot(page, '768-02-datasets');
  await page.locator('[data-test=dataset-create]').click();
  const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test=ds-code]') });
  await dialog.waitFor();
  await page.waitForTimeout(400); // the dialog's opening animation
  await page.locator('[data-test=ds-code]').fill('LAYOUT_768');
  await page.locator('[data-test=ds-name]').fill('窄屏登记的数据集');
  await page.locator('[data-test=ds-field-name-0]').fill('xm');
  await page.locator('[data-test=ds-field-title-0]').fill('姓名');
  await page.locator('[data-test=ds-field-add]').click();
  await page.locator('[data-test=ds-field-name-1]').fill('dz');
  await page.locator('[data-test=ds-field-title-1]').fill('地址');
  await assertNoHorizontalScroll(page, 'register dialog');
  await assertInViewport(page, '[data-test=ds-save]');
  await assertInViewport(page, '[data-test=ds-field-sensitivity-1]');
  await shot(page, '768-03-register-dialog');
  await page.locator('[data-test=ds-save]').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForURL(/\/datasets\/LAYOUT_768/);
  await page.locator('[data-test=dataset-meta]').waitFor();
  await assertNoHorizontalScroll(page, 'dataset detail');

  // ---- upload a file
  const file = path.join(tmp, '窄屏.csv');
  fs.writeFileSync(file, '姓名,地址\n张三,东城区一号\n李四,西城区二号\n', 'utf8');
  await page.locator('[data-test=dataset-upload]').click();
  await page.waitForURL(/\/collect\/datasets\/LAYOUT_768\/upload/);
  await page.locator('[data-test=upload-file] input[type=file]').setInputFiles(file);
  await page.locator('[data-test=upload-chosen]').waitFor();
  await assertNoHorizontalScroll(page, 'upload wizard');
  await page.locator('[data-test=upload-next]').click();
  await page.locator('[data-test=upload-step2]').waitFor({ timeout: 60_000 });
  await assertNoHorizontalScroll(page, 'upload preview');
  await shot(page, '768-04-upload-preview');
  await page.locator('[data-test=upload-run]').click();
  const result = page.locator('[data-test=upload-result]');
  await result.waitFor({ timeout: 60_000 });
  assert.equal(await result.getAttribute('data-status'), 'succeeded', await result.innerText());
  await assertNoHorizontalScroll(page, 'upload result');

  // ---- read the job
  await page.locator('[data-test=upload-job-link]').click();
  await page.waitForURL(/\/collect\/jobs\/[0-9a-f-]+$/);
  await page.locator('[data-test=job-detail] [data-test=job-status]').waitFor();
  await assertNoHorizontalScroll(page, 'job');
  await shot(page, '768-05-job');

  // ---- the menu opens on request, and folds again
  await page.locator('[data-test=menu-toggle]').click();
  await page.waitForFunction(() => !document.querySelector('[data-test=side-menu]')?.classList.contains('el-menu--collapse'));
  await page.waitForTimeout(300);
  await shot(page, '768-06-menu-open');
  await page.locator('[data-test=menu-toggle]').click();

  // ---- another department's conditional dataset: a grant is needed, and the catalog's row count is told
  const other = demo.manifest.departments.flatMap((d) => d.datasets.map((ds) => ({ d, ds })))
    .find(({ d, ds }) => d.code !== dept.code && ds.shareType === 'conditional' && demo.jobs.some((j) => j.dataset === ds.code && j.job.accepted > 0));
  assert.ok(other, 'the demo city has a conditional dataset of another department');
  await page.goto(`${server.url}/datasets/${other.ds.code}`);
  const blocked = page.locator('[data-test=preview-forbidden]');
  await blocked.waitFor();
  const text = await blocked.innerText();
  assert.match(text, /共享授权/);
  const rows = demo.jobs.filter((j) => j.dataset === other.ds.code).at(-1)!;
  assert.ok(text.replace(/,/g, '').includes(String(rows.job.accepted)) || /\d/.test(text), text);
  assert.equal(await page.locator('[data-test=dataset-preview] .el-pagination').count(), 0, 'no "共 0 条" under a refused preview');
  assert.equal(await page.locator('a[href="/share/requests"]').count(), 0, 'no link to a page that does not exist');
  await assertNoHorizontalScroll(page, 'refused dataset');
  await shot(page, '768-07-forbidden');

  assert.deepEqual(errors, [], 'errors in the page');
});

test('English: no visible label is Chinese on any page (data excepted)', { timeout: 480_000 }, async (t) => {
  let browser: Browser | undefined;
  t.after(async () => { await browser?.close(); });
  const opened = await openBrowser(server.url, 30_000);
  browser = opened.browser;
  const { page, errors } = opened;
  await login(page, server.url, 'admin', server.adminPassword);

  // at 1440 px the dataset lists show every column, 记录数 and 更新时间 included, without a sideways scroll
  for (const [url, table] of [['/collect/datasets', 'cds-table'], ['/datasets', 'dataset-table']]) {
    await page.goto(`${server.url}${url}`);
    await page.locator(`[data-test=${table}] .el-table__body tr`).first().waitFor();
    await page.waitForTimeout(300);
    const over = await page.locator(`[data-test=${table}] .el-table__body-wrapper .el-scrollbar__wrap`).evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(over <= 0, `${url}: the table scrolls ${over} px sideways at 1440 px`);
    await page.locator(`[data-test=${table}] th`).filter({ hasText: '记录数' }).waitFor();
    await page.locator(`[data-test=${table}] th`).filter({ hasText: '更新时间' }).waitFor();
    await shot(page, `1440${url.replaceAll('/', '-')}`);
  }

  await page.locator('[data-test=lang-switch]').click();
  await page.locator('[data-test=lang-en]').click();
  await page.locator('[data-test=logout]').filter({ hasText: 'Log out' }).waitFor();

  const found = new Map<string, Set<string>>();
  const scan = async (where: string) => {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    for (const s of await chineseLabels(page)) {
      if (!found.has(s)) found.set(s, new Set());
      found.get(s)!.add(where);
    }
  };
  const visit = async (url: string, ready: string) => {
    await page.goto(`${server.url}${url}`);
    await page.locator(ready).first().waitFor();
    await scan(url);
  };
  const openDialog = async (button: string, where: string) => {
    await page.locator(`[data-test=${button}]`).click();
    const dlg = page.locator('.el-dialog:visible').last();
    await dlg.waitFor();
    await page.waitForTimeout(400);
    await scan(`${where} dialog`);
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'hidden' });
  };

  // every page of the menu, the planned ones included
  // every page the menu names (read from its source: the console's own module does not load in node)
  const menuPaths = [...fs.readFileSync(path.join(ROOT, 'web/src/menu.ts'), 'utf8').matchAll(/path: '(\/[^']*)'/g)].map((m) => m[1]);
  assert.ok(menuPaths.length >= 15, menuPaths.join(' '));
  for (const p of menuPaths) {
    await page.goto(`${server.url}${p}`);
    await page.locator('.el-main .page-header, .el-main [data-test=placeholder]').first().waitFor();
    await scan(p);
  }
  // the menu itself, all groups open
  for (const g of await page.locator('[data-test^=menu-group-]').all()) {
    if (!(await g.evaluate((el) => el.classList.contains('is-opened')))) await g.locator('.el-sub-menu__title').click();
  }
  await page.waitForTimeout(400);
  await scan('menu');

  // the create dialogs: page, what shows the page is ready, the button that opens the dialog
  const dialogs = [
    ['/collect/datasets', '[data-test=cds-table] .el-table__body tr', 'dataset-create'],
    ['/system/departments', '[data-test=dept-table]', 'dept-create'],
    ['/system/users', '.el-table', 'user-create'],
    ['/collect/sources', '.el-table', 'source-create'],
    ['/system/tokens', '.el-table', 'token-create'],
    ['/collect/standards', '[data-test=std-table] .el-table__body tr', 'std-create'],
  ];
  for (const [url, ready, button] of dialogs) {
    await visit(url, ready);
    await openDialog(button, url);
  }

  // a dataset, its tabs, a job and the standards
  const job = demo.jobs.find((j) => j.job.rejected > 0)!;
  await visit(`/datasets/${job.dataset}`, '[data-test=dataset-meta]');
  await page.locator('[data-test=dataset-rows] .el-table__body tr').first().waitFor();
  await scan('dataset preview');
  for (const tab of ['fields', 'quality', 'settings', 'versions']) {
    await page.locator(`#tab-${tab}`).click();
    await scan(`dataset ${tab}`);
  }
  await visit(`/collect/jobs/${job.job.jobId}`, '[data-test=quarantine-table] .el-table__body tr');
  await visit(`/collect/datasets/${job.dataset}/upload`, '[data-test=upload-file]');
  await visit('/collect/standards', '[data-test=std-table] .el-table__body tr');
  await shot(page, 'en-standards');
  await visit('/dashboard', '[data-test=chart-ingest] canvas');
  await shot(page, 'en-dashboard');

  // the register dialog in English at 768 px: longer words, Save still in view
  await page.setViewportSize({ width: 768, height: 900 });
  await visit('/collect/datasets', '[data-test=cds-table] .el-table__body tr');
  await page.locator('[data-test=dataset-create]').click();
  await page.locator('[data-test=ds-code]').waitFor();
  await page.waitForTimeout(400);
  await assertNoHorizontalScroll(page, 'register dialog in English');
  await assertInViewport(page, '[data-test=ds-save]');
  await scan('register dialog at 768 px');
  await shot(page, 'en-768-register-dialog');

  const report = [...found].map(([s, w]) => `${s}    (${[...w].join(', ')})`);
  assert.deepEqual(report, [], `Chinese in English mode:\n${report.join('\n')}`);
  assert.deepEqual(errors, [], 'errors in the page');
});
