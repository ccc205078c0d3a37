/**
 * A forecast for any indicator, on PGlite and PostgreSQL: an hourly series with a daily pattern is
 * forecast 24 steps past its last hour with intervals around the point forecasts, following the
 * pattern; a series with dimensions needs one chosen; another department needs a grant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../../helpers/platform.ts';
import { openCity, type City } from '../../../helpers/city.ts';

const FIELDS = [
  { name: 'sj', title: '时间', type: 'timestamp', sensitivity: 'L1' },
  { name: 'zd', title: '站点', type: 'string', sensitivity: 'L1' },
  { name: 'll', title: '流量', type: 'number', sensitivity: 'L1' },
];
/** Two weeks of hourly traffic at two sections: low at night, high at 08:00 and 18:00, a little noise. */
function csv(): string {
  const lines = ['时间,站点,流量'];
  const start = Date.UTC(2026, 4, 4, 0); // Monday 4 May 2026, 08:00 in Shanghai
  for (let h = 0; h < 14 * 24; h++) {
    const t = new Date(start + h * 3_600_000);
    const hour = (t.getUTCHours() + 8) % 24;
    const base = 200 + 600 * Math.exp(-((hour - 8) ** 2) / 4) + 500 * Math.exp(-((hour - 18) ** 2) / 4);
    const stamp = t.toISOString().slice(0, 19).replace('T', ' ');
    lines.push(`${stamp},文三路,${Math.round(base + ((h * 37) % 23) - 11)}`, `${stamp},学院路,${Math.round(base / 2)}`);
  }
  return `${lines.join('\n')}\n`;
}

for (const driver of drivers()) {
  describe(`indicator forecasts (${driver})`, () => {
    let c: City;
    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_FLOW', FIELDS, {});
      const u = await c.upload(c.officers.GA, 'GA_FLOW', 'flow.csv', csv());
      assert.equal(u.json().status, 'succeeded', u.body);
      const r = await c.req('POST', '/indicators', c.officers.GA, { code: 'FLOW_H', name: '路段小时流量', unit: '辆', query: { mode: 'builder', dataset: 'GA_FLOW', time: 'sj', measure: 'll', agg: 'sum', dimensions: ['zd'], grain: 'hour' } });
      assert.equal(r.statusCode, 201, r.body);
    });
    after(() => c.close());

    test('24 hours ahead with intervals, following the daily pattern', async () => {
      const where = encodeURIComponent(JSON.stringify({ zd: '文三路' }));
      const r = await c.req('GET', `/indicators/FLOW_H/forecast?steps=24&where=${where}`, c.officers.GA);
      assert.equal(r.statusCode, 200, r.body);
      const f = r.json();
      assert.equal(f.stepSeconds, 3600);
      assert.equal(f.points.length, 24);
      assert.equal(f.points[0].t, '2026-05-18T00:00:00.000Z', 'the hour after the last one');
      for (const p of f.points) assert.ok(p.lower <= p.forecast && p.forecast <= p.upper, JSON.stringify(p));
      const at = (shanghaiHour: number) => f.points.find((p: { t: string }) => (new Date(p.t).getUTCHours() + 8) % 24 === shanghaiHour).forecast;
      assert.ok(at(8) > 2 * at(3), `the morning peak (${at(8)}) stands over the night (${at(3)})`);
    });

    test('a series with dimensions needs one chosen; another department needs a grant', async () => {
      const all = await c.req('GET', '/indicators/FLOW_H/forecast', c.officers.GA);
      assert.equal(all.statusCode, 400, all.body);
      assert.equal(all.json().errors[0].field, 'where');
      const other = await c.req('GET', `/indicators/FLOW_H/forecast?where=${encodeURIComponent(JSON.stringify({ zd: '文三路' }))}`, c.officers.MZ);
      assert.ok([403, 404].includes(other.statusCode), other.body);
    });
  });
}
