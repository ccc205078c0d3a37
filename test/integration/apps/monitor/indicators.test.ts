/**
 * Indicators end to end, on PGlite and PostgreSQL: a builder indicator (count per day and district)
 * and a SQL one computed as their owner through the guard and kept as versions of a theme-layer
 * dataset; a refresh adds a version (history); another department sees the definition but not the
 * series without a grant, and reads it once granted; a query over data the owner cannot read is
 * refused before anything is written; bad definitions name their field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../../helpers/platform.ts';
import { openCity, type City } from '../../../helpers/city.ts';

const FIELDS = [
  { name: 'sj', title: '时间', type: 'timestamp', sensitivity: 'L1' },
  { name: 'qy', title: '区域', type: 'string', sensitivity: 'L1' },
  { name: 'pm25', title: 'PM2.5', type: 'number', sensitivity: 'L1' },
];
const CSV = ['时间,区域,PM2.5',
  '2026-03-01 08:00:00,上城区,35', '2026-03-01 09:30:00,上城区,41', '2026-03-01 10:00:00,西湖区,28',
  '2026-03-02 08:00:00,上城区,77', '2026-03-02 08:30:00,西湖区,55', '2026-03-02 09:00:00,西湖区,61', ''].join('\n');

for (const driver of drivers()) {
  describe(`indicators (${driver})`, () => {
    let c: City;
    const ok = async (method: string, url: string, as: { authorization: string }, body?: unknown, status = 200) => {
      const r = await c.req(method, url, as, body);
      assert.equal(r.statusCode, status, `${method} ${url}: ${r.body}`);
      return r.json();
    };
    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_AIR', FIELDS, { shareType: 'conditional' });
      const u = await c.upload(c.officers.GA, 'GA_AIR', 'air.csv', CSV);
      assert.equal(u.json().status, 'succeeded', u.body);
      await c.register(c.officers.MZ, 'MZ', 'MZ_SECRET', FIELDS, { shareType: 'conditional' });
      assert.equal((await c.upload(c.officers.MZ, 'MZ_SECRET', 's.csv', CSV)).json().status, 'succeeded');
    });
    after(() => c.close());

    test('a builder indicator is computed as its owner and kept as a series; a refresh adds a version', async () => {
      const ind = await ok('POST', '/indicators', c.officers.GA, {
        code: 'AIR_N', name: '每日监测次数', unit: '次', description: '按区统计每日监测记录数',
        query: { mode: 'builder', dataset: 'GA_AIR', time: 'sj', agg: 'count', dimensions: ['qy'], grain: 'day' },
      }, 201);
      assert.equal(ind.dataset, 'IND_AIR_N');
      assert.equal(ind.points, 4);
      assert.deepEqual(ind.watches, ['GA_AIR']);
      const s = await ok('GET', '/indicators/AIR_N/series', c.officers.GA);
      const byKey = Object.fromEntries(s.points.map((p: { t: string; qy: string; value: number }) => [`${String(p.t).slice(0, 10)} ${p.qy}`, p.value]));
      assert.deepEqual(byKey, { '2026-03-01 上城区': 2, '2026-03-01 西湖区': 1, '2026-03-02 上城区': 1, '2026-03-02 西湖区': 2 });
      const only = await ok('GET', `/indicators/AIR_N/series?where=${encodeURIComponent(JSON.stringify({ qy: '西湖区' }))}`, c.officers.GA);
      assert.deepEqual(only.points.map((p: { value: number }) => p.value), [1, 2]);
      const avg = await ok('POST', '/indicators', c.officers.GA, { code: 'AIR_AVG', name: '日均PM2.5', unit: 'μg/m³', query: { mode: 'builder', dataset: 'GA_AIR', time: 'sj', measure: 'pm25', agg: 'avg', grain: 'day' } }, 201);
      const a = await ok('GET', `/indicators/${avg.code}/series`, c.officers.GA);
      assert.deepEqual(a.points.map((p: { value: number }) => Math.round(p.value * 100) / 100), [34.67, 64.33]);
      await ok('POST', '/indicators/AIR_N/refresh', c.officers.GA, {});
      const versions = await ok('GET', '/datasets/IND_AIR_N/versions', c.officers.GA);
      assert.equal(versions.total, 2, 'each refresh is a version: the history stays');
      const list = await ok('GET', '/indicators?q=监测', c.officers.MZ);
      assert.ok(list.some((i: { code: string }) => i.code === 'AIR_N'), 'the catalog of indicators is searchable by everyone');
    });

    test('another department reads the series only under a grant', async () => {
      assert.equal((await ok('GET', '/indicators/AIR_N', c.officers.MZ)).code, 'AIR_N');
      const refused = await c.req('GET', '/indicators/AIR_N/series', c.officers.MZ);
      assert.ok([403, 404].includes(refused.statusCode), refused.body);
      assert.ok(!refused.body.includes('上城区'));
      assert.equal((await c.req('POST', '/indicators/AIR_N/refresh', c.officers.MZ, {})).statusCode, 403);
      const r = await c.request(c.officers.MZ, 'IND_AIR_N');
      assert.equal(r.statusCode, 201, r.body);
      await ok('POST', `/share/requests/${r.json().id}/approve`, c.officers.GA, { reason: '同意：城市运行监测' });
      const s = await ok('GET', '/indicators/AIR_N/series', c.officers.MZ);
      assert.equal(s.points.length, 4);
    });

    test('a query over data the owner cannot read is refused, and nothing is written', async () => {
      const r = await c.req('POST', '/indicators', c.officers.GA, { code: 'STOLEN', name: '越权指标', query: { mode: 'builder', dataset: 'MZ_SECRET', time: 'sj', agg: 'count', grain: 'day' } });
      assert.ok([403, 404].includes(r.statusCode), r.body);
      assert.equal((await c.req('GET', '/datasets/IND_STOLEN', c.admin)).statusCode, 404, 'no series dataset was made');
      assert.equal((await c.req('GET', '/indicators/STOLEN', c.admin)).statusCode, 404);
    });

    test('a SQL indicator, and definitions that name their fault', async () => {
      const ind = await ok('POST', '/indicators', c.officers.GA, {
        code: 'AIR_MAX', name: '最高值', query: { mode: 'sql', sql: `SELECT date_trunc('day', sj) AS t, max(pm25) AS value FROM GA_AIR GROUP BY 1`, dimensions: [] },
      }, 201);
      assert.equal(ind.points, 2);
      const bad = async (query: unknown, field: string) => {
        const r = await c.req('POST', '/indicators', c.officers.GA, { code: 'BAD_ONE', name: '错误', query });
        assert.equal(r.statusCode, 400, r.body);
        assert.equal(r.json().errors[0].field, field, r.body);
      };
      await bad({ mode: 'builder', dataset: 'GA_AIR', time: 'sj', agg: 'sum', grain: 'day' }, 'query.measure');
      await bad({ mode: 'builder', dataset: 'GA_AIR', time: 'sj; DROP', agg: 'count', grain: 'day' }, 'query.time');
      await bad({ mode: 'sql', sql: 'SELECT qy FROM GA_AIR' }, 'query');
      assert.equal((await c.req('POST', '/indicators', c.officers.GA, { code: 'AIR_N', name: '重复', query: { mode: 'builder', dataset: 'GA_AIR', time: 'sj', agg: 'count', grain: 'day' } })).statusCode, 409);
    });
  });
}
