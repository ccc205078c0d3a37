// Browser test of 一人一档 (entity resolution) in the console against the demo city (its full linkage run
// is part of the demo):
//  - 民政局's officer searches a person by name (the datasets searched and skipped are named) and opens the
//    profile: the golden record with its rules, the timeline, at least two source records (the marriage
//    register of the department's own, the household register under the demo city's grant), and a link's
//    explanation with its waterfall;
//  - the officer ticks the department's record and splits it off with a reason (a reason too short is
//    refused): the page names both profiles, the record lives in the new one, the decision is in the history;
//    then merges the two again by the other profile's id;
//  - pairs wait in the review queue (the band widened for the step: the demo city's records leave none in the model's band, see widenReviewBand);
//    the admin compares it (waterfall) and decides it is not the same person, and it leaves the pending list;
//  - the admin starts an incremental run on the runs page and sees it done.
//   node scripts/test.mjs test/e2e/entity
// Screenshots go to $GOVHUB_E2E_SCREENSHOTS (default /tmp) as entity-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { loadDemo, officerName, DEMO_PASSWORD } from '../../src/demo/index.ts';
import { entityRuns, KIND_MODELS } from '../../src/entity/index.ts';
import { SYSTEM } from '../../src/kernel/index.ts';
import { logIn, openBrowser, confirmBox, switchUser as switchAs } from '../helpers/browser.ts';
import { apiJson, login, startTestServer } from '../helpers/server.ts';

const SHOTS = process.env.GOVHUB_E2E_SCREENSHOTS ?? '/tmp';
const OFFICER = officerName('MZ'); // 民政局: the marriage register in clear, the household register under a grant
const SPLIT_REASON = '婚姻登记中的男方与户籍人员出生日期不符，系同名他人';
const MERGE_REASON = '核对结婚证原件，确为同一人，撤销拆分';
const REVIEW_REASON = '身份证号与出生日期均不同，不是同一人';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `entity-${name}.png`), animations: 'disabled', fullPage: true, style: '.el-message { visibility: hidden !important; }' });
}

