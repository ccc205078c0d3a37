/**
 * Attacks on push (推): a department reaching another's notices or checking them (alone or hidden in
 * a batch), a citizen reaching another's notice or learning of candidates, a staff member using the
 * inbox, a push rule identifying people whose ID numbers its grant masks, notice text leaking what the
 * grant masks, and webhooks to hosts outside the allow-list (when saved, and when the list changes
 * before the send).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { deliveries } from '../../src/apps/notify/index.ts';
import { drivers } from '../helpers/platform.ts';
import { login } from '../helpers/server.ts';
import { id, openCity, OFFICER_PASSWORD, type Auth, type City } from '../helpers/city.ts';

const FIELDS = [
  { name: 'gmsfhm', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'csrq', title: '出生日期', type: 'date', sensitivity: 'L2' },
];
const ROWS = `身份证号,姓名,出生日期\n${id(11)},欧阳明,1930-01-01\n${id(12)},司马兰,1936-05-05\n${id(13)},诸葛亮,1990-01-01\n`;
const ENV = ['GOVHUB_WEBHOOK_HOSTS', 'GOVHUB_DELIVERY_POLL_MS'];

for (const driver of drivers()) {
  describe(`push under attack (${driver})`, () => {
    let c: City;
    const citizen: Record<string, Auth> = {};
    let hits = 0;
    let hook: http.Server;
    let hookUrl = '';
    const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

    const rule = (code: string, extra: Record<string, unknown> = {}) => ({
      code, name: code, kind: 'push', ownerDepartment: 'MZ', responsibleDepartment: 'MZ', trigger: 'manual', asOf: '2024-06-30',
      query: { mode: 'builder', shape: 'filter', a: { dataset: 'GA_RK', age: { field: 'csrq', gte: 80 } } },
      key: ['gmsfhm'], subject: { field: 'gmsfhm', kind: 'person' },
      action: { notice: { title: '{{xm}} {{gmsfhm}}', body: '高龄津贴' } }, ...extra,
    });
    const run = async (code: string) => {
      const r = await c.req('POST', `/rules/${code}/run`, c.officers.MZ);
      assert.equal(r.statusCode, 200, r.body);
      return r.json().counts as Record<string, number>;
    };
    const candidates = async (code: string) => (await c.req('GET', `/push/notices?rule=${code}`, c.officers.MZ)).json().items as { id: string; status: string; title: string }[];

    before(async () => {
      hook = http.createServer((req, res) => { hits++; req.resume(); res.end('ok'); });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/h`;
      Object.assign(process.env, { GOVHUB_WEBHOOK_HOSTS: new URL(hookUrl).host, GOVHUB_DELIVERY_POLL_MS: '20' });
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_RK', FIELDS, { primaryKey: ['gmsfhm'], shareType: 'conditional' });
      assert.equal((await c.upload(c.officers.GA, 'GA_RK', 'rk.csv', ROWS)).json().status, 'succeeded');
      for (const [name, n] of [['c_ouyang', 11], ['c_sima', 12]] as const) {
        assert.equal((await c.req('POST', '/users', c.admin, { username: name, displayName: name, password: OFFICER_PASSWORD, role: 'citizen', idNumber: id(n) })).statusCode, 201);
        citizen[name] = await login(c.app, name, OFFICER_PASSWORD);
      }
      assert.equal((await c.req('POST', '/users', c.admin, { username: 'h_mz', displayName: 'h', password: OFFICER_PASSWORD, role: 'handler', departmentId: c.dept.MZ })).statusCode, 201);
      citizen.h_mz = await login(c.app, 'h_mz', OFFICER_PASSWORD);
    });
    after(async () => {
      for (const k of ENV) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
      await c.close();
      await new Promise((r) => hook.close(r));
    });

    test('a rule cannot identify people whose ID numbers its grant masks', async () => {
      const req = await c.request(c.officers.MZ, 'GA_RK');
      assert.equal((await c.req('POST', `/share/requests/${req.json().id}/approve`, c.officers.GA, { reason: '同意，按级别脱敏' })).statusCode, 200);
      assert.equal((await c.req('POST', '/rules', c.officers.MZ, rule('MASKED'))).statusCode, 201);
      assert.deepEqual(await run('MASKED'), { candidates: 2, new: 0, duplicate: 0, optedOut: 0, noSubject: 2 });
      assert.deepEqual(await candidates('MASKED'), []);
    });

    test('notice text shows only what the grant shows', async () => {
      const req = await c.request(c.officers.MZ, 'GA_RK');
      const ok = await c.req('POST', `/share/requests/${req.json().id}/approve`, c.officers.GA, { reason: '高龄津贴免申即享：身份证号用于告知本人', masks: { gmsfhm: 'none' } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await c.req('POST', '/rules', c.officers.MZ, rule('CLEAR', { action: { notice: { title: '{{xm}} {{gmsfhm}}', body: '高龄津贴' }, webhook: hookUrl } }))).statusCode, 201);
      assert.equal((await run('CLEAR')).new, 2);
      const titles = (await candidates('CLEAR')).map((n) => n.title).sort();
      assert.deepEqual(titles, [`司*兰 ${id(12)}`, `欧*明 ${id(11)}`].sort(), 'the name as the grant masks it');
    });

    test('candidates and rejected notices never reach an inbox; the inbox shows no evidence', async () => {
      for (const who of ['c_ouyang', 'c_sima']) assert.deepEqual((await c.req('GET', '/inbox', citizen[who])).json().items, []);
      const [a, b] = await candidates('CLEAR');
      assert.equal((await c.req('GET', `/inbox/${a!.id}`, citizen.c_ouyang)).statusCode, 404);
      assert.equal((await c.req('POST', '/push/notices/check', c.officers.MZ, { ids: [b!.id], decision: 'reject', reason: '不符合' })).statusCode, 200);
      assert.equal((await c.req('POST', '/push/notices/check', c.officers.MZ, { ids: [a!.id], decision: 'approve' })).statusCode, 200);
      const mine = [...(await c.req('GET', '/inbox', citizen.c_ouyang)).json().items, ...(await c.req('GET', '/inbox', citizen.c_sima)).json().items];
      assert.equal(mine.length, 1, 'only the approved one, to its own subject');
      assert.deepEqual(Object.keys(mine[0]).sort(), ['actions', 'body', 'department', 'granted', 'id', 'outcome', 'readAt', 'respondedAt', 'rule', 'sentAt', 'status', 'subjectKind', 'title']);
      const other = mine[0].id;
      const whose = (await c.req('GET', `/inbox/${other}`, citizen.c_ouyang)).statusCode === 200 ? 'c_sima' : 'c_ouyang';
      for (const [m, u] of [['GET', `/inbox/${other}`], ['POST', `/inbox/${other}/read`]] as const) assert.equal((await c.req(m, u, citizen[whose])).statusCode, 404, `${m} ${u}`);
      assert.equal((await c.req('POST', `/inbox/${other}/respond`, citizen[whose], { response: 'accept' })).statusCode, 404);
    });

    test('other departments see nothing and check nothing; a foreign id in a batch refuses the whole batch', async () => {
      const all = await candidates('CLEAR');
      const ids = all.map((n) => n.id);
      for (const as of [c.officers.GA, c.officers.CL]) {
        assert.equal((await c.req('GET', '/push/notices', as)).json().total, 0);
        assert.deepEqual((await c.req('GET', '/push/stats', as)).json(), []);
        assert.equal((await c.req('GET', `/push/notices/${ids[0]}`, as)).statusCode, 404);
      }
      // a fresh candidate of MZ, and one MZ notice already checked: the batch of MZ is refused as a whole
      await c.upload(c.officers.GA, 'GA_RK', 'rk2.csv', `身份证号,姓名,出生日期\n${id(14)},东方朔,1920-01-01\n`);
      await run('CLEAR');
      const fresh = (await candidates('CLEAR')).find((n) => n.status === 'candidate')!;
      const mixed = await c.req('POST', '/push/notices/check', c.officers.MZ, { ids: [fresh.id, ids[0]], decision: 'approve' });
      assert.equal(mixed.statusCode, 409, mixed.body);
      assert.equal((await candidates('CLEAR')).find((n) => n.id === fresh.id)!.status, 'candidate', 'nothing of the batch applied');
      assert.equal((await c.req('POST', '/push/notices/check', c.officers.GA, { ids: [fresh.id], decision: 'approve' })).statusCode, 404);
      assert.equal((await c.req('POST', '/push/notices/check', citizen.h_mz, { ids: [fresh.id], decision: 'approve' })).statusCode, 403, 'a handler does not check');
      assert.equal((await c.req('POST', '/push/notices/check', citizen.c_ouyang, { ids: [fresh.id], decision: 'approve' })).statusCode, 403);
      assert.equal((await c.req('GET', '/push/notices', citizen.c_ouyang)).json().total, 0, 'a citizen sees no department list');
      assert.equal((await c.req('GET', '/inbox', c.officers.MZ)).statusCode, 403, 'staff have no inbox');
      assert.equal((await c.req('POST', '/inbox/opt-outs', c.admin, {})).statusCode, 403);
    });

    test('a citizen cannot name a rule that never wrote to them', async () => {
      const r = await c.req('POST', '/inbox/opt-outs', citizen.c_sima, { rule: 'MASKED' });
      assert.equal(r.statusCode, 400);
      const unknown = await c.req('POST', '/inbox/opt-outs', citizen.c_sima, { rule: 'NO_SUCH_RULE' });
      assert.deepEqual([unknown.statusCode, unknown.json().detail], [400, r.json().detail], 'an existing rule and none answer alike');
    });

    test('webhooks: refused when saved outside the list, with credentials, and at send time once the list changes', async () => {
      for (const webhook of ['https://attacker.example.com/x', 'http://127.0.0.1:1/x', hookUrl.replace('//', '//admin:pw@'), 'file:///etc/passwd']) {
        const r = await c.req('POST', '/rules', c.officers.MZ, rule('HOOK_BAD', { action: { notice: { title: 't', body: 'b' }, webhook } }));
        assert.equal(r.statusCode, 400, `${webhook}: ${r.body}`);
        assert.equal(r.json().errors[0].field, 'action.webhook');
      }
      const upd = await c.req('PUT', '/rules/CLEAR', c.officers.MZ, rule('CLEAR', { action: { notice: { title: 't', body: 'b' }, webhook: 'https://attacker.example.com/x' } }));
      assert.equal(upd.statusCode, 400, upd.body);
      // the allow-list loses the host after the rule was saved: the approved notice's webhook is not called
      await c.upload(c.officers.GA, 'GA_RK', 'rk3.csv', `身份证号,姓名,出生日期\n${id(15)},上官婉,1921-01-01\n`);
      await run('CLEAR');
      const fresh = (await candidates('CLEAR')).filter((n) => n.status === 'candidate');
      const before = hits;
      process.env.GOVHUB_WEBHOOK_HOSTS = 'hooks.example.gov.cn';
      try {
        const ok = await c.req('POST', '/push/notices/check', c.officers.MZ, { ids: fresh.map((n) => n.id), decision: 'approve' });
        assert.equal(ok.statusCode, 200, ok.body);
        const detail = (await c.req('GET', `/push/notices/${fresh[0]!.id}`, c.officers.MZ)).json();
        const hook = detail.deliveries.find((d: { channel: string }) => d.channel === 'webhook');
        assert.equal(hook.status, 'failed');
        assert.match(hook.lastError, /GOVHUB_WEBHOOK_HOSTS/);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(hits, before, 'never called');
        assert.equal((await deliveries.get(c.t.p, hook.id))!.attempts, 0);
      } finally {
        process.env.GOVHUB_WEBHOOK_HOSTS = new URL(hookUrl).host;
      }
    });
  });
}
