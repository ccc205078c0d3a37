/**
 * Push (推) end to end through the API, with real push rules run by the engine over a department's
 * data: candidates for the responsible department's second check, notices never duplicated across
 * runs, opt-outs respected, only the responsible department checks, each citizen sees only their
 * own notices (an enterprise's reach its legal representative), 免申即享 granted on approval,
 * answers and outcome counts, text messages and signed webhook calls on approval, every decision audited.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../../helpers/platform.ts';
import { login } from '../../../helpers/server.ts';
import { id, openCity, OFFICER_PASSWORD, type Auth, type City } from '../../../helpers/city.ts';

const FIELDS = [
  { name: 'gmsfhm', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'csrq', title: '出生日期', type: 'date', sensitivity: 'L2' },
  { name: 'qymc', title: '企业名称', type: 'string', sensitivity: 'L1' },
];
const AS_OF = '2024-06-30';
// four people of 80 and over on the as-of day (one turns 80 on it), one of 79
const ELDERS = [[1, '王大爷', '1930-01-02', ''], [2, '李奶奶', '1940-03-04', ''], [3, '赵爷爷', '1944-06-30', '赵氏商行'], [4, '钱奶奶', '1935-12-12', '']] as const;
const csv = (rows: readonly (readonly [number, string, string, string])[]) => `身份证号,姓名,出生日期,企业名称\n${rows.map(([n, xm, d, q]) => `${id(n)},${xm},${d},${q}`).join('\n')}\n`;

const ENV = ['GOVHUB_WEBHOOK_HOSTS', 'GOVHUB_WEBHOOK_SECRET', 'GOVHUB_DELIVERY_POLL_MS'];

for (const driver of drivers()) {
  describe(`push notices (${driver})`, () => {
    let c: City;
    const citizen: Record<string, Auth> = {};
    const hits: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    let hook: http.Server;
    let hookUrl = '';
    const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

    const rule = (code: string, responsible: string, extra: Record<string, unknown> = {}) => ({
      code, name: `高龄津贴 ${code}`, kind: 'push', ownerDepartment: 'MZ', responsibleDepartment: responsible, trigger: 'manual', asOf: AS_OF,
      query: { mode: 'builder', shape: 'filter', a: { dataset: 'MZ_LR', age: { field: 'csrq', gte: 80 } } },
      key: ['gmsfhm'], subject: { field: 'gmsfhm', kind: 'person' },
      action: { notice: { title: '{{xm}}，您可享受高龄津贴', body: '经核对，您（{{csrq}} 出生）已满 80 周岁，高龄津贴已为您办理。' }, grantWithoutApplication: true },
      ...extra,
    });
    const run = async (code: string) => {
      const r = await c.req('POST', `/rules/${code}/run`, c.officers.MZ);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().status, 'done', r.body);
      return r.json().counts as Record<string, number>;
    };
    const list = async (as: Auth, q = '') => {
      const r = await c.req('GET', `/push/notices${q}`, as);
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as { items: { id: string; status: string; outcome: string | null; rule: { code: string }; title: string; evidence: Record<string, unknown> }[]; total: number };
    };
    const check = (as: Auth, ids: string[], decision: 'approve' | 'reject', reason?: string) => c.req('POST', '/push/notices/check', as, { ids, decision, ...(reason ? { reason } : {}) });
    const inbox = async (who: string) => {
      const r = await c.req('GET', '/inbox', citizen[who]);
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as { items: { id: string; title: string; outcome: string | null; status: string; granted: boolean; actions: string[]; rule: { code: string } }[]; unread: number; linked: boolean };
    };

    before(async () => {
      hook = http.createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => { hits.push({ headers: req.headers, body }); res.end('ok'); });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      const port = (hook.address() as AddressInfo).port;
      hookUrl = `http://127.0.0.1:${port}/push`;
      Object.assign(process.env, { GOVHUB_WEBHOOK_HOSTS: `127.0.0.1:${port}`, GOVHUB_WEBHOOK_SECRET: 'push-hook-key', GOVHUB_DELIVERY_POLL_MS: '20' });
      c = await openCity(driver);
      await c.register(c.officers.MZ, 'MZ', 'MZ_LR', FIELDS, { primaryKey: ['gmsfhm'], shareType: 'conditional' });
      const up = await c.upload(c.officers.MZ, 'MZ_LR', 'lr.csv', csv([...ELDERS, [5, '孙叔叔', '1944-07-01', '']]));
      assert.equal(up.json().status, 'succeeded', up.body);
      for (const [name, n] of [['citizen_wang', 1], ['citizen_li', 2], ['citizen_zhao', 3], ['citizen_sun', 5], ['citizen_qian', 4]] as const) {
        const u = await c.req('POST', '/users', c.admin, { username: name, displayName: name, password: OFFICER_PASSWORD, role: 'citizen', idNumber: id(n) });
        assert.equal(u.statusCode, 201, u.body);
        citizen[name] = await login(c.app, name, OFFICER_PASSWORD);
      }
      const u = await c.req('POST', '/users', c.admin, { username: 'citizen_nobody', displayName: 'nobody', password: OFFICER_PASSWORD, role: 'citizen' });
      assert.equal(u.statusCode, 201, u.body);
      citizen.citizen_nobody = await login(c.app, 'citizen_nobody', OFFICER_PASSWORD);
      for (const [code, responsible, extra] of [
        ['GLJT', 'MZ', {}],
        ['GLJT_CL', 'CL', { action: { notice: { title: '{{xm}}：助残服务', body: '请到社区服务中心办理', channel: 'sms' }, webhook: hookUrl } }],
      ] as const) {
        const r = await c.req('POST', '/rules', c.officers.MZ, rule(code, responsible, extra));
        assert.equal(r.statusCode, 201, r.body);
      }
    });
    after(async () => {
      for (const k of ENV) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
      await c.close();
      await new Promise((r) => hook.close(r));
    });

    test('a run makes one candidate per event for the second check; the citizen sees nothing yet', async () => {
      const counts = await run('GLJT');
      assert.deepEqual(counts, { candidates: 4, new: 4, duplicate: 0, optedOut: 0, noSubject: 0 });
      const l = await list(c.officers.MZ, '?rule=GLJT');
      assert.equal(l.total, 4);
      assert.ok(l.items.every((n) => n.status === 'candidate' && n.outcome === null));
      assert.deepEqual(l.items.map((n) => n.title).sort(), ['李奶奶，您可享受高龄津贴', '王大爷，您可享受高龄津贴', '赵爷爷，您可享受高龄津贴', '钱奶奶，您可享受高龄津贴']);
      assert.equal(l.items.find((n) => n.title.startsWith('王'))!.evidence.gmsfhm, id(1), 'evidence: the row as the owner read it');
      assert.deepEqual((await inbox('citizen_wang')).items, [], 'not before the department\'s check');
      const told = await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM notices WHERE kind = 'push.candidates'`);
      assert.ok(Number(told!.n) >= 1, 'the responsible department is told');
      const ruleId = (await c.req('GET', '/rules/GLJT', c.officers.MZ)).json().id;
      assert.deepEqual((await c.events('push.candidates', ruleId)).map((e) => e.details.new), [4], 'the run is audited with its counts');
    });

    test('a re-run notifies no one twice; a new person on newer data is one new candidate', async () => {
      assert.deepEqual(await run('GLJT'), { candidates: 4, new: 0, duplicate: 4, optedOut: 0, noSubject: 0 });
      assert.equal((await list(c.officers.MZ, '?rule=GLJT')).total, 4);
      const up = await c.upload(c.officers.MZ, 'MZ_LR', 'lr2.csv', csv([[6, '周老太', '1920-02-02', '']]));
      assert.equal(up.json().status, 'succeeded', up.body);
      assert.deepEqual(await run('GLJT'), { candidates: 5, new: 1, duplicate: 4, optedOut: 0, noSubject: 0 });
      const n = await c.t.p.db.one<{ n: number; k: number }>(`SELECT count(*)::int AS n, count(DISTINCT event_key)::int AS k FROM push_notices WHERE rule_code = 'GLJT'`);
      assert.deepEqual([Number(n!.n), Number(n!.k)], [5, 5]);
    });

    test('only the responsible department\'s officers check; others see nothing or may not decide', async () => {
      const ids = (await list(c.officers.MZ, '?rule=GLJT')).items.map((n) => n.id);
      assert.equal((await list(c.officers.GA)).total, 0, 'another department sees none');
      assert.equal((await c.req('GET', `/push/notices/${ids[0]}`, c.officers.GA)).statusCode, 404);
      assert.equal((await check(c.officers.GA, ids, 'approve')).statusCode, 404);
      assert.equal((await check(c.admin, ids, 'approve')).statusCode, 403, 'the admin watches, the department decides');
      assert.equal((await check(c.officers.CL, ids, 'approve')).statusCode, 404);
      assert.equal((await check(citizen.citizen_wang, ids, 'approve')).statusCode, 403);
      // GLJT_CL: MZ owns it and sees its candidates, CL answers for it and checks them
      await run('GLJT_CL');
      const cl = (await list(c.officers.CL, '?rule=GLJT_CL')).items;
      assert.equal(cl.length, 5);
      assert.equal((await list(c.officers.MZ, '?rule=GLJT_CL')).total, 5, 'the owner sees them');
      const denied = await check(c.officers.MZ, [cl[0]!.id], 'approve');
      assert.equal(denied.statusCode, 403, denied.body);
      assert.equal((await list(c.officers.CL, '?status=sent')).total, 0, 'nothing sent by refused checks');
    });

    test('reject needs a reason; approve sends to the inbox (免申即享: granted); a checked notice is not checked again', async () => {
      const items = (await list(c.officers.MZ, '?rule=GLJT')).items;
      const zhou = items.find((n) => n.title.startsWith('周'))!;
      const noReason = await check(c.officers.MZ, [zhou.id], 'reject');
      assert.equal(noReason.statusCode, 400);
      assert.equal(noReason.json().errors[0].field, 'reason');
      const rej = await check(c.officers.MZ, [zhou.id], 'reject', '已在外地领取');
      assert.equal(rej.statusCode, 200, rej.body);
      assert.deepEqual([rej.json().rejected, rej.json().notices[0].status, rej.json().notices[0].reason], [1, 'rejected', '已在外地领取']);
      const rest = items.filter((n) => n.id !== zhou.id).map((n) => n.id);
      const ok = await check(c.officers.MZ, rest, 'approve');
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().sent, 4);
      assert.ok(ok.json().notices.every((n: { status: string; outcome: string; checkedBy: string }) => n.status === 'sent' && n.outcome === 'granted' && n.checkedBy === '民政局专员'));
      assert.equal((await check(c.officers.MZ, [rest[0]!], 'approve')).statusCode, 409);
      assert.equal((await c.events('push.approve', rest[0]!)).length, 1);
      assert.equal((await c.events('push.reject', zhou.id))[0]!.details.reason, '已在外地领取');
    });

    test('each citizen sees only their own notices, reads and answers them', async () => {
      const wang = await inbox('citizen_wang');
      assert.equal(wang.items.length, 1);
      assert.deepEqual([wang.items[0]!.title, wang.items[0]!.granted, wang.items[0]!.actions, wang.unread], ['王大爷，您可享受高龄津贴', true, [], 1]);
      assert.deepEqual((await inbox('citizen_sun')).items, [], '79 on the as-of day');
      const nobody = await inbox('citizen_nobody');
      assert.deepEqual([nobody.items, nobody.linked], [[], false]);
      const wid = wang.items[0]!.id;
      assert.equal((await c.req('GET', `/inbox/${wid}`, citizen.citizen_li)).statusCode, 404, 'not another citizen\'s');
      assert.equal((await c.req('POST', `/inbox/${wid}/read`, citizen.citizen_li)).statusCode, 404);
      assert.equal((await c.req('GET', '/inbox', c.officers.MZ)).statusCode, 403, 'the inbox is for citizens');
      const read = await c.req('POST', `/inbox/${wid}/read`, citizen.citizen_wang);
      assert.deepEqual([read.statusCode, read.json().status], [200, 'read']);
      assert.equal((await inbox('citizen_wang')).unread, 0);
      assert.equal((await c.req('POST', `/inbox/${wid}/respond`, citizen.citizen_wang, { response: 'decline' })).statusCode, 409, 'granted already');
    });

    test('SMS and signed webhook on approval; the citizen accepts; outcome per rule', async () => {
      const cl = (await list(c.officers.CL, '?rule=GLJT_CL&status=candidate')).items;
      const ok = await check(c.officers.CL, cl.map((n) => n.id), 'approve');
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().sent, 5);
      const file = path.join(c.t.p.config.dataDir, 'notify', 'sms-outbox.jsonl');
      const deadline = Date.now() + 10_000;
      const pending = async () => Number((await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'`))!.n);
      while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const sms = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(sms.length, 5);
      assert.ok(sms.every((m) => /^【残疾人联合会】.+：助残服务：请到社区服务中心办理$/.test(m.text) && /^P[0-9a-f]{16}$/.test(m.to)), 'to the subject\'s pseudonym, no number in clear');
      assert.equal(hits.length, 5);
      for (const h of hits) {
        const want = `sha256=${createHmac('sha256', 'push-hook-key').update(`${h.headers['x-govhub-timestamp']}.${h.body}`).digest('hex')}`;
        assert.equal(h.headers['x-govhub-signature'], want);
        const body = JSON.parse(h.body);
        assert.deepEqual([body.type, body.rule, body.department], ['push.notice', 'GLJT_CL', 'CL']);
        assert.ok(!('evidence' in body), 'the row stays in the platform');
      }
      const detail = await c.req('GET', `/push/notices/${cl[0]!.id}`, c.officers.CL);
      assert.deepEqual(detail.json().deliveries.map((d: { channel: string; status: string }) => `${d.channel}:${d.status}`).sort(), ['sms:sent', 'webhook:sent']);

      const mine = (await inbox('citizen_li')).items.find((n) => n.rule.code === 'GLJT_CL')!;
      assert.deepEqual(mine.actions, ['accept', 'decline']);
      const acc = await c.req('POST', `/inbox/${mine.id}/respond`, citizen.citizen_li, { response: 'accept', note: '下周去' });
      assert.deepEqual([acc.statusCode, acc.json().outcome, acc.json().status], [200, 'accepted', 'read']);
      assert.equal((await c.req('POST', `/inbox/${mine.id}/respond`, citizen.citizen_li, { response: 'decline' })).statusCode, 409, 'answered once');
      assert.equal((await c.events('push.accept', mine.id)).length, 1);

      const stats = (await c.req('GET', '/push/stats', c.officers.CL)).json();
      assert.deepEqual(stats.map((s: { rule: { code: string } }) => s.rule.code), ['GLJT_CL'], 'CL sees only the rule it answers for');
      assert.deepEqual([stats[0].total, stats[0].byStatus, stats[0].byOutcome], [5, { sent: 4, read: 1 }, { accepted: 1 }]);
      const mz = (await c.req('GET', '/push/stats?rule=GLJT', c.officers.MZ)).json();
      assert.deepEqual([mz[0].total, mz[0].byStatus.rejected, mz[0].byOutcome.granted], [5, 1, 4]);
      assert.deepEqual((await c.req('GET', '/push/stats', c.officers.GA)).json(), []);
    });

    test('opt-out: of one rule or of all push, candidates withdrawn, later runs make none; opting back in', async () => {
      // a third rule, of everyone 70 and over
      const r = await c.req('POST', '/rules', c.officers.MZ, rule('GLJT_ALL', 'MZ', { query: { mode: 'builder', shape: 'filter', a: { dataset: 'MZ_LR', age: { field: 'csrq', gte: 70 } } } }));
      assert.equal(r.statusCode, 201, r.body);
      // 王 opts out of GLJT (a rule that wrote to him), 钱 of all push
      const one = await c.req('POST', '/inbox/opt-outs', citizen.citizen_wang, { rule: 'GLJT' });
      assert.equal(one.statusCode, 200, one.body);
      assert.deepEqual(one.json().map((o: { rule: { code: string } | null }) => o.rule?.code ?? '*'), ['GLJT']);
      const all = await c.req('POST', '/inbox/opt-outs', citizen.citizen_qian, {});
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(all.json().map((o: { rule: unknown }) => o.rule), [null]);
      assert.equal((await c.req('POST', '/inbox/opt-outs', citizen.citizen_sun, { rule: 'GLJT' })).statusCode, 400, 'not a rule that wrote to them');
      const audited = await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'push.opt_out'`);
      assert.equal(Number(audited!.n), 2, 'each opt-out audited (the refused one not)');

      // 钱 opted out of all: no candidate of the new rule; 王 only of GLJT: he gets one
      const counts = await run('GLJT_ALL');
      assert.deepEqual(counts, { candidates: 6, new: 5, duplicate: 0, optedOut: 1, noSubject: 0 });
      const subjects = (await c.t.p.db.query<{ title: string }>(`SELECT title FROM push_notices WHERE rule_code = 'GLJT_ALL' ORDER BY title`)).map((x) => x.title[0]);
      assert.ok(!subjects.includes('钱') && subjects.includes('王'));
      // opting out withdraws candidates still waiting for the check
      await c.req('POST', '/inbox/opt-outs', citizen.citizen_zhao, {});
      const zhao = (await list(c.officers.MZ, '?rule=GLJT_ALL')).items.find((n) => n.title.startsWith('赵'))!;
      assert.equal(zhao.status, 'opted_out');
      assert.equal((await check(c.officers.MZ, [zhao.id], 'approve')).statusCode, 409);
      // opting back in: the next run finds 钱 again, once
      const back = await c.req('DELETE', '/inbox/opt-outs', citizen.citizen_qian);
      assert.deepEqual([back.statusCode, back.json()], [200, []]);
      assert.deepEqual(await run('GLJT_ALL'), { candidates: 6, new: 1, duplicate: 4, optedOut: 1, noSubject: 0 }, '赵 now opted out');
    });

    test('a webhook on a host outside GOVHUB_WEBHOOK_HOSTS is refused when the rule is saved', async () => {
      const r = await c.req('POST', '/rules', c.officers.MZ, rule('GLJT_BAD', 'MZ', { action: { notice: { title: 't', body: 'b' }, webhook: 'https://evil.example.com/collect' } }));
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().errors[0].field, 'action.webhook');
      const creds = await c.req('POST', '/rules', c.officers.MZ, rule('GLJT_BAD', 'MZ', { action: { notice: { title: 't', body: 'b' }, webhook: hookUrl.replace('http://', 'http://u:pw@') } }));
      assert.equal(creds.statusCode, 400, creds.body);
    });
  });
}
