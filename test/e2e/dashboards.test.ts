// Browser test of 驾驶舱 on a small city made through the API (the demo city's districts and grid, a
// dispatch centre, an air-quality indicator over an uploaded file, a few located cases): an officer
// builds a dashboard with a map of case hot spots and a line over the indicator, saves it, opens the
// viewer — both canvases paint — clicks a district on the map and the dashboard drills into that
// district (the map switches to its grid cells, the figures narrow to it), clicks a grid cell and its
// cases open in a drawer (as the API lists them); the large screen fills 1920×1080 with no scrollbar
// and no menu; PNG and PDF export download files; another department shown the dashboard sees
// 无权查看 on the indicator it has no grant for; nothing is fetched from outside the server.
//   node --import tsx --test test/e2e/dashboards.test.ts
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as dashboards-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { logIn, openBrowser, switchUser } from '../helpers/browser.ts';
import { apiJson, login, startTestServer } from '../helpers/server.ts';
import { upload } from '../helpers/upload.ts';
import { loadDemoGeography } from '../../src/demo/index.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const PASSWORD = 'dashboard-pass-2026';
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `dashboards-${name}.png`), animations: 'disabled', style: '.el-message { visibility: hidden !important; }' });

/** How many pixels of a canvas are painted, sampled on a coarse raster. */
const painted = (canvas: Locator) => canvas.evaluate((c: HTMLCanvasElement) => {
  const ctx = c.getContext('2d');
  if (!ctx || !c.width || !c.height) return 0;
  const data = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4 * 97) if (data[i]! > 0) n++;
  return n;
});

/**
 * Move over the map until its tooltip names an area whose code matches, and click there. The map is
 * the city's own GeoJSON drawn by ECharts: the search goes outward from the canvas's centre.
 */
async function clickArea(page: Page, widget: Locator, code: RegExp): Promise<string> {
  const canvas = widget.locator('canvas').first();
  const box = (await canvas.boundingBox())!;
  const steps = 20;
  const spots: [number, number][] = [];
  for (let i = 1; i < steps; i++) for (let j = 1; j < steps; j++) spots.push([box.x + (box.width * i) / steps, box.y + (box.height * j) / steps]);
  spots.sort((a, b) => Math.hypot(a[0] - box.x - box.width / 2, a[1] - box.y - box.height / 2) - Math.hypot(b[0] - box.x - box.width / 2, b[1] - box.y - box.height / 2));
  for (const [x, y] of spots) {
    await page.mouse.move(x, y);
    await page.waitForTimeout(40);
    const tip = await widget.evaluate((el) => [...el.querySelectorAll('div')].filter((d) => getComputedStyle(d).zIndex === '9999999' && d.style.display !== 'none' && d.style.opacity !== '0').map((d) => d.innerText).join('\n'));
    const m = tip.match(/\b(\d{6}|\d{15})\b/);
    if (m && code.test(m[1]!)) {
      await page.mouse.click(x, y);
      return m[1]!;
    }
  }
  throw new Error(`no area matching ${code} found on the map`);
}

