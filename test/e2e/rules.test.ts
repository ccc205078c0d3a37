// Browser test of the rule pages (规则 · 碰撞发现 · 成效) on a small city made through the API: 公安局 keeps the
// police incidents (GA_JQ), 民政局 the declared rentals (MZ_ZL, shared unconditionally, granted to 公安局).
//  - 公安局's officer opens the rule editor and builds an A-not-in-B rule (incidents at rented houses with no
//    declaration) for 民政局 to act on; the dry run counts 5 rows and 4 findings and shows the sample;
//  - saves it, runs it: the run history shows it done with 4 new findings;
//  - follows the rule to its findings (4, each with a work order), opens one (its key, its evidence of two
//    incidents, the dataset versions) and follows it to its work order's page (新建, for 民政局) and back;
//  - 民政局's officer dismisses another finding with a reason; the outcome page counts 3 open and 1 dismissed.
//   node scripts/test.mjs test/e2e/rules
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as rules-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chineseLabels, choose, confirmBox, logIn, openBrowser, switchUser } from '../helpers/browser.ts';
import { apiJson, login, startTestServer } from '../helpers/server.ts';
import { upload } from '../helpers/upload.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const PASSWORD = 'rules-console-2026';
const house = (n: number) => `示范路${n}号`;
const csv = (head: string, rows: string[][]) => `${head}\n${rows.map((r) => r.join(',')).join('\n')}\n`;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `rules-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}
const server = await startTestServer();
test.after(() => server.close());
const call = apiJson(server.app);

test('规则: build an anti rule, dry-run, save, run, findings, evidence, work order, dismiss, outcomes', { timeout: 300_000 }, async (t) => {
  const admin = await login(server.app, 'admin', server.adminPassword);
  const dept = async (code: string, name: string) => (await call<{ id: string }>('POST', '/departments', admin, { code, name, regionCode: '330102' })).id;
  const ga = await dept('GA', '公安局');
  const mz = await dept('MZ', '民政局');
  await call('POST', '/users', admin, { username: 'ga_officer', displayName: '公安局数据专员', password: PASSWORD, role: 'officer', departmentId: ga });
  await call('POST', '/users', admin, { username: 'mz_officer', displayName: '民政局数据专员', password: PASSWORD, role: 'officer', departmentId: mz });
  const gaAuth = await login(server.app, 'ga_officer', PASSWORD);
  const mzAuth = await login(server.app, 'mz_officer', PASSWORD);
  const register = async (as: { authorization: string }, departmentId: string, code: string, name: string, fields: object[], extra: object) => {
    await call('POST', '/datasets', as, { code, name, departmentId, fields, ...extra });
    await call('POST', `/datasets/${code}/submit`, as);
    await call('POST', `/datasets/${code}/publish`, admin);
  };
  await register(gaAuth, ga, 'GA_JQ', '警情记录', [
    { name: 'jqbh', title: '警情编号', type: 'string', required: true, sensitivity: 'L2' },
    { name: 'fsdz', title: '发生地址', type: 'string', required: true, sensitivity: 'L2' },
    { name: 'sfczfw', title: '是否出租房屋', type: 'string', sensitivity: 'L1' },
  ], { primaryKey: ['jqbh'] });
  await register(mzAuth, mz, 'MZ_ZL', '房屋租赁备案', [
    { name: 'bazh', title: '备案证号', type: 'string', required: true, sensitivity: 'L2' },
    { name: 'fwzl', title: '房屋坐落', type: 'string', required: true, sensitivity: 'L2' },
  ], { primaryKey: ['bazh'], shareType: 'unconditional' });
  // houses 1–6 rented; 1–2 declared; house 3 has two incidents; house 7 is not rented
  const incidents = [[1, 1], [2, 2], [3, 3], [4, 3], [5, 4], [6, 5], [7, 6]].map(([n, h]) => [`J${n}`, house(h!), '是']);
  incidents.push(['J8', house(7), '否']);
  for (const [as, code, body] of [[gaAuth, 'GA_JQ', csv('jqbh,fsdz,sfczfw', incidents)], [mzAuth, 'MZ_ZL', csv('bazh,fwzl', [['B1', house(1)], ['B2', house(2)]])]] as const) {
    const r = await upload(server.app, `/datasets/${code}/ingest`, as, `${code}.csv`, body);
    assert.equal(r.json().status, 'succeeded', r.body);
  }
  const ds = await call<{ fields: { name: string }[] }>('GET', '/datasets/MZ_ZL', gaAuth);
  const req = await call<{ status: string }>('POST', '/share/requests', gaAuth, {
    dataset: 'MZ_ZL', purpose: '核查出租房屋备案情况', fields: ds.fields.map((f) => f.name), validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
  });
  assert.equal(req.status, 'approved');

  const { page, errors, outside } = await openBrowser(server.url, 20_000, t);

  // ---- 公安局's officer builds the rule in the editor
  await logIn(page, server.url, 'ga_officer', PASSWORD);
  await page.locator('[data-test=menu-group-apply]').click();
  await page.locator('[data-test=menu-rules]').click();
  await page.locator('[data-test=rule-table]').waitFor();
  await page.locator('[data-test=rule-new]').click();
  await page.locator('[data-test=rule-editor]').waitFor();
  await page.locator('[data-test=rule-code-input]').fill('rental_undeclared');
  await page.locator('[data-test=rule-name]').fill('出租房屋未备案');
  await choose(page, 'rule-responsible', '民政局');
  await page.locator('[data-test=rule-shape-anti]').click();
  await choose(page, 'rule-a-dataset', '警情记录');
  await page.locator('[data-test=rule-a-where-add]').click();
  await choose(page, '[data-test=rule-a-where-line] [data-test=filter-field]', '是否出租房屋');
  await page.locator('[data-test=rule-a-where-line] [data-test=filter-value]').fill('是');
  await choose(page, 'rule-b-dataset', '房屋租赁备案');
  await choose(page, 'rule-on-a', '发生地址');
  await choose(page, 'rule-on-b', '房屋坐落');
  await choose(page, 'rule-key', '发生地址');
  await shot(page, '01-editor');

  // ---- the dry run: 5 rows, 4 distinct houses, the sample as 公安局 reads it; nothing opened
  await page.locator('[data-test=rule-dry-run]').click();
  const dry = page.locator('[data-test=rule-dry-result]');
  await dry.waitFor();
  assert.equal(await dry.getAttribute('data-rows'), '5');
  assert.equal(await dry.getAttribute('data-keys'), '4');
  assert.equal(await page.locator('[data-test=rule-dry-sample] .el-table__body tr').count(), 4);
  assert.match(await page.locator('[data-test=rule-dry-versions]').innerText(), /GA_JQ v1 · MZ_ZL v1/);
  assert.equal((await call<{ total: number }>('GET', '/findings', gaAuth)).total, 0, 'a dry run opens nothing');
  await dry.scrollIntoViewIfNeeded();
  await shot(page, '02-dry-run');

  // ---- save, then run: the history shows the run done with 4 new findings
  await page.locator('[data-test=rule-save]').click();
  await page.waitForURL(/\/apps\/rules\/[0-9a-f-]{36}$/);
  const ruleUrl = page.url();
  assert.equal(await page.locator('[data-test=rule-code]').innerText(), 'RENTAL_UNDECLARED');
  await page.locator('[data-test=rule-run]').click();
  const runRow = page.locator('[data-test=rule-runs] .el-table__body tr').first();
  await runRow.locator('[data-test=rule-run-status][data-status=done]').waitFor();
  assert.match(await runRow.locator('[data-test=rule-run-counts] [data-count=new]').innerText(), /新发现 4/);
  await page.locator('[data-test=rule-runs]').scrollIntoViewIfNeeded();
  await shot(page, '03-ran');

  // ---- its findings: 4, each with a work order; one opens with its evidence and leads to its work order
  await page.locator('[data-test=rule-findings-link]').click();
  await page.waitForURL(/\/apps\/collide\?rule=RENTAL_UNDECLARED/);
  const rows = page.locator('[data-test=finding-table] .el-table__body tr');
  await rows.nth(3).waitFor();
  assert.equal(await rows.count(), 4);
  assert.equal(await page.locator('[data-test=finding-row-workorder]').count(), 4);
  await rows.filter({ hasText: house(3) }).locator('[data-test=finding-open]').click();
  const detail = page.locator('[data-test=finding-detail]');
  await detail.waitFor();
  assert.equal(await detail.locator('[data-test=finding-key]').innerText(), `fsdz=${house(3)}`);
  assert.equal(await detail.locator('[data-test=finding-status]').getAttribute('data-status'), 'open');
  assert.equal(await detail.locator('[data-test=finding-evidence] .el-table__body tr').count(), 2, 'both incidents at house 3');
  assert.match(await detail.locator('[data-test=finding-versions]').innerText(), /GA_JQ v1 · MZ_ZL v1/);
  await shot(page, '04-finding');
  const woCode = await detail.locator('[data-test=finding-workorder]').innerText();
  await detail.locator('[data-test=finding-workorder]').click();
  await page.waitForURL(/\/apps\/workorders\/[0-9a-f-]{36}$/);
  await page.locator('[data-test=wo-status][data-status=new]').waitFor();
  assert.equal(await page.locator('[data-test=wo-code]').innerText(), woCode);
  const wo = await call<{ department: { code: string }; source: string }>('GET', `/workorders/${page.url().split('/').pop()}`, mzAuth);
  assert.equal(wo.department.code, 'MZ');
  assert.equal(wo.source, 'collision');
  await shot(page, '05-workorder');
  // and the order leads back to its finding
  await page.locator('[data-test=wo-finding]').click();
  await page.locator('[data-test=finding-detail] [data-test=finding-key]').filter({ hasText: house(3) }).waitFor();

  // ---- 民政局's officer dismisses the finding of house 6 (a false positive) with a reason
  await switchUser(page, server.url, 'mz_officer', PASSWORD);
  await page.goto(`${server.url}/apps/collide?rule=RENTAL_UNDECLARED`);
  await rows.filter({ hasText: house(6) }).locator('[data-test=finding-open]').click();
  await page.locator('[data-test=finding-dismiss]').click();
  await confirmBox(page, '现场核实为自住，非出租');
  await page.locator('[data-test=finding-detail] [data-test=finding-status][data-status=dismissed]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('[data-test=finding-filter-status]').click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已排除' }).click();
  await page.waitForURL(/status=dismissed/);
  await page.locator('[data-test=finding-table] .el-table__body tr').filter({ hasText: house(6) }).waitFor();
  assert.equal(await page.locator('[data-test=finding-table] .el-table__body tr').count(), 1);

  // ---- the outcome page counts them
  await page.locator('[data-test=menu-ruleOutcomes]').click();
  await page.locator('[data-test=outcome-RENTAL_UNDECLARED-open]').filter({ hasText: '3' }).waitFor();
  assert.equal(await page.locator('[data-test=outcome-RENTAL_UNDECLARED-dismissed]').innerText(), '1');
  await page.locator('[data-test=outcome-findings] canvas').waitFor();
  await page.locator('[data-test=outcome-orders] canvas').waitFor();
  await shot(page, '06-outcomes');

  // ---- in English, the editor (with its dry run), the rule list and a finding show no Chinese label (data excepted)
  await switchUser(page, server.url, 'ga_officer', PASSWORD);
  await page.locator('[data-test=lang-switch]').click();
  await page.locator('[data-test=lang-en]').click();
  await page.locator('[data-test=lang-en]').waitFor({ state: 'hidden' });
  await page.goto(ruleUrl);
  await page.locator('[data-test=rule-runs] .el-table__body tr').first().waitFor();
  await page.locator('[data-test=rule-dry-run]').filter({ hasText: 'Dry run' }).click();
  await page.locator('[data-test=rule-dry-result]').waitFor();
  assert.deepEqual(await chineseLabels(page), [], 'the rule editor in English');
  await page.goto(`${server.url}/apps/rules`);
  await page.locator('[data-test=rule-table] .el-table__body tr').first().waitFor();
  assert.deepEqual(await chineseLabels(page), [], 'the rule list in English');
  await page.goto(`${server.url}/apps/collide`);
  await page.locator('[data-test=finding-open]').first().click();
  await page.locator('[data-test=finding-detail]').waitFor();
  assert.deepEqual(await chineseLabels(page), [], 'the findings in English');
  await shot(page, '07-finding-en');

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(errors, [], 'errors in the page');
});
