/**
 * The demo city's push: each of its four push rules ran and found candidates, the departments'
 * second check left notices sent, rejected and waiting, `citizen_elder` finds a granted 高龄津贴
 * notice in the inbox, and running the rules again notifies no one twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rules } from '../../../../src/apps/rules/index.ts';
import { DEMO_PASSWORD } from '../../../../src/demo/index.ts';
import { DEMO_PUSH_RULES } from '../../../../src/demo/push.ts';
import { SYSTEM } from '../../../helpers/platform.ts';
import { login, openTestApp } from '../../../helpers/server.ts';

describe('the demo city\'s push rules (pglite)', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  before(async () => {
    t = await openTestApp('pglite', { demo: { people: 1500, seed: 7 } });
  });
  after(() => t.close());

  const count = async (where: string) => Number((await t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM push_notices WHERE ${where}`))!.n);

  test('every demo push rule ran and found people; the second check left notices sent, rejected and waiting', async () => {
    for (const r of DEMO_PUSH_RULES) {
      const rule = await rules.get(t.p, SYSTEM, r.code);
      assert.equal(rule.lastRun?.status, 'done', `${r.code}: ${rule.lastRun?.error}`);
      assert.ok((rule.lastRun?.counts.new ?? 0) > 0, `${r.code} found candidates: ${JSON.stringify(rule.lastRun?.counts)}`);
      assert.equal(rule.lastRun?.counts.noSubject, 0, `${r.code}: every row names its subject in clear`);
    }
    assert.ok(await count(`rule_code = 'PUSH_GLJT' AND status = 'sent' AND outcome = 'granted'`) >= 1);
    assert.equal(await count(`rule_code = 'PUSH_GLJT' AND status = 'rejected' AND reason IS NOT NULL`), 1);
    assert.ok(await count(`rule_code = 'PUSH_XBQY' AND status = 'candidate'`) >= 1, 'left for the console');
  });

  test('citizen_elder finds the granted 高龄津贴 notice in the inbox', async () => {
    const h = await login(t.app, 'citizen_elder', DEMO_PASSWORD);
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/inbox', headers: h });
    assert.equal(r.statusCode, 200, r.body);
    const items = r.json().items as { title: string; granted: boolean; rule: { code: string } }[];
    assert.ok(items.some((n) => n.rule.code === 'PUSH_GLJT' && n.granted && n.title === '高龄津贴已为您办理'), r.body);
  });

  test('running the demo rules again notifies no one twice', async () => {
    const before = await count('true');
    for (const r of DEMO_PUSH_RULES) {
      const run = await rules.run(t.p, SYSTEM, r.code);
      assert.equal(run.counts.new, 0, `${r.code}: ${JSON.stringify(run.counts)}`);
      assert.equal(run.counts.duplicate + run.counts.optedOut, run.counts.candidates);
    }
    assert.equal(await count('true'), before);
  });
});
