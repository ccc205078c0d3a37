// Browser test of the monitoring pages (运行监测) on a small city made through the API: 生态环境局 (HB)
// keeps a sensor dataset (HB_AQ: device, metric, value, time) with two days of PM2.5 readings from two
// stations, one of them above 100 for three hours yesterday.
//  - HB's officer defines an arrival indicator in the console (hourly maximum per station) and sees its chart;
//  - sets a threshold rule (> 100) on it; the back-test says it would have fired once in the last 30 days;
//  - a reading above the limit is pushed through the API: the alert shows in the alert centre (polled by
//    the page) within seconds, and the officer acknowledges it there.
//   node scripts/test.mjs test/e2e/monitor
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as monitor-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { choose, logIn, openBrowser } from '../helpers/browser.ts';
import { apiJson, login, startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const PASSWORD = 'monitor-console-2026';
const HOUR = 3_600_000;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `monitor-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}
/** Type into the input of an Element Plus field (the data-test lands on the input or on its wrapper). */
const fill = (page: Page, test: string, text: string) => page.locator(`input[data-test=${test}], textarea[data-test=${test}], [data-test=${test}] input`).first().fill(text);
const server = await startTestServer();
test.after(() => server.close());
const call = apiJson(server.app);

test('运行监测: an arrival indicator and its chart, a threshold rule with its back-test, a pushed reading raises an alert, acknowledged', { timeout: 300_000 }, async (t) => {
  const admin = await login(server.app, 'admin', server.adminPassword);
  const hb = (await call<{ id: string }>('POST', '/departments', admin, { code: 'HB', name: '生态环境局', regionCode: '330102' })).id;
  await call('POST', '/users', admin, { username: 'hb_officer', displayName: '生态环境局数据专员', password: PASSWORD, role: 'officer', departmentId: hb });
  const officer = await login(server.app, 'hb_officer', PASSWORD);
  await call('POST', '/datasets', officer, {
    code: 'HB_AQ', name: '空气质量监测', departmentId: hb, primaryKey: ['device', 'metric', 'time'], fields: [
      { name: 'device', title: '设备', type: 'string', required: true, sensitivity: 'L1' },
      { name: 'metric', title: '指标', type: 'string', required: true, sensitivity: 'L1' },
      { name: 'value', title: '数值', type: 'number', required: true, sensitivity: 'L1' },
      { name: 'time', title: '时间', type: 'timestamp', required: true, sensitivity: 'L1' },
      { name: 'payload', title: '原始报文', type: 'string', sensitivity: 'L1' },
    ],
  });
  await call('POST', '/datasets/HB_AQ/submit', officer);
  await call('POST', '/datasets/HB_AQ/publish', admin);
  // two days of readings up to two hours ago; 湖滨 above 100 for three hours yesterday
  const end = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const records = [];
  for (let h = 47; h >= 0; h--) {
    for (const device of ['湖滨', '西溪']) records.push({ device, metric: 'pm25', value: device === '湖滨' && h >= 20 && h < 23 ? 130 : 40 + (h % 5), time: new Date(end - h * HOUR).toISOString() });
  }
  const pushed = await call<{ status: string; accepted: number }>('POST', '/datasets/HB_AQ/records', officer, { records });
  assert.equal(pushed.accepted, records.length, JSON.stringify(pushed));

  const { page, errors, outside } = await openBrowser(server.url, 20_000, t);
  await logIn(page, server.url, 'hb_officer', PASSWORD);

  // ---- the indicator, defined in the console
  await page.locator('[data-test=menu-group-apply]').click();
  await page.locator('[data-test=menu-monitor]').click();
  await page.locator('[data-test=indicator-table]').waitFor();
  await page.locator('[data-test=indicator-new]').click();
  await page.locator('[data-test=indicator-form]').waitFor();
  await fill(page, 'ind-code', 'AQ_PM25_MAX');
  await fill(page, 'ind-name', 'PM2.5 小时最高值');
  await fill(page, 'ind-unit', 'μg/m³');
  await choose(page, 'ind-dataset', '空气质量监测');
  await choose(page, 'ind-agg', '最大');
  await page.locator('[data-test=ind-measure]').filter({ hasText: '数值' }).waitFor();
  await choose(page, 'ind-dimensions', '设备');
  await page.locator('[data-test=ind-save]').click();
  await page.waitForURL(/\/apps\/monitor\/indicators\/AQ_PM25_MAX$/);
  await page.locator('[data-test=indicator-chart] canvas').waitFor();
  assert.equal((await page.locator('[data-test=indicator-points]').innerText()).replace(/,/g, ''), '96', 'two stations × 48 hours');
  const ind = await call<{ trigger: string; watches: string[] }>('GET', '/indicators/AQ_PM25_MAX', officer);
  assert.deepEqual([ind.trigger, ind.watches], ['arrival', ['HB_AQ']]);
  await shot(page, 'indicator');

  // ---- a threshold rule, back-tested before it is saved
  await page.locator('[data-test=indicator-new-rule]').click();
  await page.locator('[data-test=alert-rule-dialog]').waitFor();
  await fill(page, 'rule-code', 'AQ_PM25_OVER');
  await fill(page, 'rule-name', 'PM2.5 超过 100');
  await fill(page, 'rule-limit', '100');
  await page.locator('[data-test=rule-backtest]').click();
  const total = page.locator('[data-test=rule-backtest-total]');
  await total.waitFor();
  assert.equal(await total.innerText(), '这条规则在过去 30 天会触发 1 次');
  assert.match(await page.locator('[data-test=rule-backtest-result]').innerText(), /湖滨：1 次[\s\S]*西溪：0 次/);
  await shot(page, 'backtest');
  await page.locator('[data-test=rule-save]').click();
  await page.locator('[data-test=alert-rule-dialog]').waitFor({ state: 'hidden' });
  await page.locator('[data-test=alert-rule-table]').filter({ hasText: 'AQ_PM25_OVER' }).waitFor();

  // ---- a reading above the limit, pushed: the alert centre shows it within seconds
  await page.locator('[data-test=menu-alertCentre]').click();
  await page.locator('[data-test=alert-table]').waitFor();
  assert.equal(await page.locator('[data-test=alert-row]').count(), 0, 'nothing firing yet');
  const reading = await call<{ status: string }>('POST', '/datasets/HB_AQ/records', officer, { records: [{ device: '西溪', metric: 'pm25', value: 185, time: new Date(end + HOUR).toISOString() }] });
  assert.equal(reading.status, 'accepted');
  const row = page.locator('[data-test=alert-row][data-rule=AQ_PM25_OVER]');
  await row.waitFor({ timeout: 10_000 });
  assert.match(await row.innerText(), /预警：PM2\.5 小时最高值（西溪） > 100，当前值 185/);
  await shot(page, 'alert');

  // ---- acknowledged in the console
  await page.locator('[data-test=alert-ack-AQ_PM25_OVER]').click();
  await row.waitFor({ state: 'detached' });
  await page.locator('[data-test=alert-tab-acknowledged]').click();
  await page.locator('[data-test=alert-row][data-rule=AQ_PM25_OVER]').waitFor();
  const alerts = await call<{ state: string; acknowledgedBy: string }[]>('GET', '/alerts', officer);
  assert.deepEqual(alerts.map((a) => [a.state, a.acknowledgedBy]), [['acknowledged', '生态环境局数据专员']]);

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(errors, [], 'errors in the page');
});
