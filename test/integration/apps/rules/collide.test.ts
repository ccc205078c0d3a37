/**
 * Collision rules end to end on a small city: a rule reads through the guard as its owner department
 * (another department's data only under a grant), its findings are deduplicated across runs, resolved
 * when the data no longer shows them, recurring when newer data shows them again, each with one work
 * order for the responsible department; an arrival rule fires once per matching new version; the
 * departments not concerned see nothing.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type City, id, openCity } from '../../../helpers/city.ts';
import { drivers } from '../../../helpers/platform.ts';

const INCIDENTS = [
  { name: 'jqbh', title: '警情编号', type: 'string', required: true, sensitivity: 'L2' },
  { name: 'fsdz', title: '发生地址', type: 'string', required: true, sensitivity: 'L2' },
  { name: 'sfczfw', title: '是否出租房屋', type: 'string', sensitivity: 'L1' },
  { name: 'bjrsfzh', title: '报警人身份证号', type: 'string', element: 'id_card', sensitivity: 'L4' },
];
const RENTALS = [
  { name: 'bazh', title: '备案证号', type: 'string', required: true, sensitivity: 'L2' },
  { name: 'fwzl', title: '房屋坐落', type: 'string', required: true, sensitivity: 'L2' },
];
const csv = (head: string, rows: string[][]) => `${head}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
const house = (n: number) => `示范路${n}号`;

const RULE = {
  code: 'T_RENTAL', name: '出租屋未备案', kind: 'collide', ownerDepartment: 'GA', responsibleDepartment: 'MZ', trigger: 'manual', key: ['fsdz'],
  query: { mode: 'builder', shape: 'anti', a: { dataset: 'GA_JQ', where: { sfczfw: { eq: '是' } } }, b: { dataset: 'MZ_ZL' }, on: [{ a: 'fsdz', b: 'fwzl' }] },
};

for (const driver of drivers()) describe(`collision rules (${driver})`, () => {
  let c: City;
  const run = async (code = 'T_RENTAL') => {
    const r = await c.req('POST', `/rules/${code}/run`, c.officers.GA);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'done', r.body);
    return r.json().counts as Record<string, number>;
  };
  const orders = async () => (await c.t.p.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM workorders WHERE source = 'collision'`))[0]!.n;

  before(async () => {
    c = await openCity(driver);
    await c.register(c.officers.GA, 'GA', 'GA_JQ', INCIDENTS, { primaryKey: ['jqbh'] });
    await c.register(c.officers.MZ, 'MZ', 'MZ_ZL', RENTALS, { primaryKey: ['bazh'], shareType: 'unconditional' });
    // houses 1–6 rented (flagged 是); 1–2 declared; house 7 not rented; house 3 has two incidents
    const inc = [[1, 1], [2, 2], [3, 3], [4, 3], [5, 4], [6, 5], [7, 6]].map(([n, h]) => [`J${n}`, house(h!), '是', id(n!)]);
    inc.push(['J8', house(7), '否', id(8)]);
    assert.equal((await c.upload(c.officers.GA, 'GA_JQ', 'jq.csv', csv('jqbh,fsdz,sfczfw,bjrsfzh', inc))).json().status, 'succeeded');
    assert.equal((await c.upload(c.officers.MZ, 'MZ_ZL', 'zl.csv', csv('bazh,fwzl', [['B1', house(1)], ['B2', house(2)]]))).json().status, 'succeeded');
  });
  after(() => c.close());

  test('a rule that reads another department\'s data without a grant is refused when saved', async () => {
    const r = await c.req('POST', '/rules', c.officers.GA, RULE);
    assert.equal(r.statusCode, 403, r.body);
    assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
  });

  test('only the owner department (or an admin) defines its rules; bad definitions name the field', async () => {
    await c.grant(c.officers.GA, 'MZ_ZL');
    const other = await c.req('POST', '/rules', c.officers.CL, RULE);
    assert.equal(other.statusCode, 403, other.body);
    const badKey = await c.req('POST', '/rules', c.officers.GA, { ...RULE, key: ['nope'] });
    assert.equal(badKey.statusCode, 400, badKey.body);
    assert.equal(badKey.json().errors[0].field, 'key.0');
    const badCron = await c.req('POST', '/rules', c.officers.GA, { ...RULE, trigger: 'schedule', schedule: 'every day' });
    assert.equal(badCron.statusCode, 400, badCron.body);
    assert.equal(badCron.json().errors[0].field, 'schedule');
    const badField = await c.req('POST', '/rules', c.officers.GA, { ...RULE, query: { ...RULE.query, on: [{ a: 'fsdz', b: 'nofield' }] } });
    assert.equal(badField.statusCode, 400, badField.body);
  });

  test('a dry run counts and samples for the owner, counts only for an admin, and opens nothing', async () => {
    const dry = await c.req('POST', '/rules/dry-run', c.officers.GA, RULE);
    assert.equal(dry.statusCode, 200, dry.body);
    assert.equal(dry.json().rows, 5);
    assert.equal(dry.json().keys, 4);
    assert.equal(dry.json().sample.length, 4);
    assert.deepEqual(dry.json().versions, { GA_JQ: 1, MZ_ZL: 1 });
    const asAdmin = await c.req('POST', '/rules/dry-run', c.admin, RULE);
    assert.equal(asAdmin.statusCode, 200, asAdmin.body);
    assert.equal(asAdmin.json().keys, 4);
    assert.deepEqual(asAdmin.json().sample, []);
    assert.equal(await orders(), 0);
  });

  test('findings: one per key, one work order each for the responsible department; a re-run opens nothing new', async () => {
    const r = await c.req('POST', '/rules', c.officers.GA, RULE);
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual(r.json().watches.sort(), ['GA_JQ', 'MZ_ZL']);
    const first = await run();
    assert.equal(first.new, 4, JSON.stringify(first));
    assert.equal(await orders(), 4);
    const again = await run();
    assert.equal(again.new, 0, JSON.stringify(again));
    assert.equal(again.unchanged, 4);
    assert.equal(await orders(), 4);

    const list = (await c.req('GET', '/findings?rule=T_RENTAL', c.officers.MZ)).json();
    assert.equal(list.total, 4);
    assert.deepEqual(list.items.map((f: { key: { fsdz: string } }) => f.key.fsdz).sort(), [house(3), house(4), house(5), house(6)]);
    const three = list.items.find((f: { key: { fsdz: string } }) => f.key.fsdz === house(3));
    const detail = (await c.req('GET', `/findings/${three.id}`, c.officers.MZ)).json();
    assert.equal(detail.evidence.length, 2, 'both incidents at house 3 are its evidence');
    assert.deepEqual(detail.versions, { GA_JQ: 1, MZ_ZL: 1 });
    assert.equal(detail.workOrder.status, 'new');
    const wo = (await c.req('GET', `/workorders/${detail.workOrder.id}`, c.officers.MZ)).json();
    assert.equal(wo.department.code, 'MZ');
    assert.equal(wo.source, 'collision');

    // a department not concerned sees nothing; the admin sees the finding but not its rows
    assert.equal((await c.req('GET', '/findings', c.officers.CL)).json().total, 0);
    assert.equal((await c.req('GET', `/findings/${three.id}`, c.officers.CL)).statusCode, 404);
    const asAdmin = (await c.req('GET', `/findings/${three.id}`, c.admin)).json();
    assert.equal(asAdmin.evidence, null);
    assert.equal(asAdmin.key, null);
    assert.equal((await c.req('GET', '/rules/T_RENTAL', c.officers.CL)).statusCode, 404);
  });

  test('declared later: resolved by the data; undeclared again in newer data: recurring, with a new order', async () => {
    const up = await c.upload(c.officers.MZ, 'MZ_ZL', 'zl2.csv', csv('bazh,fwzl', [['B1', house(1)], ['B2', house(2)], ['B3', house(4)]]), { mode: 'replace' });
    assert.equal(up.json().status, 'succeeded', up.body);
    const declared = await run();
    assert.equal(declared.resolved, 1, JSON.stringify(declared));
    assert.equal(declared.new, 0);
    const down = await c.upload(c.officers.MZ, 'MZ_ZL', 'zl3.csv', csv('bazh,fwzl', [['B1', house(1)], ['B2', house(2)]]), { mode: 'replace' });
    assert.equal(down.json().status, 'succeeded', down.body);
    const back = await run();
    assert.equal(back.recurring, 1, JSON.stringify(back));
    assert.equal(back.new, 0);
    assert.equal(await orders(), 5);
    const rec = (await c.req('GET', '/findings?rule=T_RENTAL&recurring=true', c.officers.GA)).json();
    assert.equal(rec.total, 1);
    assert.equal(rec.items[0].occurrences, 2);
    assert.deepEqual(rec.items[0].versions, { GA_JQ: 1, MZ_ZL: 3 });
  });

  test('a dismissed finding needs a reason and is never reopened', async () => {
    const f = (await c.req('GET', '/findings?rule=T_RENTAL&status=open', c.officers.MZ)).json().items[0];
    const noReason = await c.req('POST', `/findings/${f.id}/dismiss`, c.officers.MZ, { reason: 'x' });
    assert.equal(noReason.statusCode, 400, noReason.body);
    const ok = await c.req('POST', `/findings/${f.id}/dismiss`, c.officers.MZ, { reason: '现场核实为自住，非出租' });
    assert.equal(ok.statusCode, 200, ok.body);
    const again = await run();
    assert.equal(again.dismissed, 1, JSON.stringify(again));
    assert.equal(again.new, 0);
  });

  test('an arrival rule fires once per new matching version, within seconds', async () => {
    const r = await c.req('POST', '/rules', c.officers.GA, { ...RULE, code: 'T_RENTAL_LIVE', trigger: 'arrival' });
    assert.equal(r.statusCode, 201, r.body);
    const before = await orders();
    const up = await c.upload(c.officers.GA, 'GA_JQ', 'jq2.csv', csv('jqbh,fsdz,sfczfw,bjrsfzh', [['J20', house(20), '是', id(20)]]), { mode: 'append' });
    assert.equal(up.json().status, 'succeeded', up.body);
    const runs = async () => (await c.req('GET', '/rules/T_RENTAL_LIVE/runs', c.officers.GA)).json().items as { trigger: string; status: string; counts: Record<string, number>; cause: { dataset: string; version: number } }[];
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(await runs()).some((x) => x.status === 'done')) await new Promise((res) => setTimeout(res, 100));
    const done = (await runs()).filter((x) => x.status === 'done');
    assert.equal(done.length, 1, JSON.stringify(done));
    assert.equal(done[0]!.trigger, 'arrival');
    assert.deepEqual(done[0]!.cause.dataset, 'GA_JQ');
    // its first run finds every current key: the four known to T_RENTAL are its own findings too, plus house 20
    assert.equal(done[0]!.counts.new, 5, JSON.stringify(done[0]));
    assert.equal(await orders(), before + 5);
    // a version with nothing new matching: the rule runs again, opens nothing
    const quiet = await c.upload(c.officers.GA, 'GA_JQ', 'jq3.csv', csv('jqbh,fsdz,sfczfw,bjrsfzh', [['J21', house(21), '否', id(21)]]), { mode: 'append' });
    assert.equal(quiet.json().status, 'succeeded');
    const until = Date.now() + 15_000;
    while (Date.now() < until && (await runs()).filter((x) => x.status === 'done').length < 2) await new Promise((res) => setTimeout(res, 100));
    const two = (await runs()).filter((x) => x.status === 'done');
    assert.equal(two.length, 2);
    assert.equal(two[0]!.counts.new, 0, JSON.stringify(two[0]));
    assert.equal(await orders(), before + 5);
  });

  test('a rule\'s webhook hears of each new finding once, signed; a host off the list is refused when the rule is saved', async () => {
    const heard: { body: string; ts: string; sig: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        heard.push({ body, ts: String(req.headers['x-govhub-timestamp']), sig: String(req.headers['x-govhub-signature']) });
        res.end('ok');
      });
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as { port: number }).port;
    process.env.GOVHUB_WEBHOOK_HOSTS = `127.0.0.1:${port}`;
    process.env.GOVHUB_WEBHOOK_SECRET = 'collide-test-secret';
    try {
      const off = await c.req('POST', '/rules', c.officers.GA, { ...RULE, code: 'T_HOOK', action: { webhook: 'http://10.0.0.1/hook' } });
      assert.equal(off.statusCode, 400, off.body);
      assert.equal(off.json().errors[0].field, 'action.webhook');
      const r = await c.req('POST', '/rules', c.officers.GA, { ...RULE, code: 'T_HOOK', action: { webhook: `http://127.0.0.1:${port}/hook`, workOrder: false } });
      assert.equal(r.statusCode, 201, r.body);
      const first = await run('T_HOOK');
      assert.ok(first.new > 0, JSON.stringify(first));
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && heard.length < first.new) await new Promise((res) => setTimeout(res, 100));
      assert.equal(heard.length, first.new);
      for (const h of heard) {
        assert.equal(h.sig, `sha256=${createHmac('sha256', 'collide-test-secret').update(`${h.ts}.${h.body}`).digest('hex')}`);
        assert.equal(JSON.parse(h.body).event, 'finding.new');
        assert.equal(JSON.parse(h.body).rule, 'T_HOOK');
      }
      const again = await run('T_HOOK');
      assert.equal(again.new, 0);
      await new Promise((res) => setTimeout(res, 1500));
      assert.equal(heard.length, first.new, 'a re-run calls no one');
    } finally {
      delete process.env.GOVHUB_WEBHOOK_HOSTS;
      delete process.env.GOVHUB_WEBHOOK_SECRET;
      server.close();
    }
  });
});
