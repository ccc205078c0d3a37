// Browser test of 网格管理 on the demo city's geography: the map draws the unit grid cells on a
// canvas from the platform's own API (nothing from outside), the list searches them, and a cell
// opens in a drawer with its 15-digit code (GB/T 30428.1), the areas above it and its grid workers.
//   node --import tsx --test test/e2e/grid.test.ts
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as grid-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { logIn, openBrowser } from '../helpers/browser.ts';
import { startTestServer } from '../helpers/server.ts';
import { ADMIN_PASSWORD, SYSTEM } from '../helpers/platform.ts';
import { departments } from '../../src/identity/index.ts';
import { DEMO_PASSWORD, loadDemoGeography } from '../../src/demo/index.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `grid-${name}.png`), animations: 'disabled' });

/** How many pixels of the map's canvas are painted (not transparent), sampled on a coarse raster. */
const painted = (page: Page) => page.locator('[data-test=city-map] canvas').first().evaluate((c: HTMLCanvasElement) => {
  const ctx = c.getContext('2d');
  if (!ctx || !c.width || !c.height) return 0;
  const data = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4 * 97) if (data[i]! > 0) n++;
  return n;
});

test('网格管理: the map of grid cells, the list, a cell with its code and workers', { timeout: 300_000 }, async (t) => {
  const server = await startTestServer({
    demo: async (p) => {
      await departments.create(p, SYSTEM, { code: 'CG', name: '城市管理局', regionCode: '330100' });
      await loadDemoGeography(p, { password: DEMO_PASSWORD });
    },
  });
  t.after(() => server.close());
  const { page, outside, errors } = await openBrowser(server.url, 30_000, t);

  await logIn(page, server.url, 'admin', ADMIN_PASSWORD);
  await page.goto(`${server.url}/grid`);
  await page.locator('[data-test=city-map] canvas').first().waitFor();
  // the cells are drawn: the canvas fills in once the GeoJSON is registered
  await page.waitForFunction(() => document.querySelectorAll('[data-test=grid-list] .el-table__row').length > 0);
  await page.waitForTimeout(500);
  assert.ok((await painted(page)) > 100, 'the map canvas is painted');
  await shot(page, '01-map');

  // the list finds a cell by name; a click opens it
  await page.locator('input[data-test=grid-search]').fill('湖滨街道第03网格');
  const row = page.locator('[data-test=grid-list] .el-table__row').filter({ hasText: '湖滨街道第03网格' });
  await row.waitFor();
  await row.click();
  const drawer = page.locator('.el-drawer').filter({ has: page.locator('[data-test=grid-code]') });
  await drawer.waitFor();
  const code = (await drawer.locator('[data-test=grid-code]').innerText()).trim();
  assert.match(code, /^330102001\d{6}$/, code);
  const text = await drawer.innerText();
  assert.match(text, /上城区/);
  assert.match(text, /湖滨街道（330102001）/);
  assert.match(text, /社区（330102001\d{3}）/);
  await drawer.locator('[data-test=grid-workers] .el-table__row').filter({ hasText: '湖滨街道网格员' }).first().waitFor();
  await shot(page, '02-cell');

  // the districts' map: a district in the list opens its cells
  await page.keyboard.press('Escape');
  await page.locator('input[data-test=grid-search]').fill('');
  await page.locator('[data-test=grid-level]').getByText('区县').click();
  await page.locator('[data-test=grid-list] .el-table__row').filter({ hasText: '淳安县' }).waitFor();
  await page.waitForTimeout(300);
  assert.ok((await painted(page)) > 100, 'the districts are painted');
  await page.locator('[data-test=grid-list] .el-table__row').filter({ hasText: '滨江区' }).click();
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-test=grid-list] .el-table__row')];
    return rows.length > 0 && rows.every((r) => (r.textContent ?? '').includes('330108'));
  });
  await shot(page, '03-district');

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(errors, []);
});
