/** Area codes of grid management (GB/T 30428.1): their parts, their levels, their parents; GeoJSON checks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeError, geometryErrors, gridCode, interiorPoint, contains, isAreaCode, levelOf, parentCodeOf, AreaIndex, bboxOf, type AreaGeometry } from '../../../src/geo/index.ts';

test('a unit grid cell code is county + street + community + cell, 15 digits', () => {
  assert.equal(gridCode({ county: '330102', street: 1, community: 3, cell: 12 }), '330102001003012');
  assert.deepEqual(gridCode('330102001003012'), { county: '330102', street: '001', community: '003', cell: '012' });
  assert.throws(() => gridCode('33010200100301'), RangeError); // 14 digits
  assert.throws(() => gridCode('330102000003012'), /000/); // street 000
  assert.throws(() => gridCode('330102001003000'), /000/); // cell 000
  assert.throws(() => gridCode({ county: '330102', street: 1000, community: 1, cell: 1 }), RangeError);
  assert.throws(() => gridCode({ county: '330100', street: 1, community: 1, cell: 1 }), /county/);
});

test('codes by level: lengths, the city ending in 00, parents by prefix', () => {
  assert.equal(codeError('city', '330100'), undefined);
  assert.ok(codeError('city', '330102'));
  assert.equal(codeError('district', '330102'), undefined);
  assert.ok(codeError('district', '330100'));
  assert.ok(codeError('district', 330102));
  assert.ok(isAreaCode('street', '330102001'));
  assert.ok(!isAreaCode('street', '33010200'));
  assert.ok(isAreaCode('community', '330102001003'));
  assert.ok(!isAreaCode('grid', '330102001003'));
  assert.ok(codeError('grid', '33010200100301x'));
  assert.equal(levelOf('330100'), 'city');
  assert.equal(levelOf('330102'), 'district');
  assert.equal(levelOf('330102001003012'), 'grid');
  assert.equal(levelOf('12'), undefined);
  assert.equal(parentCodeOf('grid', '330102001003012'), '330102001003');
  assert.equal(parentCodeOf('community', '330102001003'), '330102001');
  assert.equal(parentCodeOf('street', '330102001'), '330102');
  assert.equal(parentCodeOf('district', '330102'), '330100');
  assert.equal(parentCodeOf('city', '330100'), null);
});

const square = (x: number, y: number, s = 1): AreaGeometry => ({ type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]] });

test('GeoJSON checks name the field: type, ring closure, ranges, positions', () => {
  assert.deepEqual(geometryErrors(square(120, 30), 'g'), []);
  assert.deepEqual(geometryErrors({ type: 'Point', coordinates: [1, 2] }, 'g'), [{ field: 'g.type', message: 'must be Polygon or MultiPolygon' }]);
  const open = { type: 'Polygon', coordinates: [[[120, 30], [121, 30], [121, 31], [120, 31]]] };
  assert.match(geometryErrors(open, 'g')[0]!.message, /closed/);
  assert.equal(geometryErrors(open, 'g')[0]!.field, 'g.coordinates[0]');
  const swapped = { type: 'Polygon', coordinates: [[[30, 120], [31, 120], [31, 121], [30, 120]]] };
  assert.equal(geometryErrors(swapped, 'g')[0]!.field, 'g.coordinates[0][0][1]');
  const multi = { type: 'MultiPolygon', coordinates: [square(0, 0).coordinates, [[[0, 0], [1, 'x'], [1, 1], [0, 0]]]] };
  assert.equal(geometryErrors(multi, 'g')[0]!.field, 'g.coordinates[1][0][1]');
  assert.equal(geometryErrors(null, 'g')[0]!.field, 'g');
});

test('a point inside stands for an area, even a U-shaped one whose centroid falls outside', () => {
  const u: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]] };
  const [x, y] = interiorPoint(u);
  assert.ok(contains(u, x, y), `${x},${y}`);
  assert.deepEqual(interiorPoint(square(0, 0, 2)), [1, 1]);
});

test('the index finds the deepest area and its chain; outside everything, nulls', () => {
  const areas = [
    { code: '330102', name: 'D', level: 'district' as const, parent: null, geometry: square(0, 0, 4) },
    { code: '330102001', name: 'S', level: 'street' as const, parent: '330102', geometry: square(0, 0, 2) },
    { code: '330102001001', name: 'C', level: 'community' as const, parent: '330102001', geometry: square(0, 0, 2) },
    { code: '330102001001001', name: 'G1', level: 'grid' as const, parent: '330102001001', geometry: square(0, 0, 1) },
    { code: '330102001001002', name: 'G2', level: 'grid' as const, parent: '330102001001', geometry: square(1, 0, 1) },
  ].map((a) => ({ ...a, bbox: bboxOf(a.geometry) }));
  const idx = new AreaIndex(areas);
  assert.deepEqual(idx.locate(1.5, 0.5), {
    district: { code: '330102', name: 'D' }, street: { code: '330102001', name: 'S' },
    community: { code: '330102001001', name: 'C' }, grid: { code: '330102001001002', name: 'G2' },
  });
  assert.deepEqual(idx.locate(3, 3), { district: { code: '330102', name: 'D' }, street: null, community: null, grid: null });
  assert.deepEqual(idx.locate(9, 9), { district: null, street: null, community: null, grid: null });
});
