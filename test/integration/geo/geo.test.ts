/**
 * The geography over the API: importing levels of GeoJSON (admins only, all or nothing, errors
 * naming the feature's field), the public areas and locate, grid cells and their workers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { openCity, OFFICER_PASSWORD, type City } from '../../helpers/city.ts';
import { login } from '../../helpers/server.ts';
import { geo } from '../../../src/geo/index.ts';

const square = (x: number, y: number, s: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]] });
const feature = (code: string, name: string, geometry: unknown, extra: Record<string, unknown> = {}) => ({ type: 'Feature', properties: { code, name, ...extra }, geometry });
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

for (const driver of drivers()) {
  describe(`geography (${driver})`, () => {
    let c: City;
    before(async () => { c = await openCity(driver); });
    after(() => c.close());

    const importLevel = (level: string, featureCollection: unknown, who = c.admin) => c.req('POST', '/geo/areas', who, { level, featureCollection });

    test('a city imports its areas level by level; areas are public GeoJSON and points locate', async () => {
      for (const [level, body] of [
        ['city', fc(feature('330100', '示范市', square(120, 30, 1)))],
        ['district', fc(feature('330102', '甲区', square(120, 30, 0.5)), feature('330105', '乙区', square(120.5, 30, 0.5)))],
        ['street', fc(feature('330102001', '一街道', square(120, 30, 0.25)), feature('330102002', '二街道', square(120.25, 30, 0.25)))],
        ['community', fc(feature('330102001001', '东社区', square(120, 30, 0.25), { households: 1200 }))],
        ['grid', fc(feature('330102001001001', '一街道第01网格', square(120, 30, 0.1)), feature('330102001001002', '一街道第02网格', square(120.1, 30, 0.1), { center: [120.15, 30.05] }))],
      ] as const) {
        const r = await importLevel(level, body);
        assert.equal(r.statusCode, 200, r.body);
        assert.deepEqual(r.json(), { level, imported: body.features.length, created: body.features.length, updated: 0 });
      }
      const again = await importLevel('district', fc(feature('330102', '甲区（新）', square(120, 30, 0.5))));
      assert.deepEqual(again.json(), { level: 'district', imported: 1, created: 0, updated: 1 });

      // public: no login, cacheable, revalidated by its tag
      const areas = await c.app.inject({ method: 'GET', url: '/api/v1/geo/areas?level=district' });
      assert.equal(areas.statusCode, 200, areas.body);
      assert.match(String(areas.headers['cache-control']), /public, max-age=\d+/);
      const body = areas.json();
      assert.equal(body.type, 'FeatureCollection');
      assert.deepEqual(body.features.map((f: { properties: { code: string; name: string; parent: string } }) => [f.properties.code, f.properties.name, f.properties.parent]), [['330102', '甲区（新）', '330100'], ['330105', '乙区', '330100']]);
      assert.deepEqual(body.features[1].properties.center, [120.75, 30.25]);
      const cached = await c.app.inject({ method: 'GET', url: '/api/v1/geo/areas?level=district', headers: { 'if-none-match': String(areas.headers.etag) } });
      assert.equal(cached.statusCode, 304);
      const cells = (await c.app.inject({ method: 'GET', url: '/api/v1/geo/areas?level=grid&parent=330102001' })).json();
      assert.deepEqual(cells.features.map((f: { id: string }) => f.id), ['330102001001001', '330102001001002']);
      assert.deepEqual(cells.features[1].properties.center, [120.15, 30.05]);
      assert.equal((await c.app.inject({ method: 'GET', url: '/api/v1/geo/areas?level=grid&parent=330105' })).json().features.length, 0);
      assert.equal((await c.app.inject({ method: 'GET', url: '/api/v1/geo/areas?level=planet' })).statusCode, 400);

      const locate = async (lng: number, lat: number) => {
        const r = await c.app.inject({ method: 'GET', url: `/api/v1/geo/locate?lng=${lng}&lat=${lat}` });
        assert.equal(r.statusCode, 200, r.body);
        return r.json();
      };
      assert.deepEqual(await locate(120.15, 30.05), {
        district: { code: '330102', name: '甲区（新）' }, street: { code: '330102001', name: '一街道' },
        community: { code: '330102001001', name: '东社区' }, grid: { code: '330102001001002', name: '一街道第02网格' },
      });
      assert.deepEqual(await locate(120.3, 30.1), { district: { code: '330102', name: '甲区（新）' }, street: { code: '330102002', name: '二街道' }, community: null, grid: null });
      assert.deepEqual(await locate(119, 29), { district: null, street: null, community: null, grid: null });
      assert.equal((await c.app.inject({ method: 'GET', url: '/api/v1/geo/locate?lng=200&lat=30' })).statusCode, 400);

      const events = (await c.req('GET', '/audit/events?action=geo.import', c.admin)).json().items as unknown[];
      assert.equal(events.length, 6);
    });

    test('bad GeoJSON is refused with the feature and field named, and nothing of it is written', async () => {
      const bad = async (level: string, body: unknown, field: string) => {
        const r = await importLevel(level, body);
        assert.equal(r.statusCode, 400, r.body);
        assert.match(String(r.headers['content-type']), /application\/problem\+json/);
        const fields = (r.json().errors as { field: string }[]).map((e) => e.field);
        assert.ok(fields.includes(field), `${field} not in ${fields.join(', ')}`);
      };
      const good = (code: string) => feature(code, `街道${code}`, square(120.25, 30.25, 0.1));
      // the second feature's ring is open: the good first one is not written either
      await bad('street', fc(good('330105001'), feature('330105002', '开口', { type: 'Polygon', coordinates: [[[120, 30], [121, 30], [121, 31], [120, 31]]] })), 'features[1].geometry.coordinates[0]');
      await bad('street', fc(good('330105001'), good('330105002'), feature('33010500', '短码', square(120, 30, 0.1))), 'features[2].properties.code');
      await bad('street', fc(good('330105001'), feature('330105002', '', square(120, 30, 0.1))), 'features[1].properties.name');
      await bad('street', fc(good('330105001'), feature('330105002', '点', { type: 'Point', coordinates: [120, 30] })), 'features[1].geometry.type');
      await bad('street', fc(good('330105001'), feature('330105002', '颠倒', square(30, 120, 0.1))), 'features[1].geometry.coordinates[0][0][1]');
      await bad('street', fc(good('330105001'), good('330105001')), 'features[1].properties.code');
      await bad('street', fc(good('330199001')), 'features[0].properties.code'); // no district 330199
      await bad('grid', fc(feature('330102001009001', '无社区', square(120, 30, 0.1))), 'features[0].properties.code');
      await bad('street', fc(feature('330105001', '错上级', square(120, 30, 0.1), { parent: '330102' })), 'features[0].properties.parent');
      await bad('street', { type: 'FeatureCollection', features: [] }, 'features');
      await bad('district', fc(feature('330102001', '层级不符', square(120, 30, 0.1))), 'features[0].properties.code');
      const streets = (await c.app.inject({ method: 'GET', url: '/api/v1/geo/areas?level=street&parent=330105' })).json();
      assert.equal(streets.features.length, 0);
      assert.equal((await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM geo_areas WHERE code LIKE '330105%' AND level = 'street'`))?.n, 0);
    });

    test('only admins import; grid cells and their workers are for signed-in users', async () => {
      const body = fc(feature('330105001', '三街道', square(120.5, 30, 0.1)));
      assert.equal((await importLevel('street', body, c.officers.GA)).statusCode, 403);
      assert.equal((await c.app.inject({ method: 'POST', url: '/api/v1/geo/areas', payload: { level: 'street', featureCollection: body } })).statusCode, 401);
      assert.equal((await c.app.inject({ method: 'GET', url: '/api/v1/geo/grid/330102001001001' })).statusCode, 401);

      const mk = async (username: string, role: string, dept: string) => {
        const r = await c.req('POST', '/users', c.admin, { username, displayName: username, password: OFFICER_PASSWORD, role, departmentId: c.dept[dept] });
        assert.equal(r.statusCode, 201, r.body);
        return r.json().id as string;
      };
      const h1 = await mk('grid_ga_1', 'handler', 'GA');
      const h2 = await mk('grid_mz_1', 'handler', 'MZ');
      const analyst = await mk('grid_analyst', 'analyst', 'GA');
      const put = (code: string, userIds: string[], who = c.admin) => c.req('PUT', `/geo/grid/${code}/workers`, who, { userIds });
      const r = await put('330102001001001', [h1, h2]);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().workers.map((w: { username: string; department: { code: string } }) => [w.username, w.department.code]), [['grid_ga_1', 'GA'], ['grid_mz_1', 'MZ']]);
      assert.equal((await put('330102001001001', [analyst])).statusCode, 400);
      assert.equal((await put('330102001', [h1])).statusCode, 400); // a street is no cell
      assert.equal((await put('330102001009009', [h1])).statusCode, 404);
      // an officer sets their own department's workers and leaves the others'
      assert.equal((await put('330102001001001', [h2], c.officers.GA)).statusCode, 400);
      const mine = await put('330102001001001', [], c.officers.GA);
      assert.equal(mine.statusCode, 200, mine.body);
      assert.deepEqual(mine.json().workers.map((w: { username: string }) => w.username), ['grid_mz_1']);
      const handler = await login(c.app, 'grid_mz_1', OFFICER_PASSWORD);
      assert.equal((await put('330102001001001', [], handler)).statusCode, 403);

      const cell = await c.req('GET', '/geo/grid/330102001001001', handler);
      assert.equal(cell.statusCode, 200, cell.body);
      const got = cell.json();
      assert.equal(got.code, '330102001001001');
      assert.deepEqual([got.district?.code, got.street?.code, got.community?.code], ['330102', '330102001', '330102001001']);
      assert.deepEqual(await geo.cellsOf(c.t.p, h2), [{ code: '330102001001001', name: '一街道第01网格' }]);
      assert.equal((await geo.gridWorkers(c.t.p, '330102001001002')).length, 0);
      assert.equal((await c.req('GET', '/geo/grid/330102001009009', handler)).statusCode, 404);
      const audit = (await c.req('GET', '/audit/events?action=geo.workers', c.admin)).json().items as unknown[];
      assert.equal(audit.length, 2);
    });

    test('the OpenAPI document lists the geography routes, the public ones without security', async () => {
      const doc = (await c.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      const paths = Object.keys(doc.paths);
      for (const p of ['/api/v1/geo/areas', '/api/v1/geo/locate', '/api/v1/geo/grid/{code}', '/api/v1/geo/grid/{code}/workers']) assert.ok(paths.includes(p), p);
      assert.deepEqual(doc.paths['/api/v1/geo/locate'].get.security, []);
    });
  });
}