const server = await startTestServer({ demo: async (p) => { await loadDemo(p, { people: 300, seed: 5 }); } });
test.after(() => server.close());
type As = { authorization: string };
const call = apiJson(server.app);
const entities = <T = any>(method: 'GET' | 'POST', url: string, as: As, payload?: object) => call<T>(method, `/entities/person${url}`, as, payload); // eslint-disable-line @typescript-eslint/no-explicit-any
/** A profile's address as a pattern for waitForURL. */
const profileUrl = (id: string) => new RegExp(`/entity/person/${encodeURIComponent(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const switchUser = (page: Page, username: string, password = DEMO_PASSWORD) => switchAs(page, server.url, username, password);

/**
 * Pairs in the clerical review queue. The demo city's records are decided with near certainty (an ID number,
 * or every field agreeing), so no pair of it scores in the model's review band (0.5–0.9): here the band is
 * widened to [0.5, 1] for the review step, and a re-clustering run puts the pairs not settled by an ID number
 * in the queue, as any run does with the pairs in its band. Returns the function that restores the band.
 */
async function widenReviewBand(): Promise<() => void> {
  const settings = KIND_MODELS.person.settings;
  KIND_MODELS.person.settings = { ...settings, reviewBand: [0.5, 1.000001] };
  await entityRuns.runNow(server.p, SYSTEM, 'person', { mode: 'recluster' });
  return () => { KIND_MODELS.person.settings = settings; };
}

interface Hit { clusterId: string; records: number }
/** A person of the marriage register the officer sees in at least two linked records. */
async function personWithLinks(officer: As): Promise<{ name: string; clusterId: string }> {
  const held = await call<{ rows: Record<string, string>[] }>('GET', '/datasets/MZ_HYDJ/rows?limit=100', officer);
  for (const name of held.rows.flatMap((r) => [r.nf_xm, r.nv_xm])) {
    const found = await entities<{ items: Hit[] }>('GET', `/search?by=name&q=${encodeURIComponent(name)}`, officer);
    for (const hit of found.items) {
      const profile = await entities('GET', `/profiles/${encodeURIComponent(hit.clusterId)}`, officer);
      const mine = profile.records.filter((r: { dataset: { code: string } }) => r.dataset.code.startsWith('MZ_'));
      if (profile.records.length >= 2 && profile.links.length >= 1 && mine.length >= 1 && mine.length < profile.records.length) return { name, clusterId: hit.clusterId };
    }
  }
  return assert.fail('no person of the marriage register is seen by the officer in two linked records');
}

test('一人一档: search → profile (golden record, timeline, records, explained link) → split → review', { timeout: 600_000 }, async (t) => {
  const admin = await login(server.app, 'admin', server.adminPassword);
  const officer = await login(server.app, OFFICER, DEMO_PASSWORD);
  const person = await personWithLinks(officer);
  const { page, errors, outside } = await openBrowser(server.url, 30_000, t);

  // ---- the officer searches by name; the datasets searched and skipped are named; the hit opens the profile
  await logIn(page, server.url, OFFICER, DEMO_PASSWORD);
  await page.locator('[data-test=menu-group-entity]').click();
  await page.locator('[data-test=menu-entitySearch]').click();
  await page.locator('[data-test=entity-chart-sizes] canvas').waitFor();
  await page.locator('[data-test=entity-search-q]').fill(person.name);
  await page.locator('[data-test=entity-search-go]').click();
  await page.locator('[data-test=entity-results] .el-table__body tr').first().waitFor();
  assert.match(await page.locator('[data-test=entity-searched]').innerText(), /婚姻登记信息/);
  assert.ok((await page.locator('[data-test=entity-skipped] .el-tag').count()) >= 1, 'the datasets left out are named');
  await shot(page, '01-search');
  await page.locator(`[data-test=entity-result-open][data-cluster="${person.clusterId}"]`).click();
  await page.waitForURL(profileUrl(person.clusterId));

  // ---- the profile: golden record with rules, timeline, at least two source records, the links
  await page.locator('[data-test=entity-golden-field]').first().waitFor();
  assert.match(await page.locator('[data-test=entity-golden]').innerText(), /最可信来源|最新|最常见/);
  assert.match(await page.locator('.page-header h2').innerText(), new RegExp(person.name.slice(0, 1)));
  assert.ok((await page.locator('[data-test=entity-timeline-item]').count()) >= 1, 'the timeline has events');
  assert.ok((await page.locator('[data-test=entity-record-rid]').count()) >= 2, 'at least two source records');
  assert.ok((await page.locator('[data-test=entity-record-group]').count()) >= 2, 'records from two datasets');
  await shot(page, '02-profile');

  // ---- a link explained: the waterfall is drawn, the comparisons listed with both values
  await page.locator('[data-test=entity-link-explain]').first().click();
  const drawer = page.locator('.el-drawer:visible');
  const waterfall = drawer.locator('[data-test=entity-waterfall] canvas');
  await waterfall.waitFor();
  const box = await waterfall.boundingBox();
  assert.ok(box && box.width > 300 && box.height > 200, 'the waterfall has its size');
  assert.ok((await drawer.locator('[data-test=entity-explain-fields] .el-table__body tr').count()) >= 3, 'the comparisons are listed');
  assert.match(await drawer.locator('[data-test=entity-explain-summary]').innerText(), /匹配概率/);
  await page.waitForTimeout(600);
  await shot(page, '03-explain');
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  // ---- the officer splits the department's own record off, with a reason
  const before = await page.locator('[data-test=entity-record-rid]').count();
  const mine = page.locator('[data-test=entity-record-group][data-dataset^=MZ_] .el-table__body tr').first();
  const movedRid = (await mine.locator('[data-test=entity-record-rid]').innerText()).trim();
  await mine.locator('.el-checkbox').click();
  await page.locator('[data-test=entity-split]').click();
  const dialog = page.locator('.el-dialog:visible');
  await dialog.waitFor();
  await page.locator('[data-test=entity-split-reason]').fill('不对');
  await page.locator('[data-test=entity-split-save]').click();
  await dialog.locator('.el-form-item__error').filter({ hasText: '至少 4 个字' }).waitFor();
  await page.locator('[data-test=entity-split-reason]').fill(SPLIT_REASON);
  await shot(page, '04-split-dialog');
  await page.locator('[data-test=entity-split-save]').click();
  await page.locator('[data-test=entity-split-result]').waitFor();
  const kept = (await page.locator('[data-test=entity-split-kept]').innerText()).trim();
  const split = (await page.locator('[data-test=entity-split-new]').innerText()).trim();
  assert.equal(kept, person.clusterId, 'the profile keeps its id');
  assert.notEqual(split, kept, 'two profiles');
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=entity-record-rid]').length === n, before - 1);
  assert.match(await page.locator('[data-test=entity-decisions]').innerText(), new RegExp(SPLIT_REASON));
  await shot(page, '05-split');
  await page.locator('[data-test=entity-split-new]').click();
  await page.waitForURL(profileUrl(split));
  await page.locator('[data-test=entity-record-rid]').filter({ hasText: movedRid }).waitFor();
  assert.equal(await page.locator('[data-test=entity-record-rid]').count(), 1, 'the split record alone in the new profile');

  // ---- …and merges it back by the other profile's id: one profile with both records again
  await page.locator('[data-test=entity-merge]').click();
  await dialog.waitFor();
  await page.locator('[data-test=entity-merge-other]').fill(kept);
  await page.locator('[data-test=entity-merge-reason]').fill(MERGE_REASON);
  await page.locator('[data-test=entity-merge-save]').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=entity-record-rid]').length === n, before);
  const merged = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  assert.ok([kept, split].includes(merged), `the merged profile is one of the two (${merged})`);
  assert.match(await page.locator('[data-test=entity-decisions]').innerText(), new RegExp(MERGE_REASON));
  await shot(page, '06-merged');

  // ---- the review queue: the admin compares the waiting pair and rules it out
  const restoreBand = await widenReviewBand();
  const waiting = await entities<{ total: number; items: { left: { rid: string } }[] }>('GET', '/review?status=pending&limit=1', admin);
  const pendingBefore = waiting.total;
  assert.ok(pendingBefore >= 1, 'pairs wait for review');
  const planted = { left: waiting.items[0]!.left.rid };
  await switchUser(page, 'admin', server.adminPassword);
  await page.locator('[data-test=menu-group-entity]').click();
  await page.locator('[data-test=menu-entityReview]').click();
  const rows = page.locator('[data-test=entity-review-table] .el-table__body tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), Math.min(pendingBefore, 20));
  assert.match(await rows.first().innerText(), new RegExp(planted.left));
  await page.locator('[data-test=entity-review-compare]').first().click();
  const review = page.locator('.el-drawer:visible');
  await review.locator('[data-test=entity-waterfall] canvas').waitFor();
  assert.ok((await review.locator('[data-test=entity-explain-fields] .el-table__body tr').count()) >= 3, 'the comparisons are listed');
  await page.waitForTimeout(600);
  await shot(page, '07-review');
  await review.locator('[data-test=entity-drawer-nomatch]').click();
  await confirmBox(page, REVIEW_REASON);
  await review.waitFor({ state: 'hidden' });
  await page.locator('.el-pagination__total').filter({ hasText: String(pendingBefore - 1) }).waitFor();
  assert.equal((await entities<{ total: number }>('GET', '/review?status=pending&limit=1', admin)).total, pendingBefore - 1);
  const decided = await entities<{ items: { reason: string }[] }>('GET', '/review?status=no_match&limit=50', admin);
  assert.ok(decided.items.some((i) => i.reason === REVIEW_REASON), 'the decision is kept with its reason');
  await page.locator('[data-test=entity-review-status-no_match]').click();
  await page.locator('[data-test=entity-review-table] .el-table__body tr').filter({ hasText: REVIEW_REASON }).waitFor();
  await shot(page, '08-reviewed');
  restoreBand();

  // ---- the runs page lists the runs with what they produced; the admin starts an incremental one and follows it
  await page.locator('[data-test=menu-entityRuns]').click();
  await page.locator('[data-test=entity-run-stats]').first().waitFor();
  const runsBefore = (await entities<{ items: unknown[] }>('GET', '/runs', admin)).items.length;
  await page.locator('[data-test=entity-run-start]').click();
  await page.locator('[data-test=entity-run-go]').click();
  const runRows = page.locator('[data-test=entity-runs] .el-table__body tr');
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=entity-runs] .el-table__body tr').length === n, runsBefore + 1);
  await runRows.first().locator('[data-test=entity-run-status][data-status=done]').waitFor();
  assert.match(await runRows.first().innerText(), /增量/);
  await shot(page, '09-runs');

  assert.deepEqual(outside, [], 'nothing fetched from outside');
  assert.deepEqual(errors, [], 'errors in the page');
});
