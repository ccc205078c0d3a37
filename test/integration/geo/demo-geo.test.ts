/** The demo city's geography loaded into a platform: every level, locate by the public service, grid workers of 城管. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers, openTestPlatform, SYSTEM, type TestPlatform } from '../../helpers/platform.ts';
import { departments } from '../../../src/identity/index.ts';
import { DEMO_PASSWORD, generateGeography, gridWorkerName, loadDemoGeography, WORKERS_PER_STREET } from '../../../src/demo/index.ts';
import { geo } from '../../../src/geo/index.ts';

for (const driver of drivers()) {
  describe(`demo geography (${driver})`, () => {
    let p: TestPlatform;
    before(async () => { p = await openTestPlatform(driver); });
    after(() => p.close());

    test('loads every level and the grid workers, idempotently; the cells locate', async () => {
      await departments.create(p, SYSTEM, { code: 'CG', name: '城市管理局', regionCode: '330100' });
      const r = await loadDemoGeography(p, { password: DEMO_PASSWORD });
      const g = generateGeography(42);
      assert.deepEqual(r.areas, { city: 1, district: 13, street: g.streets.length, community: g.communities.length, grid: g.grid.length });
      const streets = new Set(g.grid.map((c) => c.code.slice(0, 9)));
      assert.equal(r.workers, streets.size * WORKERS_PER_STREET);
      console.log(`# demo geography: ${g.grid.length} cells, ${g.communities.length} communities, ${r.workers} grid workers, ${r.seconds.toFixed(2)} s on ${driver}`);

      const cell = g.grid[10]!;
      const at = await geo.locate(p, cell.center[0], cell.center[1]);
      assert.equal(at.grid?.code, cell.code);
      assert.equal(at.district?.code, cell.code.slice(0, 6));
      const workers = await geo.gridWorkers(p, cell.code);
      assert.equal(workers.length, 1);
      assert.match(workers[0]!.username, new RegExp(`^${gridWorkerName(cell.code.slice(0, 9), 1).slice(0, -1)}\\d$`));
      assert.equal(workers[0]!.department.code, 'CG');
      const mine = await geo.cellsOf(p, workers[0]!.id);
      assert.ok(mine.length >= 2 && mine.some((c) => c.code === cell.code));

      const again = await loadDemoGeography(p, { password: DEMO_PASSWORD });
      assert.deepEqual(again.areas, r.areas);
      assert.equal((await p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM grid_workers`))?.n, g.grid.length);
      const fc = await geo.areas(p, { level: 'grid', parent: '330102' });
      assert.equal(fc.features.length, g.grid.filter((c) => c.code.startsWith('330102')).length);
    });
  });
}
