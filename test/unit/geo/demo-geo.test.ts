/**
 * The demo city's geography: every unit grid cell codes per GB/T 30428.1 under its community and
 * street, its center locates to itself and its street, no cell holds a neighbour's center, the
 * districts hold their seats, and the same seed gives the same city.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { generateGeography, type DemoGeography } from '../../../src/demo/geo.ts';
import { DISTRICTS } from '../../../src/demo/index.ts';
import { AreaIndex, bboxOf, codeError, contains, geometryErrors, type Level } from '../../../src/geo/index.ts';

let g: DemoGeography;
let index: AreaIndex;
before(() => {
  g = generateGeography(42);
  const levels: Array<[Level, keyof DemoGeography]> = [['district', 'districts'], ['street', 'streets'], ['community', 'communities'], ['grid', 'grid']];
  index = new AreaIndex(levels.flatMap(([level, key]) => g[key].map((a) => ({
    code: a.code, name: a.name, level, geometry: a.geometry, bbox: bboxOf(a.geometry),
    parent: level === 'district' ? null : a.code.slice(0, a.code.length - 3),
  }))));
});

test('every district and street of the demo city, and several hundred unit grid cells', () => {
  assert.deepEqual(g.districts.map((d) => d.name), DISTRICTS.map((d) => d.name));
  assert.equal(g.streets.length, DISTRICTS.reduce((n, d) => n + d.streets.length, 0));
  assert.ok(g.grid.length >= 400 && g.grid.length <= 1500, `${g.grid.length} cells`);
  assert.ok(g.communities.length >= 100, `${g.communities.length} communities`);
  for (const [level, list] of [['district', g.districts], ['street', g.streets], ['community', g.communities], ['grid', g.grid]] as const) {
    for (const a of list) {
      assert.equal(codeError(level, a.code), undefined, a.code);
      assert.deepEqual(geometryErrors(a.geometry, a.code), []);
    }
  }
  assert.equal(new Set(g.grid.map((c) => c.code)).size, g.grid.length);
  assert.match(g.grid[0]!.name, /^湖滨街道第\d{2}网格$/);
  // the urban districts are gridded whole; the others in part or not at all
  const gridded = new Set(g.grid.map((c) => c.code.slice(0, 6)));
  for (const code of ['330102', '330105', '330106', '330108', '330109', '330110', '330113', '330114']) assert.ok(gridded.has(code), code);
  for (const code of ['330111', '330112', '330122', '330127', '330182']) assert.ok(!gridded.has(code), code);
});

test('the seats lie in their districts: 上城 at 120.17,30.25, 淳安 at 119.04,29.61', () => {
  assert.equal(index.locate(120.17, 30.25).district?.name, '上城区');
  assert.equal(index.locate(120.21, 30.21).district?.name, '滨江区');
  assert.equal(index.locate(119.04, 29.61).district?.name, '淳安县');
  assert.equal(index.locate(121.5, 31.2).district, null); // 上海 is not in the city
});

test("each cell's center locates to the cell and to its street, and lies in no other cell", () => {
  const cells = g.grid;
  for (const c of cells) {
    const [lng, lat] = c.center;
    const at = index.locate(lng, lat);
    assert.equal(at.grid?.code, c.code, `${c.code} ${c.name}`);
    assert.equal(index.find('street', lng, lat)?.code, c.code.slice(0, 9), c.code);
    assert.equal(index.find('community', lng, lat)?.code, c.code.slice(0, 12), c.code);
    const holders = cells.filter((o) => o !== c && contains(o.geometry, lng, lat));
    assert.deepEqual(holders.map((o) => o.code), [], c.code);
  }
});

test('deterministic: the same seed, the same city; another seed, other streets', () => {
  assert.deepEqual(generateGeography(42), g);
  const other = generateGeography(7);
  assert.notDeepEqual(other.streets[0]!.geometry, g.streets[0]!.geometry);
  // coordinates are rounded to 5 decimals
  const coords = JSON.stringify(g.grid.map((c) => c.geometry)).match(/-?\d+\.\d+/g)!;
  assert.ok(coords.every((x) => x.split('.')[1]!.length <= 5));
});