test('驾驶舱: build a dashboard with a map and a line, view it, drill down, large screen, export; no access where no grant', { timeout: 420_000 }, async (t) => {
  const server = await startTestServer({ demo: async (p) => { await loadDemoGeography(p, { password: PASSWORD }); } });
  t.after(() => server.close());
  const call = apiJson(server.app);
  const admin = await login(server.app, 'admin', server.adminPassword);
  const dept = async (code: string, name: string) => (await call<{ id: string }>('POST', '/departments', admin, { code, name, regionCode: '330100' })).id;
  const rx = await dept('RX', '市民热线服务中心');
  const cg = await dept('CG', '城市管理局');
  for (const [username, role, d] of [['rx_officer', 'officer', rx], ['rx_operator', 'handler', rx], ['cg_officer', 'officer', cg]] as const) {
    await call('POST', '/users', admin, { username, displayName: username, password: PASSWORD, role, departmentId: d });
  }
  const centre = await server.app.inject({ method: 'PUT', url: '/api/v1/cases/centre', headers: admin, payload: { departmentId: rx } });
  assert.equal(centre.statusCode, 204, centre.body);
  const officer = await login(server.app, 'rx_officer', PASSWORD);
  const operator = await login(server.app, 'rx_operator', PASSWORD);

  // an air-quality file of the last two days, and an indicator over it (hourly mean per district)
  await call('POST', '/datasets', officer, {
    code: 'RX_AIR', name: '空气质量监测', departmentId: rx, shareType: 'conditional',
    fields: [{ name: 'sj', title: '时间', type: 'timestamp', sensitivity: 'L1' }, { name: 'qy', title: '区域', type: 'string', sensitivity: 'L1' }, { name: 'pm25', title: 'PM2.5', type: 'number', sensitivity: 'L1' }],
  });
  await call('POST', '/datasets/RX_AIR/submit', officer);
  await call('POST', '/datasets/RX_AIR/publish', admin);
  const hour = (h: number) => new Date(Date.now() - h * 3_600_000).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const rows = Array.from({ length: 40 }, (_, h) => [`${hour(h + 1)},上城区,${30 + ((h * 7) % 40)}`, `${hour(h + 1)},西湖区,${20 + ((h * 5) % 30)}`]).flat();
  const up = await upload(server.app, '/datasets/RX_AIR/ingest', officer, 'air.csv', ['时间,区域,PM2.5', ...rows, ''].join('\n'), {});
  assert.equal(up.json().status, 'succeeded', up.body);
  await call('POST', '/indicators', officer, { code: 'PM25_HOURLY', name: 'PM2.5 小时均值', unit: 'μg/m³', query: { mode: 'builder', dataset: 'RX_AIR', time: 'sj', measure: 'pm25', agg: 'avg', dimensions: ['qy'], grain: 'hour' } });

  // a few cases at the centres of grid cells of 萧山区 (a large district: easy to click) and 西湖区
  const cells = async (district: string) => (await call<{ features: { properties: { code: string; center: [number, number] } }[] }>('GET', `/geo/areas?level=grid&parent=${district}`, admin)).features;
  const located: string[] = [];
  for (const [district, n] of [['330109', 4], ['330106', 2]] as const) {
    for (const f of (await cells(district)).slice(0, n)) {
      const [lng, lat] = f.properties.center;
      await call('POST', '/cases', operator, { channel: 'hotline', text: `路灯不亮，晚上出行不便（${f.properties.code}）`, lng, lat, reporterPhone: '13900001111' });
      located.push(f.properties.code);
    }
  }

  const { page, errors, outside } = await openBrowser(server.url, 30_000, t);
  await logIn(page, server.url, 'rx_officer', PASSWORD);

  // ---- the builder: a map of the case hot spots and a line over the indicator
  await page.goto(`${server.url}/dashboards`);
  await page.locator('[data-test=dashboard-new]').click();
  await page.waitForURL(/\/dashboards\/new$/);
  await page.locator('[data-test=dashboard-name] input, input[data-test=dashboard-name]').first().fill('城市运行测试');
  await page.locator('[data-test=palette-map]').click();
  const mapItem = page.locator('[data-test=builder-item]').nth(0);
  await mapItem.locator('[data-test=city-map] canvas').first().waitFor();
  await page.locator('[data-test=palette-line]').click();
  const lineItem = page.locator('[data-test=builder-item]').nth(1);
  await page.locator('[data-test=widget-source-indicator]').click();
  await page.locator('[data-test=widget-indicator]').click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'PM25_HOURLY' }).first().click();
  await page.locator('[data-test=widget-dimension]').click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'qy' }).first().click();
  await lineItem.locator('canvas').first().waitFor();
  // drag the line's title bar to the right of the map: the grid places it there
  const handle = lineItem.locator('.drag-handle');
  const hb = (await handle.boundingBox())!;
  const mb = (await mapItem.boundingBox())!;
  await page.mouse.move(hb.x + 20, hb.y + hb.height / 2);
  await page.mouse.down();
  await page.mouse.move(mb.x + mb.width + 40, mb.y + 10, { steps: 12 });
  await page.mouse.up();
  await page.waitForTimeout(400);
  const lb = (await lineItem.boundingBox())!;
  assert.ok(lb.x > mb.x + mb.width / 2 && Math.abs(lb.y - mb.y) < 30, `the line moved beside the map: ${JSON.stringify(lb)} vs ${JSON.stringify(mb)}`);
  await shot(page, '01-builder');
  await page.locator('[data-test=dashboard-save]').click();
  await page.waitForURL(/\/dashboards\/DB_[A-Z0-9]+$/);
  const code = page.url().split('/').pop()!;
  const saved = await call<{ layout: { type: string; x: number; y: number; config: { source: { kind: string; indicator?: string; dimension?: string } } }[] }>('GET', `/dashboards/${code}`, officer);
  assert.deepEqual(saved.layout.map((w) => [w.type, w.config.source.kind]), [['map', 'hotspots'], ['line', 'indicator']]);
  assert.equal(saved.layout[1]!.config.source.indicator, 'PM25_HOURLY');
  assert.equal(saved.layout[1]!.config.source.dimension, 'qy');
  assert.ok(saved.layout[1]!.x >= 12 && saved.layout[1]!.y === 0, `saved beside the map: ${JSON.stringify(saved.layout[1])}`);

  // ---- the viewer: both canvases paint
  const map = page.locator('[data-test=dashboard-viewer] [data-test=dashboard-widget][data-type=map]');
  const line = page.locator('[data-test=dashboard-viewer] [data-test=dashboard-widget][data-type=line]');
  await map.locator('canvas').first().waitFor();
  await line.locator('canvas').first().waitFor();
  await page.waitForTimeout(800);
  assert.ok((await painted(map.locator('canvas').first())) > 100, 'the map paints');
  assert.ok((await painted(line.locator('canvas').first())) > 100, 'the line paints');
  await shot(page, '02-viewer');

  // ---- drill-down: a district clicked → its grid cells, the figures narrowed to it
  const gridLoaded = page.waitForResponse((r) => /\/geo\/areas\?level=grid&parent=330109/.test(r.url()) && r.status() === 200);
  const hotNarrowed = page.waitForResponse((r) => /\/cases\/stats\/hotspots\?.*district=330109/.test(r.url()) && r.status() === 200);
  assert.equal(await clickArea(page, map, /^330109$/), '330109');
  await Promise.all([gridLoaded, hotNarrowed]);
  await page.locator('[data-test=dashboard-crumb]').filter({ hasText: '萧山区' }).waitFor();
  await page.waitForTimeout(800);
  assert.ok((await painted(map.locator('canvas').first())) > 100, 'the grid cells paint');
  await shot(page, '03-district');

  // ---- a grid cell clicked → its cases in a drawer, as the API lists them for this officer
  const cell = await clickArea(page, map, /^330109\d{9}$/);
  const drawer = page.locator('.el-drawer').filter({ has: page.locator('[data-test=dashboard-records-table]') });
  await drawer.waitFor();
  assert.match(await drawer.locator('.el-drawer__title, .el-drawer__header').first().innerText(), new RegExp(cell));
  const listed = await call<{ total: number; items: { code: string }[] }>('GET', `/cases?grid=${cell}&limit=50`, officer);
  assert.equal(listed.total, located.filter((c) => c === cell).length, 'the API finds the cases placed in that cell');
  await page.waitForFunction(([n]) => document.querySelectorAll('[data-test=dashboard-records-table] .el-table__body tr').length === n, [listed.items.length]);
  await shot(page, '04-cell');
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  // ---- export: PNG and PDF download files
  for (const [button, ext, magic] of [['dashboard-export-png', 'png', '\x89PNG'], ['dashboard-export-pdf', 'pdf', '%PDF']] as const) {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator(`[data-test=${button}]`).click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^城市运行测试-\\d{4}-\\d{2}-\\d{2}\\.${ext}$`));
    const file = path.join(SHOTS, `dashboards-export.${ext}`);
    await download.saveAs(file);
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.length > 5_000, `${ext}: ${bytes.length} bytes`);
    assert.equal(bytes.subarray(0, magic.length).toString('latin1'), magic);
  }

  // ---- the large screen: 1920×1080, no scrollbar, no menu
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${server.url}/dashboards/${code}?screen=1`);
  await page.locator('[data-test=dashboard-screen-title]').waitFor();
  await page.locator('.screen [data-test=dashboard-widget][data-type=line] canvas').first().waitFor();
  await page.waitForTimeout(1000);
  const fit = await page.evaluate(() => {
    const v = document.querySelector('.dash-viewer.screen')!.getBoundingClientRect();
    const canvas = document.querySelector('[data-test=dashboard-canvas]')!.getBoundingClientRect();
    const atMenu = document.elementFromPoint(40, 400);
    return {
      doc: [document.documentElement.scrollWidth, document.documentElement.scrollHeight], viewer: [v.width, v.height], bottom: canvas.bottom,
      menuCovered: !!atMenu?.closest('.dash-viewer'), overflow: getComputedStyle(document.documentElement).overflow,
    };
  });
  assert.deepEqual(fit.doc, [1920, 1080], 'the page does not scroll');
  assert.deepEqual(fit.viewer, [1920, 1080], 'the screen fills the window');
  assert.ok(fit.bottom <= 1080, `the widgets fit: bottom at ${fit.bottom}`);
  assert.ok(fit.menuCovered, 'no menu shows');
  assert.ok((await painted(page.locator('.screen [data-type=map] canvas').first())) > 100, 'the map paints on the large screen');
  await shot(page, '05-screen');
  await page.setViewportSize({ width: 1440, height: 900 });

  // ---- shared with another department: the layout, not the data — no grant, no indicator
  const shared = await server.app.inject({ method: 'PUT', url: `/api/v1/dashboards/${code}/share`, headers: officer, payload: { departments: [cg] } });
  assert.equal(shared.statusCode, 200, shared.body);
  await switchUser(page, server.url, 'cg_officer', PASSWORD);
  await page.goto(`${server.url}/dashboards`);
  await page.waitForURL(/\/dashboards$/);
  const sharedTab = page.locator('[data-test=dashboards] .el-tabs__item').nth(1);
  await sharedTab.waitFor({ timeout: 60_000 });
  await sharedTab.click();
  await page.locator(`[data-test=dashboard-card][data-code=${code}] [data-test=dashboard-open]`).click();
  await page.locator('[data-type=line] [data-test=widget-denied]').waitFor();
  assert.match(await page.locator('[data-type=line] [data-test=widget-denied]').innerText(), /无权查看/);
  await page.locator('[data-type=map] canvas').first().waitFor();
  assert.equal(await page.locator('[data-test=dashboard-edit]').count(), 0, 'shown, not editable');
  await shot(page, '06-shared');

  assert.deepEqual(outside, [], 'nothing fetched from outside the server');
  assert.deepEqual(errors, [], 'no page errors');
});
