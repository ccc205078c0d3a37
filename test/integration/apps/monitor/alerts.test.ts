/**
 * Alert rules end to end, on PGlite and PostgreSQL: a threshold with hysteresis over an indicator
 * grouped by station fires for the station that passed it and not the other, stays firing between
 * the limit and the clear limit, resolves below the clear limit; its work order opens once however
 * often it is evaluated; a silence (maintenance window) keeps a new alert from notifying or opening
 * an order; acknowledging is the owner's, not another department's; unacknowledged alerts escalate
 * once; a back-test counts how often the rule would have fired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { alertCentre } from '../../../../src/apps/monitor/index.ts';
import { drivers } from '../../../helpers/platform.ts';
import { openCity, type City } from '../../../helpers/city.ts';

const FIELDS = [
  { name: 'sj', title: '时间', type: 'timestamp', sensitivity: 'L1' },
  { name: 'zd', title: '站点', type: 'string', sensitivity: 'L1' },
  { name: 'sw', title: '水位', type: 'number', sensitivity: 'L1' },
];
const csv = (rows: [string, string, number][]) => ['时间,站点,水位', ...rows.map((r) => r.join(',')), ''].join('\n');

for (const driver of drivers()) {
  describe(`alert rules (${driver})`, () => {
    let c: City;
    const ok = async (method: string, url: string, as: { authorization: string }, body?: unknown, status = 200) => {
      const r = await c.req(method, url, as, body);
      assert.equal(r.statusCode, status, `${method} ${url}: ${r.body}`);
      return r.body ? r.json() : null;
    };
    const add = async (rows: [string, string, number][]) => {
      const u = await c.upload(c.officers.GA, 'GA_WATER', 'w.csv', csv(rows), { mode: 'append' });
      assert.equal(u.json().status, 'succeeded', u.body);
      await ok('POST', '/indicators/WATER_MAX/refresh', c.officers.GA, {});
    };
    const alerts = async (as = c.officers.GA) => (await ok('GET', '/alerts', as)) as { id: string; rule: string; series: { zd: string }; state: string; silenced: boolean; workOrderId: string | null }[];
    const orders = async () => (await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM workorders WHERE source = 'alert'`))!.n;

    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_WATER', FIELDS, {});
      const u = await c.upload(c.officers.GA, 'GA_WATER', 'w.csv', csv([['2026-06-01 08:00:00', '闸口站', 3.2], ['2026-06-01 08:00:00', '七堡站', 3.0]]));
      assert.equal(u.json().status, 'succeeded', u.body);
      await ok('POST', '/indicators', c.officers.GA, { code: 'WATER_MAX', name: '站点小时最高水位', unit: 'm', query: { mode: 'builder', dataset: 'GA_WATER', time: 'sj', measure: 'sw', agg: 'max', dimensions: ['zd'], grain: 'hour' } }, 201);
      await ok('POST', '/alert-rules', c.officers.GA, {
        code: 'WATER_HIGH', name: '水位超警戒', indicator: 'WATER_MAX', level: 'critical', workOrder: true, escalateMinutes: 30,
        condition: { kind: 'threshold', op: '>', limit: 5, clearLimit: 4.5 },
      }, 201);
    });
    after(() => c.close());

    test('fires per series, holds between the limit and the clear limit, resolves below it; one work order', async () => {
      assert.deepEqual(await alerts(), [], 'nothing above the limit yet');
      await add([['2026-06-01 09:00:00', '闸口站', 5.4], ['2026-06-01 09:00:00', '七堡站', 3.1]]);
      let a = await alerts();
      assert.deepEqual(a.map((x) => [x.series.zd, x.state]), [['闸口站', 'firing']], 'only the station past the limit');
      assert.equal(await orders(), 1);
      await ok('POST', '/alert-rules/WATER_HIGH/evaluate', c.officers.GA, {});
      await ok('POST', '/alert-rules/WATER_HIGH/evaluate', c.officers.GA, {});
      assert.equal((await alerts()).length, 1, 'evaluated again: still one alert');
      assert.equal(await orders(), 1, 'and one work order');
      await add([['2026-06-01 10:00:00', '闸口站', 4.8]]);
      a = await alerts();
      assert.equal(a[0]!.state, 'firing', '4.8 is below the limit but above the clear limit: still firing');
      await add([['2026-06-01 11:00:00', '闸口站', 4.2]]);
      a = await alerts();
      assert.equal(a[0]!.state, 'resolved', 'below the clear limit: resolved');
      const n = await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM notices WHERE kind = 'alert.critical'`);
      assert.ok(n!.n >= 1, 'the department (and the admins, for a critical alert) were told');
    });

    test('a silence keeps a new alert from notifying or opening an order; acknowledging; escalation', async () => {
      const now = Date.now();
      await ok('POST', '/alert-silences', c.officers.GA, { rule: 'WATER_HIGH', series: { zd: '七堡站' }, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(), reason: '七堡站设备维护' }, 201);
      const before = await orders();
      await add([['2026-06-01 12:00:00', '七堡站', 6.1], ['2026-06-01 12:00:00', '闸口站', 5.9]]);
      const open = (await alerts()).filter((x) => x.state === 'firing');
      const qibao = open.find((x) => x.series.zd === '七堡站')!;
      const zhakou = open.find((x) => x.series.zd === '闸口站')!;
      assert.equal(qibao.silenced, true);
      assert.equal(qibao.workOrderId, null, 'a silenced alert opens no order');
      assert.equal(zhakou.silenced, false);
      assert.equal(await orders(), before + 1, 'only the unsilenced alert opened one');
      assert.equal((await c.req('POST', `/alerts/${zhakou.id}/acknowledge`, c.officers.MZ, {})).statusCode, 404, 'another department cannot acknowledge it');
      assert.ok(!(await alerts(c.officers.MZ)).length, 'nor list it');
      const escalated = await alertCentre.escalate(c.t.p, new Date(now + 31 * 60_000));
      assert.equal(escalated, 1, 'the unsilenced, unacknowledged alert escalates after 30 minutes');
      assert.equal(await alertCentre.escalate(c.t.p, new Date(now + 90 * 60_000)), 0, 'once');
      await ok('POST', `/alerts/${zhakou.id}/acknowledge`, c.officers.GA, {}, 204);
      assert.equal((await alerts()).find((x) => x.id === zhakou.id)!.state, 'acknowledged');
    });

    test('a back-test counts how often a condition would have fired', async () => {
      const b = await ok('POST', '/alert-rules/backtest', c.officers.GA, { indicator: 'WATER_MAX', condition: { kind: 'threshold', op: '>', limit: 5, clearLimit: 4.5 } });
      const bySt = Object.fromEntries(b.series.map((s: { series: { zd: string }; fired: number }) => [s.series.zd, s.fired]));
      // 闸口: 5.4 fires (09:00), 4.8 holds, 4.2 resolves, 5.9 fires again (12:00) → 2; 七堡: 6.1 at 12:00 → 1
      assert.deepEqual(bySt, { 闸口站: 2, 七堡站: 1 });
      assert.equal(b.total, 3);
      const bad = await c.req('POST', '/alert-rules', c.officers.GA, { code: 'BAD_RULE', name: '错', indicator: 'WATER_MAX', level: 'warning', condition: { kind: 'threshold', op: '>', limit: 5, clearLimit: 6 } });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().errors[0].field, 'condition.clearLimit');
      const other = await c.req('POST', '/alert-rules', c.officers.MZ, { code: 'MZ_PEEK', name: '偷看', indicator: 'WATER_MAX', level: 'info', condition: { kind: 'threshold', op: '>', limit: 1 } });
      assert.ok([403, 404].includes(other.statusCode), `another department cannot alert on a series it may not read: ${other.body}`);
    });
  });
}
