/**
 * Sharing between departments, end to end through the API: requests under the national rules
 * (unconditional granted at once, conditional decided by the provider with a reason, none refused
 * with its basis), grants that bound fields, rows, masks, period and quotas, revocation and expiry
 * that cut access at once, the data service in every format with cursors, and the trail — down to
 * the citizen who sees exactly the reads of their own rows, on a chain that still verifies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pseudonym } from '../../../src/lake/index.ts';
import { ANOMALY, shareRequests } from '../../../src/share/index.ts';
import { drivers } from '../../helpers/platform.ts';
import { login } from '../../helpers/server.ts';
import { id, openCity, type City } from '../../helpers/city.ts';

const FIELDS = [
  { name: 'gmsfhm', title: '公民身份号码', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3', mask: 'name' },
  { name: 'lxdh', title: '联系电话', type: 'string', element: 'mobile', sensitivity: 'L3' },
  { name: 'qx', title: '区县', type: 'string', sensitivity: 'L1' },
  { name: 'nl', title: '年龄', type: 'integer', sensitivity: 'L2' },
];
const PEOPLE = [
  [id(1), '张三丰', '13812345678', '西湖区', 81],
  [id(2), '李四', '13900001111', '上城区', 45],
  [id(3), '王五', '13700002222', '西湖区', 30],
  [id(4), '赵六', '13600003333', '拱墅区', 67],
];
const CSV = `公民身份号码,姓名,联系电话,区县,年龄\n${PEOPLE.map((p) => p.join(',')).join('\n')}\n`;
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

for (const driver of drivers()) {
  describe(`sharing: requests, grants, the data service and the trail (${driver})`, () => {
    let c: City;
    let citizen: { authorization: string };
    const data = (code: string, as: { authorization: string }, query = '') => c.req('GET', `/data/${code}${query ? `?${query}` : ''}`, as);

    before(async () => {
      c = await openCity(driver);
      for (const [code, shareType] of [['CL_U', 'unconditional'], ['CL_C', 'conditional'], ['CL_N', 'none']] as const) {
        await c.register(c.officers.CL, 'CL', code, FIELDS, { shareType });
        const r = await c.upload(c.officers.CL, code, 'p.csv', CSV);
        assert.equal(r.json().status, 'succeeded', r.body);
      }
      const u = await c.req('POST', '/users', c.admin, { username: 'citizen_zhang', displayName: '张三丰', password: 'citizen-pass-2026', role: 'citizen', idNumber: id(1) });
      assert.equal(u.statusCode, 201, u.body);
      citizen = await login(c.app, 'citizen_zhang', 'citizen-pass-2026');
    });
    after(() => c.close());

    test('no grant → 403 on every data path: rows, data service, its OpenAPI, CKAN datastore', async () => {
      for (const code of ['CL_U', 'CL_C', 'CL_N']) {
        for (const r of [await c.req('GET', `/datasets/${code}/rows`, c.officers.MZ), await data(code, c.officers.MZ), await data(`${code}/openapi.json`, c.officers.MZ)]) {
          assert.equal(r.statusCode, 403, `${code}: ${r.body}`);
          assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
        }
        const sql = await c.req('POST', '/sql', c.officers.MZ, { sql: `SELECT count(*) FROM ${code}` });
        assert.equal(sql.statusCode, 403, `${code}: ${sql.body}`);
        const ckan = await c.app.inject({ method: 'GET', url: `/api/3/action/datastore_search?resource_id=${code}`, headers: c.officers.MZ });
        assert.ok([403, 404].includes(ckan.statusCode), ckan.body);
        assert.equal(ckan.json().success, false);
      }
    });

    test('the provider scans its own dataset for personal information and gets level suggestions; no one else may', async () => {
      const r = await c.req('GET', '/datasets/CL_U/classification/suggest?sample=10', c.officers.CL);
      assert.equal(r.statusCode, 200, r.body);
      const kind = Object.fromEntries(r.json().fields.map((f: { field: string; finding: { kind: string | null; level: string | null } }) => [f.field, [f.finding.kind, f.finding.level]]));
      assert.deepEqual(kind.gmsfhm, ['id_card', 'L4']);
      assert.deepEqual(kind.lxdh, ['mobile', 'L3']);
      assert.deepEqual(kind.xm, ['person_name', 'L3']);
      assert.equal(kind.nl[0], null);
      assert.equal((await c.req('GET', '/datasets/CL_U/classification/suggest', c.officers.MZ)).statusCode, 403);
    });

    test('a dataset not shared cannot be requested, and the refusal gives its basis', async () => {
      const r = await c.request(c.officers.MZ, 'CL_N');
      assert.equal(r.statusCode, 403, r.body);
      assert.match(r.json().detail, /不予共享.*示例条例/);
    });

    test('bad requests name the field at fault', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ fields: ['nope'] }, 'fields'],
        [{ purpose: '看' }, 'purpose'],
        [{ validUntil: new Date(Date.now() - 1000).toISOString() }, 'validUntil'],
        [{ filter: { nope: { eq: 1 } } }, 'filter.nope'],
        [{ masks: { xm: 'none' } }, 'masks.xm'],
      ];
      for (const [body, field] of cases) {
        const r = await c.request(c.officers.MZ, 'CL_C', body);
        assert.equal(r.statusCode, 400, `${field}: ${r.body}`);
        assert.equal(r.json().errors[0].field, field, r.body);
      }
      assert.equal((await c.request(c.officers.CL, 'CL_C')).statusCode, 400, 'own data needs no request');
    });

    test('unconditional: granted on request, read at once with the levels\' masks', async () => {
      const grantId = await c.grant(c.officers.MZ, 'CL_U');
      const r = await data('CL_U', c.officers.MZ);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().grantId, grantId);
      assert.deepEqual(r.json().rows[0], { gmsfhm: `${id(1).slice(0, 6)}********${id(1).slice(-4)}`, xm: '张*丰', lxdh: '138****5678', qx: '西湖区', nl: 81 });
    });

    test('conditional: pending with a 10-working-day due date; access only after approval, to the granted fields and rows', async () => {
      const req = await c.request(c.officers.MZ, 'CL_C', { fields: ['gmsfhm', 'xm', 'lxdh', 'qx', 'nl'], filter: { qx: { eq: '西湖区' } } });
      assert.equal(req.statusCode, 201, req.body);
      const r = req.json();
      assert.equal(r.status, 'pending');
      assert.ok(Date.parse(r.dueAt) > Date.now() + 10 * 86_400_000, 'ten working days are at least two weeks');
      assert.equal((await c.request(c.officers.MZ, 'CL_C')).statusCode, 409, 'one pending request at a time');
      assert.equal((await data('CL_C', c.officers.MZ)).statusCode, 403, 'nothing before the decision');
      // only the provider decides, with a reason
      assert.equal((await c.req('POST', `/share/requests/${r.id}/approve`, c.officers.MZ, { reason: '自己批准' })).statusCode, 403);
      assert.equal((await c.req('POST', `/share/requests/${r.id}/approve`, c.admin, { reason: '管理员代批' })).statusCode, 403);
      assert.equal((await c.req('POST', `/share/requests/${r.id}/approve`, c.officers.CL, {})).statusCode, 400);
      const incoming = (await c.req('GET', '/share/requests?side=incoming&status=pending', c.officers.CL)).json();
      assert.deepEqual(incoming.items.map((x: { id: string }) => x.id), [r.id]);
      // approve narrower: no phone; the age shown in the clear only to over-60s in 西湖区; phone never asked for
      const ok = await c.req('POST', `/share/requests/${r.id}/approve`, c.officers.CL, { reason: '用于高龄津贴核对', fields: ['gmsfhm', 'xm', 'qx', 'nl'], filter: { qx: { eq: '西湖区' }, nl: { gte: 60 } }, masks: { xm: 'none' } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().status, 'approved');
      const grant = (await c.req('GET', `/share/grants/${ok.json().grantId}`, c.officers.MZ)).json();
      assert.deepEqual(grant.loosened, [{ field: 'xm', from: 'name', to: 'none' }], 'the loosened mask is on record');
      assert.equal(grant.reason, '用于高龄津贴核对');
      const read = await data('CL_C', c.officers.MZ);
      assert.equal(read.statusCode, 200, read.body);
      assert.deepEqual(read.json().rows, [{ gmsfhm: `${id(1).slice(0, 6)}********${id(1).slice(-4)}`, xm: '张三丰', qx: '西湖区', nl: 81 }]);
      const phone = await data('CL_C', c.officers.MZ, 'fields=lxdh');
      assert.equal(phone.statusCode, 403, phone.body);
      assert.equal(phone.json().errors[0].field, 'fields');
      // a condition on a masked value would reveal it row by row
      const probe = await data('CL_C', c.officers.MZ, `filter=${encodeURIComponent(JSON.stringify({ gmsfhm: { prefix: '1101' } }))}`);
      assert.equal(probe.statusCode, 403, probe.body);
      assert.equal(probe.json().errors[0].field, 'filter.gmsfhm');
      const sort = await data('CL_C', c.officers.MZ, 'sort=gmsfhm');
      assert.equal(sort.statusCode, 403, sort.body);
    });

    test('analyst SQL reads the granted view only: granted fields, granted rows, masks as granted', async () => {
      const sql = (q: string) => c.req('POST', '/sql', c.officers.MZ, { sql: q });
      const n = await sql('SELECT count(*) AS n FROM CL_C');
      assert.equal(n.statusCode, 200, n.body);
      assert.deepEqual(n.json().rows, [{ n: 1 }], 'the grant\'s row filter holds');
      const rows = await sql('SELECT xm, gmsfhm FROM cl_c');
      assert.deepEqual(rows.json().rows, [{ xm: '张三丰', gmsfhm: `${id(1).slice(0, 6)}********${id(1).slice(-4)}` }]);
      const phone = await sql('SELECT lxdh FROM CL_C');
      assert.equal(phone.statusCode, 400, phone.body);
      const join = await sql('SELECT u.qx, count(*) AS n FROM CL_U u JOIN CL_C c ON u.nl = c.nl GROUP BY u.qx');
      assert.deepEqual(join.json().rows, [{ qx: '西湖区', n: 1 }]);
      const file = await sql("SELECT * FROM read_parquet('/etc/passwd')");
      assert.equal(file.statusCode, 400, file.body);
      const reads = (await c.events('data.read', 'CL_C')).filter((e) => e.details.via === 'sql');
      assert.equal(reads.length, 3, 'one read per statement that ran');
      assert.ok(reads.every((e) => typeof e.details.grantId === 'string' && typeof e.details.sql === 'string'));
    });

    test('deadlines: the provider is told of new requests, reminded before the due date, and the admin of overdue ones', async () => {
      const r = (await c.request(c.officers.GA, 'CL_C', { fields: ['qx'], purpose: '辖区人口统计核对' })).json();
      const notices = async (as: { authorization: string }, kind: string) => ((await c.req('GET', '/notices?limit=100', as)).json().items as { kind: string; objectId: string }[]).filter((n) => n.kind === kind && n.objectId === r.id);
      assert.equal((await notices(c.officers.CL, 'share.request')).length, 1, 'the provider is told');
      // two working days before the due date: the reminder, once
      await c.t.p.db.query(`UPDATE share_requests SET due_at = now() + interval '1 day' WHERE id = $1`, [r.id]);
      await shareRequests.remind(c.t.p);
      await shareRequests.remind(c.t.p);
      assert.equal((await notices(c.officers.CL, 'share.due')).length, 1);
      // past the due date: on the admin's overdue list, and the admin is told
      await c.t.p.db.query(`UPDATE share_requests SET due_at = now() - interval '1 day' WHERE id = $1`, [r.id]);
      await shareRequests.remind(c.t.p);
      const overdue = (await c.req('GET', '/share/requests?side=all&overdue=true', c.admin)).json();
      assert.deepEqual(overdue.items.map((x: { id: string; overdue: boolean }) => [x.id, x.overdue]), [[r.id, true]]);
      assert.equal((await notices(c.admin, 'share.overdue')).length, 1);
      assert.equal((await c.req('POST', `/share/requests/${r.id}/withdraw`, c.officers.GA)).json().status, 'withdrawn');
    });

    test('a grant bound to application tokens serves those tokens only', async () => {
      const tok = (await c.req('POST', '/tokens', c.officers.GA, { name: '人口核对系统' })).json();
      const r = (await c.request(c.officers.GA, 'CL_C', { fields: ['qx', 'nl'] })).json();
      const ok = await c.req('POST', `/share/requests/${r.id}/approve`, c.officers.CL, { reason: '仅限核对系统调用', tokenIds: [tok.id] });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await data('CL_C', { authorization: `Bearer ${tok.token}` })).statusCode, 200, 'the bound application reads');
      assert.equal((await data('CL_C', c.officers.GA)).statusCode, 403, 'the officer\'s own session does not');
      assert.equal((await c.req('POST', `/share/grants/${ok.json().grantId}/revoke`, c.officers.GA, { reason: '系统下线' })).statusCode, 200, 'the consumer may give it up');
    });

    test('a rejection carries its reason; the requester sees it', async () => {
      const r = (await c.request(c.officers.GA, 'CL_C', { fields: ['qx'] })).json();
      const no = await c.req('POST', `/share/requests/${r.id}/reject`, c.officers.CL, { reason: '用途与数据无关' });
      assert.equal(no.statusCode, 200, no.body);
      const seen = (await c.req('GET', `/share/requests/${r.id}`, c.officers.GA)).json();
      assert.equal(seen.status, 'rejected');
      assert.equal(seen.reason, '用途与数据无关');
      assert.equal((await data('CL_C', c.officers.GA)).statusCode, 403);
    });

    test('the data service: filter as bound parameters, sort, cursor pages pinned to a version, every format', async () => {
      const q = (s: string) => data('CL_U', c.officers.MZ, s);
      const first = await q(`filter=${encodeURIComponent(JSON.stringify({ nl: { gte: 40 } }))}&sort=-nl&limit=2&fields=qx,nl`);
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(first.json().rows, [{ qx: '西湖区', nl: 81 }, { qx: '拱墅区', nl: 67 }]);
      assert.ok(first.json().nextCursor);
      const next = await q(`filter=${encodeURIComponent(JSON.stringify({ nl: { gte: 40 } }))}&sort=-nl&limit=2&fields=qx,nl&cursor=${first.json().nextCursor}`);
      assert.deepEqual(next.json().rows, [{ qx: '上城区', nl: 45 }]);
      assert.equal(next.json().nextCursor, null);
      assert.equal((await q(`limit=2&cursor=${first.json().nextCursor}`)).statusCode, 400, 'a cursor belongs to its query');
      // an injection attempt is a value, not SQL
      const inj = await q(`filter=${encodeURIComponent(JSON.stringify({ qx: { eq: "x' OR 1=1 --" } }))}`);
      assert.equal(inj.statusCode, 200, inj.body);
      assert.deepEqual(inj.json().rows, []);
      const inl = await q(`filter=${encodeURIComponent(JSON.stringify({ qx: { in: ['西湖区', '拱墅区'] }, nl: { isNull: false } }))}&fields=qx`);
      assert.equal(inl.json().rows.length, 3);
      const nd = await q('format=ndjson&fields=qx,nl&sort=nl');
      assert.equal(nd.headers['content-type'], 'application/x-ndjson');
      assert.deepEqual(nd.body.trim().split('\n').map((l) => JSON.parse(l).nl), [30, 45, 67, 81]);
      const csv = await q('format=csv&fields=xm,qx&limit=1');
      assert.equal(csv.body.replace(/^\uFEFF/, '').trim(), 'xm,qx\r\n张*丰,西湖区');
      const pq = await q('format=parquet&fields=xm');
      assert.equal(pq.statusCode, 200);
      assert.equal(pq.rawPayload.subarray(0, 4).toString(), 'PAR1');
      const bad = await q('filter=notjson');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().errors[0].field, 'filter');
      const api = await data('CL_U/openapi.json', c.officers.MZ);
      assert.equal(api.statusCode, 200, api.body);
      assert.equal(api.json().openapi, '3.0.3');
      assert.match(api.json().components.schemas.Row.properties.xm.description, /脱敏：name/);
    });

    test('quotas: rows per day and reads per minute are enforced with 429', async () => {
      const r = (await c.request(c.officers.GA, 'CL_C', { fields: ['qx', 'nl'] })).json();
      const ok = await c.req('POST', `/share/requests/${r.id}/approve`, c.officers.CL, { reason: '统计分析', rowsPerDay: 5, ratePerMinute: 3 });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await data('CL_C', c.officers.GA)).json().rows.length, 4);
      assert.equal((await data('CL_C', c.officers.GA)).json().rows.length, 1, 'the page is cut to what is left of the day');
      const used = await data('CL_C', c.officers.GA);
      assert.equal(used.statusCode, 429, used.body);
      const usage = (await c.req('GET', `/share/grants/${ok.json().grantId}/usage`, c.officers.CL)).json();
      assert.deepEqual(usage.days.map((d: { reads: number; rows: number }) => [d.reads, d.rows]), [[2, 5]]);
    });

    test('revocation and expiry stop reads at once', async () => {
      const g = await c.grant(c.officers.GA, 'CL_U', { validUntil: new Date(Date.now() + 1500).toISOString() });
      assert.equal((await data('CL_U', c.officers.GA)).statusCode, 200);
      await new Promise((ok) => setTimeout(ok, 1600));
      assert.equal((await data('CL_U', c.officers.GA)).statusCode, 403, 'expired');
      const list = (await c.req('GET', '/share/grants?side=mine', c.officers.GA)).json();
      assert.equal(list.items.find((x: { id: string }) => x.id === g).status, 'expired');
      const g2 = await c.grant(c.officers.GA, 'CL_U');
      assert.equal((await data('CL_U', c.officers.GA)).statusCode, 200);
      assert.equal((await c.req('POST', `/share/grants/${g2}/revoke`, c.officers.MZ, { reason: '不是我的' })).statusCode, 404, 'not theirs');
      const rv = await c.req('POST', `/share/grants/${g2}/revoke`, c.officers.CL, { reason: '用途已结束' });
      assert.equal(rv.statusCode, 200, rv.body);
      assert.equal(rv.json().status, 'revoked');
      assert.equal((await data('CL_U', c.officers.GA)).statusCode, 403, 'revoked');
      assert.equal((await c.req('GET', '/datasets/CL_U/rows', c.officers.GA)).statusCode, 403);
    });

    test('access anomalies (beyond the grant\'s norm, many persons in a short time) raise alerts to the admin', async () => {
      const saved = { ...ANOMALY };
      Object.assign(ANOMALY, { persons: 3, minRows: 2 });
      try {
        const grant = (await c.req('GET', '/share/grants?side=mine&status=active&dataset=CL_U', c.officers.MZ)).json().items[0];
        // a quiet history: one row a day for the three days before
        for (const d of [1, 2, 3]) await c.t.p.db.query(`INSERT INTO share_usage (grant_id, day, reads, rows) VALUES ($1, (now() AT TIME ZONE 'Asia/Shanghai')::date - $2::int, 1, 1)`, [grant.id, d]);
        assert.equal((await data('CL_U', c.officers.MZ, 'limit=10')).json().rows.length, 4);
        const alerts = (await c.req('GET', '/share/alerts?open=true', c.admin)).json();
        const kinds = alerts.items.map((a: { kind: string }) => a.kind).sort();
        assert.ok(kinds.includes('beyond-norm') && kinds.includes('many-persons'), JSON.stringify(alerts.items));
        assert.equal((await c.req('GET', '/share/alerts', c.officers.MZ)).statusCode, 403, 'the admin\'s business');
        const n = (await c.req('GET', '/notices?limit=100', c.admin)).json().items.filter((x: { kind: string }) => x.kind === 'share.alert').length;
        assert.ok(n >= 1, 'the admin is told');
        await data('CL_U', c.officers.MZ, 'limit=10');
        assert.equal((await c.req('GET', '/share/alerts?open=true', c.admin)).json().items.length, alerts.items.length, 'once per rule and grant and day');
        const ack = await c.req('POST', `/share/alerts/${alerts.items[0].id}/acknowledge`, c.admin);
        assert.equal(ack.statusCode, 200, ack.body);
        assert.equal((await c.req('GET', '/share/alerts?open=true', c.admin)).json().items.length, alerts.items.length - 1);
      } finally {
        Object.assign(ANOMALY, saved);
      }
    });

    test('every read is in the trail; the citizen sees exactly the reads of their own rows; the chain verifies', async () => {
      const other = await data('CL_U', c.officers.MZ, `filter=${encodeURIComponent(JSON.stringify({ qx: { eq: '上城区' } }))}`);
      assert.equal(other.json().rows.length, 1);
      const all = (await c.req('GET', '/audit/events?action=data.read&limit=1000', c.admin)).json().items as { seq: number; subjectKeys: string[]; actorName: string; objectId: string; details: Record<string, unknown> }[];
      for (const e of all) {
        assert.ok(['rows', 'api', 'classify', 'sql'].includes(e.details.via as string), JSON.stringify(e.details));
        assert.ok(Array.isArray(e.details.fields) && typeof e.details.rows === 'number' && typeof e.details.version === 'number');
        if (e.actorName !== 'officer_cl') assert.equal(typeof e.details.grantId, 'string');
      }
      const key = pseudonym(id(1), 'test-secret');
      const expected = all.filter((e) => e.subjectKeys.includes(key)).map((e) => e.seq);
      const last = all[0]!;
      assert.equal(last.details.rows, 1);
      assert.ok(!last.subjectKeys.includes(key) && last.subjectKeys.length === 1, 'the 上城区 read returned someone else');
      assert.ok(expected.length >= 5, `reads of 张三丰's rows: ${expected.length}`);
      const uses = await c.req('GET', '/me/data-uses?limit=1000', citizen);
      assert.equal(uses.statusCode, 200, uses.body);
      assert.deepEqual(uses.json().items.map((i: { seq: number }) => i.seq), expected);
      const item = uses.json().items.find((i: { department: string }) => i.department === '民政局');
      assert.ok(item, uses.body);
      assert.equal(item.purpose, '测试用途：核对数据');
      assert.equal(item.dataset, 'CL_U');
      assert.equal((await c.req('GET', '/me/data-uses', c.officers.MZ)).statusCode, 403, 'citizens only');
      const v = await c.req('POST', '/audit/verify', c.admin);
      assert.equal(v.json().ok, true, v.body);
    });
  });
}
