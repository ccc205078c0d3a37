/**
 * Dashboards (驾驶舱) end to end, on PGlite and PostgreSQL: an officer makes one with a map of case
 * hot spots and a line over an indicator; bad widgets are refused naming the field (type, size,
 * source, indicator, dimension, filters, refresh); only the owning department's officers, the maker
 * and admins change, share or delete it; sharing with a department or a role makes it listable and
 * readable by them and only them (another department gets 404), and shares the layout, not the data:
 * the indicator's series stays closed to a department without a grant. The demo's 城市运行 dashboard
 * is made once, passes the same checks, and draws the indicators the platform has.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../../helpers/platform.ts';
import { openCity, OFFICER_PASSWORD, type Auth, type City } from '../../../helpers/city.ts';
import { login } from '../../../helpers/server.ts';
import { DEMO_DASHBOARD, demoDashboards } from '../../../../src/demo/dashboards.ts';

const FIELDS = [
  { name: 'sj', title: '时间', type: 'timestamp', sensitivity: 'L1' },
  { name: 'qy', title: '区域', type: 'string', sensitivity: 'L1' },
  { name: 'pm25', title: 'PM2.5', type: 'number', sensitivity: 'L1' },
];
const CSV = ['时间,区域,PM2.5', '2026-03-01 08:00:00,上城区,35', '2026-03-01 09:00:00,西湖区,41', '2026-03-02 08:00:00,上城区,77', ''].join('\n');

const MAP = { id: 'map', type: 'map', title: '案件热点', x: 0, y: 0, w: 12, h: 10, config: { source: { kind: 'hotspots' }, map: { level: 'grid', mode: 'choropleth' } } };
const LINE = { id: 'pm', type: 'line', title: 'PM2.5', x: 12, y: 0, w: 12, h: 8, config: { source: { kind: 'indicator', indicator: 'AIR_AVG', agg: 'avg', dimension: 'qy' }, range: '30d' } };

for (const driver of drivers()) {
  describe(`dashboards (${driver})`, () => {
    let c: City;
    let as: Record<'gaHandler' | 'clAnalyst' | 'citizen', Auth>;
    const call = (method: string, url: string, who: Auth, body?: unknown) => c.req(method, url, who, body);
    const ok = async (method: string, url: string, who: Auth, body?: unknown, status = 200) => {
      const r = await call(method, url, who, body);
      assert.equal(r.statusCode, status, `${method} ${url}: ${r.body}`);
      return r.body ? r.json() : null;
    };
    /** The fields a refused request names. */
    const refused = async (method: string, url: string, who: Auth, body: unknown) => {
      const r = await call(method, url, who, body);
      assert.equal(r.statusCode, 400, `${method} ${url} should be refused: ${r.body}`);
      assert.match(String(r.headers['content-type']), /application\/problem\+json/);
      return (r.json().errors as { field: string }[]).map((e) => e.field);
    };
    const listed = async (who: Auth) => ((await ok('GET', '/dashboards', who)) as { code: string }[]).map((d) => d.code);

    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_AIR', FIELDS, { shareType: 'conditional' });
      assert.equal((await c.upload(c.officers.GA, 'GA_AIR', 'air.csv', CSV)).json().status, 'succeeded');
      await ok('POST', '/indicators', c.officers.GA, { code: 'AIR_AVG', name: '日均PM2.5', unit: 'μg/m³', query: { mode: 'builder', dataset: 'GA_AIR', time: 'sj', measure: 'pm25', agg: 'avg', dimensions: ['qy'], grain: 'day' } }, 201);
      const make = async (username: string, role: string, dept?: string) => {
        await ok('POST', '/users', c.admin, { username, displayName: username, password: OFFICER_PASSWORD, role, departmentId: dept ? c.dept[dept] : undefined }, 201);
        return login(c.app, username, OFFICER_PASSWORD);
      };
      as = { gaHandler: await make('handler_ga', 'handler', 'GA'), clAnalyst: await make('analyst_cl', 'analyst', 'CL'), citizen: await make('citizen_li', 'citizen') };
    });
    after(() => c.close());

    test('an officer makes a dashboard with a map and a line; it is kept as laid out', async () => {
      const d = await ok('POST', '/dashboards', c.officers.GA, { code: 'city_ops', name: '城市运行', layout: [MAP, LINE], filters: { range: '30d', district: '330102' }, refreshSeconds: 60 }, 201);
      assert.equal(d.code, 'CITY_OPS');
      assert.equal(d.department.id, c.dept.GA);
      assert.deepEqual(d.layout.map((w: { id: string; type: string; x: number; w: number }) => [w.id, w.type, w.x, w.w]), [['map', 'map', 0, 12], ['pm', 'line', 12, 12]]);
      assert.deepEqual(d.layout[1].config.source, { kind: 'indicator', indicator: 'AIR_AVG', agg: 'avg', dimension: 'qy' });
      assert.deepEqual(d.filters, { range: '30d', district: '330102' });
      assert.equal(d.refreshSeconds, 60);
      assert.deepEqual(d.shared, { departments: [], roles: [], all: false });
      assert.equal(d.canEdit, true);
      assert.deepEqual(await listed(c.officers.GA), ['CITY_OPS']);
      assert.deepEqual(await listed(as.gaHandler), ['CITY_OPS'], 'the whole department sees its dashboards');
      assert.equal((await ok('GET', '/dashboards/city_ops', as.gaHandler)).canEdit, false, 'a handler reads it and may not change it');
      const ev = await c.events('dashboard.create', 'CITY_OPS');
      assert.equal(ev.length, 1);
      const dup = await call('POST', '/dashboards', c.officers.GA, { code: 'CITY_OPS', name: '重复' });
      assert.equal(dup.statusCode, 409, dup.body);
      // a code is made when none is given
      const auto = await ok('POST', '/dashboards', c.officers.GA, { name: '草稿' }, 201);
      assert.match(auto.code, /^DB_[A-Z0-9]+$/);
      await ok('DELETE', `/dashboards/${auto.code}`, c.officers.GA, undefined, 204);
    });

    test('bad widgets are refused, each problem named by its field', async () => {
      const post = (layout: unknown[], extra: Record<string, unknown> = {}) => refused('POST', '/dashboards', c.officers.GA, { name: '坏的', layout, ...extra });
      assert.deepEqual(await post([{ ...LINE, type: 'sankey' }]), ['layout.0.type']);
      assert.deepEqual(await post([MAP, { ...LINE, x: 20, w: 12 }]), ['layout.1.w'], 'wider than the 24-column grid');
      assert.deepEqual(await post([{ ...MAP, h: 0 }]), ['layout.0.h']);
      assert.deepEqual(await post([{ ...LINE, config: { source: { kind: 'indicator', indicator: 'NO_SUCH' } } }]), ['layout.0.config.source.indicator'], 'the indicator must exist');
      assert.deepEqual(await post([{ ...LINE, config: { source: { kind: 'indicator', indicator: 'AIR_AVG', dimension: 'zd' } } }]), ['layout.0.config.source.dimension'], 'a dimension of that indicator');
      assert.deepEqual(await post([{ ...LINE, type: 'heat', config: { source: { kind: 'cases', by: 'month' } } }]), ['layout.0.config.source.kind'], 'a heat chart draws an indicator');
      assert.deepEqual(await post([{ ...MAP, config: { source: { kind: 'hotspots' }, map: { level: 'moon', mode: 'points' } } }]), ['layout.0.config.map.level']);
      assert.deepEqual(await post([{ ...LINE, type: 'gauge', config: { source: { kind: 'indicator', indicator: 'AIR_AVG' } } }]), ['layout.0.config.max'], 'a gauge needs a maximum');
      assert.deepEqual(await post([{ ...LINE, config: { ...LINE.config, thresholds: [{ value: 75, color: 'red;' }] } }]), ['layout.0.config.thresholds.0.color']);
      assert.deepEqual(await post([MAP, { ...MAP }]), ['layout.1.id'], 'widget ids are unique');
      assert.deepEqual(await post([{ ...MAP, config: null }, { ...LINE, type: 'pie', w: 0 }]), ['layout.0.config', 'layout.1.w'], 'every problem at once');
      assert.deepEqual(await post([], { filters: { district: '杭州' } }), ['filters.district']);
      assert.deepEqual(await post([], { refreshSeconds: 3 }), ['refreshSeconds']);
      assert.deepEqual(await listed(c.officers.GA), ['CITY_OPS'], 'nothing refused was written');
      // and on update too
      assert.deepEqual(await refused('PUT', '/dashboards/CITY_OPS', c.officers.GA, { name: '城市运行', layout: [{ ...MAP, type: 'radar' }] }), ['layout.0.type']);
    });

    test('only the owning department\'s officers, the maker and admins change, share or delete it', async () => {
      const body = { name: '城市运行（新）', layout: [MAP], refreshSeconds: 30 };
      // another department does not see it at all
      assert.equal((await call('PUT', '/dashboards/CITY_OPS', c.officers.MZ, body)).statusCode, 404);
      assert.equal((await call('PUT', '/dashboards/CITY_OPS/share', c.officers.MZ, { all: true })).statusCode, 404);
      assert.equal((await call('DELETE', '/dashboards/CITY_OPS', c.officers.MZ)).statusCode, 404);
      // the department's handler sees it and may not change it
      assert.equal((await call('PUT', '/dashboards/CITY_OPS', as.gaHandler, body)).statusCode, 403);
      assert.equal((await call('PUT', '/dashboards/CITY_OPS/share', as.gaHandler, { all: true })).statusCode, 403);
      const d = await ok('PUT', '/dashboards/CITY_OPS', c.officers.GA, body);
      assert.equal(d.name, '城市运行（新）');
      assert.equal(d.layout.length, 1);
      assert.equal(d.refreshSeconds, 30);
      const back = await ok('PUT', '/dashboards/CITY_OPS', c.admin, { name: '城市运行', layout: [MAP, LINE], filters: { range: '30d' } });
      assert.equal(back.layout.length, 2, 'admins change any');
      // an analyst makes one for their own department and changes it; not for another
      const mine = await ok('POST', '/dashboards', as.clAnalyst, { code: 'CL_BOARD', name: '残联看板', layout: [MAP] }, 201);
      assert.equal(mine.department.id, c.dept.CL);
      await ok('PUT', '/dashboards/CL_BOARD', as.clAnalyst, { name: '残联看板', layout: [] });
      assert.equal((await call('POST', '/dashboards', as.clAnalyst, { name: 'x', departmentId: c.dept.GA })).statusCode, 403);
      assert.equal((await call('POST', '/dashboards', as.gaHandler, { name: 'x' })).statusCode, 403, 'handlers view, they do not build');
      assert.equal((await call('GET', '/dashboards', as.citizen)).statusCode, 403, 'dashboards are for staff');
    });

    test('sharing with a department or a role makes it listable and readable by them and only them — the layout, never the data', async () => {
      assert.deepEqual(await listed(c.officers.MZ), []);
      assert.equal((await call('GET', '/dashboards/CITY_OPS', c.officers.MZ)).statusCode, 404);
      const s = await ok('PUT', '/dashboards/CITY_OPS/share', c.officers.GA, { departments: [c.dept.MZ] });
      assert.deepEqual(s.shared, { departments: [c.dept.MZ], roles: [], all: false });
      assert.deepEqual(await listed(c.officers.MZ), ['CITY_OPS']);
      const seen = await ok('GET', '/dashboards/CITY_OPS', c.officers.MZ);
      assert.equal(seen.canEdit, false);
      assert.equal(seen.mine, false);
      assert.equal((await call('PUT', '/dashboards/CITY_OPS', c.officers.MZ, { name: 'x', layout: [] })).statusCode, 403, 'shared to read, not to change');
      assert.equal((await call('DELETE', '/dashboards/CITY_OPS', c.officers.MZ)).statusCode, 403);
      assert.equal((await call('GET', '/dashboards/CITY_OPS', c.officers.CL)).statusCode, 404, 'a department it is not shared with gets 404');
      assert.ok(!(await listed(c.officers.CL)).includes('CITY_OPS'));
      assert.ok(!(await listed(as.clAnalyst)).includes('CITY_OPS'));
      // the layout is shared, the data is not: the indicator's series still needs a grant
      const series = await call('GET', '/indicators/AIR_AVG/series', c.officers.MZ);
      assert.ok([403, 404].includes(series.statusCode), `the series without a grant: ${series.statusCode} ${series.body}`);

      // by role: analysts of any department, not CL's officer
      await ok('PUT', '/dashboards/CITY_OPS/share', c.officers.GA, { roles: ['analyst'] });
      assert.ok((await listed(as.clAnalyst)).includes('CITY_OPS'));
      await ok('GET', '/dashboards/CITY_OPS', as.clAnalyst);
      assert.equal((await call('GET', '/dashboards/CITY_OPS', c.officers.CL)).statusCode, 404);
      assert.equal((await call('GET', '/dashboards/CITY_OPS', c.officers.MZ)).statusCode, 404, 'sharing again replaces: MZ is no longer in it');
      // everyone on the staff, still not citizens
      await ok('PUT', '/dashboards/CITY_OPS/share', c.officers.GA, { all: true });
      assert.ok((await listed(c.officers.CL)).includes('CITY_OPS'));
      assert.equal((await call('GET', '/dashboards/CITY_OPS', as.citizen)).statusCode, 403);
      // bad shares name the field
      const bad = await call('PUT', '/dashboards/CITY_OPS/share', c.officers.GA, { departments: ['0190d9a0-0000-7000-8000-000000000000'] });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field), ['departments.0']);
      assert.equal((await call('PUT', '/dashboards/CITY_OPS/share', c.officers.GA, { roles: ['citizen'] })).statusCode, 400);
      assert.equal((await c.events('dashboard.share', 'CITY_OPS')).length, 3);
      // the owner deletes it; then it is gone for all
      await ok('PUT', '/dashboards/CITY_OPS/share', c.officers.GA, { departments: [c.dept.MZ] });
      await ok('DELETE', '/dashboards/CITY_OPS', c.officers.GA, undefined, 204);
      assert.equal((await call('GET', '/dashboards/CITY_OPS', c.officers.MZ)).statusCode, 404);
      assert.equal((await call('GET', '/dashboards/CITY_OPS', c.officers.GA)).statusCode, 404);
    });

    test('the demo\'s 城市运行 dashboard: made once by the dispatch centre, shared with all the staff, the indicators there drawn', async () => {
      assert.equal(await demoDashboards(c.t.p), null, 'no dispatch centre, no dashboard');
      const rx = await ok('POST', '/departments', c.admin, { code: 'RX', name: '市民热线服务中心', regionCode: '330102' }, 201);
      // an indicator of the demo's sensors, made here under its code
      await ok('POST', '/indicators', c.officers.GA, { code: 'AQ_PM25_HOURLY', name: 'PM2.5 小时均值', unit: 'μg/m³', query: { mode: 'builder', dataset: 'GA_AIR', time: 'sj', measure: 'pm25', agg: 'avg', dimensions: ['qy'], grain: 'hour' } }, 201);
      assert.equal(await demoDashboards(c.t.p), DEMO_DASHBOARD);
      assert.equal(await demoDashboards(c.t.p), DEMO_DASHBOARD, 'again: nothing new');
      const d = await ok('GET', `/dashboards/${DEMO_DASHBOARD}`, c.officers.CL);
      assert.equal(d.department.id, rx.id);
      assert.equal(d.shared.all, true);
      const types = d.layout.map((w: { type: string }) => w.type);
      for (const t of ['kpi', 'line', 'bar', 'pie', 'gauge', 'table', 'ranking', 'map', 'heat']) assert.ok(types.includes(t), `a ${t} widget`);
      const sources = d.layout.map((w: { config: { source: { indicator?: string } } }) => w.config.source.indicator).filter(Boolean);
      assert.ok(sources.length > 0 && sources.every((x: string) => x === 'AQ_PM25_HOURLY'), `only the indicators there: ${sources}`);
      assert.equal(d.layout.find((w: { type: string }) => w.type === 'map').config.source.kind, 'hotspots');
      assert.equal((await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM dashboards WHERE code = $1`, [DEMO_DASHBOARD]))!.n, 1);
    });
  });
}
