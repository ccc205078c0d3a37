// Browser test of 一人一档 (entity resolution) in the console against the demo city, after a full linkage run:
//  - an officer searches a person by name (the datasets searched are named), opens the profile: the golden
//    record with its rules, the timeline, at least two source records, and a link's explanation with its waterfall;
//  - the admin ticks one source record and splits it off with a reason: the page names the two profiles, and
//    the record now lives in the other one;
//  - the review queue lists pending pairs; deciding one takes it off the pending list.
//   node scripts/test.mjs test/e2e/entity
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as entity-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { loadDemo, officerName, DEMO_PASSWORD } from '../../src/demo/index.ts';
import { logIn, openBrowser, confirmBox, switchUser as switchAs } from '../helpers/browser.ts';
import { login, startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const OFFICER = officerName('GA'); // 公安局: holds the population register in clear
const SPLIT_REASON = '该条记录出生日期与住址均不符，系同名他人';
const REVIEW_REASON = '出生日期和住址不同，判定为两个人';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `entity-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}

const server = await startTestServer({ demo: async (p) => { await loadDemo(p, { people: 300, seed: 5 }); } });
test.after(() => server.close());
type As = { authorization: string };
async function api<T = any>(method: 'GET' | 'POST', url: string, as: As, payload?: object): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await server.app.inject({ method, url: `/api/v1/entities/person${url}`, headers: as, payload });
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}
/** A profile's address as a pattern for waitForURL. */
const profileUrl = (id: string) => new RegExp(`/entity/person/${encodeURIComponent(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const switchUser = (page: Page, username: string, password = DEMO_PASSWORD) => switchAs(page, server.url, username, password);

/** A full run, unless the demo city's profiles are already built; waits until it is done. */
async function profilesBuilt(admin: As): Promise<void> {
  const overview = await api('GET', '/overview', admin);
  if (overview.lastRun?.status === 'done') return;
  const { id } = await api('POST', '/runs', admin, { mode: 'full' });
  for (let i = 0; i < 300; i++) {
    const run = (await api('GET', '/runs', admin)).items.find((r: { id: string }) => r.id === id);
    assert.notEqual(run?.status, 'failed', `run failed: ${run?.error}`);
    if (run?.status === 'done') return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.fail('the linkage run did not finish in 5 minutes');
}

interface Hit { clusterId: string; display: { name?: string }; records: number }
/** A person the officer sees in at least two records with a link between them, found by the name on the register. */
async function personWithLinks(officer: As): Promise<{ name: string; clusterId: string }> {
  const held = await server.app.inject({ method: 'GET', url: '/api/v1/datasets/GA_HJRK/rows?limit=200', headers: officer });
  assert.equal(held.statusCode, 200, held.body);
  for (const row of held.json().rows as Record<string, string>[]) {
    const found = await api<{ items: Hit[] }>('GET', `/search?by=name&q=${encodeURIComponent(row.xm)}&limit=20`, officer);
    for (const hit of found.items.filter((h) => h.records >= 2)) {
      const profile = await api('GET', `/profiles/${encodeURIComponent(hit.clusterId)}`, officer);
      if (profile.records.length >= 2 && profile.links.length >= 1) return { name: row.xm, clusterId: hit.clusterId };
    }
  }
  return assert.fail('no person of the register is seen by the officer in two linked records');
}

test('一人一档: search → profile (golden record, timeline, records, explained link) → split → review', { timeout: 600_000 }, async (t) => {
  const admin = await login(server.app, 'admin', server.adminPassword);
  const officer = await login(server.app, OFFICER, DEMO_PASSWORD);
  await profilesBuilt(admin);
  const person = await personWithLinks(officer);

  const { page, errors, outside } = await openBrowser(server.url, 30_000, t);

  // ---- the officer searches by name; the datasets searched are named; the hit opens the profile
  await logIn(page, server.url, OFFICER, DEMO_PASSWORD);
  await page.locator('[data-test=menu-group-entity]').click();
  await page.locator('[data-test=menu-entitySearch]').click();
  await page.locator('[data-test=entity-stat-clusters]').waitFor();
  await page.locator('[data-test=entity-search-q]').fill(person.name);
  await page.locator('[data-test=entity-search-go]').click();
  const rows = page.locator('[data-test=entity-results] .el-table__body tr');
  await rows.first().waitFor();
  assert.ok((await page.locator('[data-test=entity-searched] .el-tag').count()) >= 1, 'the datasets searched are named');
  assert.match(await rows.first().innerText(), new RegExp(person.name));
  await page.locator('[data-test=entity-chart-sizes] canvas').waitFor();
  await shot(page, '01-search');
  await page.locator(`[data-test=entity-result-open][data-cluster="${person.clusterId}"]`).click();
  await page.waitForURL(profileUrl(person.clusterId));

  // ---- the profile: golden record with rules, timeline, at least two source records, the links
  await page.locator('[data-test=entity-golden-field]').first().waitFor();
  assert.ok((await page.locator('[data-test=entity-golden-rule]').count()) >= 1, 'each golden field names its rule');
  assert.match(await page.locator('[data-test=entity-golden]').innerText(), /最可信来源|最新|最常见/);
  assert.ok((await page.locator('[data-test=entity-timeline-item]').count()) >= 1, 'the timeline has events');
  assert.ok((await page.locator('[data-test=entity-record-rid]').count()) >= 2, 'at least two source records');
  assert.equal(await page.locator('[data-test=entity-merge]').count(), 1, 'an officer may merge');
  await shot(page, '02-profile');

  // ---- a link explained: the waterfall is drawn, the fields are listed with both values
  await page.locator('[data-test=entity-link-explain]').first().click();
  const drawer = page.locator('[data-test=entity-explain-drawer]');
  await drawer.locator('[data-test=entity-waterfall] canvas').waitFor();
  const canvas = await drawer.locator('[data-test=entity-waterfall] canvas').boundingBox();
  assert.ok(canvas && canvas.width > 200 && canvas.height > 200, 'the waterfall has its size');
  assert.ok((await drawer.locator('[data-test=entity-explain-fields] .el-table__body tr').count()) >= 1, 'the comparisons are listed');
  assert.match(await drawer.locator('[data-test=entity-explain-summary]').innerText(), /匹配概率/);
  await page.waitForTimeout(600);
  await shot(page, '03-explain');
  await page.keyboard.press('Escape');
  await drawer.locator('.el-drawer').waitFor({ state: 'hidden' });

  // ---- the admin splits the last record off with a reason: two profiles named, the record moved
  await switchUser(page, 'admin', server.adminPassword);
  await page.goto(`${server.url}/entity/person/${encodeURIComponent(person.clusterId)}`);
  await page.locator('[data-test=entity-record-rid]').first().waitFor();
  const before = await page.locator('[data-test=entity-record-rid]').count();
  const lastRow = page.locator('[data-test=entity-records] .el-table__body tr').last();
  const movedRid = (await lastRow.locator('[data-test=entity-record-rid]').innerText()).trim();
  await lastRow.locator('.el-checkbox').click();
  await page.locator('[data-test=entity-split]').click();
  const dialog = page.locator('.el-dialog:visible');
  await dialog.waitFor();
  // a reason too short is refused by the form
  await page.locator('[data-test=entity-split-reason]').fill('不对');
  await page.locator('[data-test=entity-split-save]').click();
  await dialog.locator('.el-form-item__error').filter({ hasText: '至少 4 个字' }).waitFor();
  await page.locator('[data-test=entity-split-reason]').fill(SPLIT_REASON);
  await shot(page, '04-split-dialog');
  await page.locator('[data-test=entity-split-save]').click();
  await page.locator('[data-test=entity-split-result]').waitFor();
  const kept = (await page.locator('[data-test=entity-split-kept]').innerText()).trim();
  const split = (await page.locator('[data-test=entity-split-new]').innerText()).trim();
  assert.notEqual(kept, split, 'two profiles');
  await page.locator(`[data-test=entity-record-rid]`).first().waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=entity-record-rid]').length === n, before - 1);
  assert.match(await page.locator('[data-test=entity-decisions]').innerText(), new RegExp(SPLIT_REASON));
  await shot(page, '05-split');
  await page.locator('[data-test=entity-split-new]').click();
  await page.waitForURL(profileUrl(split));
  await page.locator('[data-test=entity-record-rid]').filter({ hasText: movedRid }).waitFor();

  // ---- the review queue: pending pairs compared and one decided
  await page.locator('[data-test=menu-entityReview]').click();
  const pending = page.locator('[data-test=entity-review-table] .el-table__body tr');
  await pending.first().waitFor();
  const total = (await api<{ total: number }>('GET', '/review?status=pending&limit=1', admin)).total;
  assert.ok(total >= 1, 'pairs wait for review');
  await page.locator('[data-test=entity-review-compare]').first().click();
  const review = page.locator('[data-test=entity-review-drawer]');
  await review.locator('[data-test=entity-waterfall] canvas').waitFor();
  await page.waitForTimeout(600);
  await shot(page, '06-review');
  await review.locator('[data-test=entity-drawer-nomatch]').click();
  await confirmBox(page, REVIEW_REASON);
  await review.locator('.el-drawer').waitFor({ state: 'hidden' });
  await page.locator('.el-pagination__total').filter({ hasText: String(total - 1) }).waitFor();
  assert.equal((await api<{ total: number }>('GET', '/review?status=pending&limit=1', admin)).total, total - 1);
  const decided = await api<{ items: { reason: string }[] }>('GET', '/review?status=no_match&limit=50', admin);
  assert.ok(decided.items.some((i) => i.reason === REVIEW_REASON), 'the decision is kept with its reason');
  await shot(page, '07-reviewed');

  // ---- the runs page lists the full run with what it produced
  await page.locator('[data-test=menu-entityRuns]').click();
  await page.locator('[data-test=entity-run-stats]').first().waitFor();
  await shot(page, '08-runs');

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(errors, [], 'errors in the page');
});
