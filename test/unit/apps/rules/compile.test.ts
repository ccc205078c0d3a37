/**
 * The builder's SQL on DuckDB, shape by shape, against answers worked out by hand; values with quotes
 * stay values; ages are whole years by the calendar (29 February included).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { compileBuilder, daysBefore, yearsBefore, type BuilderQuery } from '../../../../src/apps/rules/index.ts';

describe('rule builder SQL', () => {
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  const rows = async (q: BuilderQuery, asOf = '2024-06-30') => {
    const sql = compileBuilder(q, { a: 'ta', b: 'tb' }, asOf);
    return (await conn.runAndReadAll(sql)).getRowObjectsJson();
  };
  const ids = async (q: BuilderQuery, asOf?: string) => (await rows(q, asOf)).map((r) => String(r.id)).sort();

  before(async () => {
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    await conn.run(`CREATE TABLE ta AS SELECT * FROM (VALUES
      ('1', 'k1', 'x', DATE '1944-06-30', 10),
      ('2', 'k2', 'y', DATE '1944-07-01', 20),
      ('3', 'k3', 'O''Brien', DATE '2018-06-30', 30),
      ('4', 'k4', NULL, DATE '2024-05-01', 40),
      ('5', 'k1', 'x', DATE '2020-02-29', 50)) t(id, k, name, d, amount)`);
    await conn.run(`CREATE TABLE tb AS SELECT * FROM (VALUES
      ('k1', 'x', DATE '1950-01-01'),
      ('k2', 'z', DATE '1930-01-01'),
      ('k4', 'w', DATE '2024-06-01')) t(k, name, d)`);
  });
  after(() => conn.closeSync());

  test('dates by the calendar', () => {
    assert.equal(yearsBefore('2024-02-29', 1), '2023-02-28');
    assert.equal(yearsBefore('2024-06-30', 80), '1944-06-30');
    assert.equal(daysBefore('2024-03-01', 1), '2024-02-29');
  });

  test('filter with an age: 80 on the day counts, one day short does not', async () => {
    assert.deepEqual(await ids({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', age: { field: 'd', gte: 80 } } }), ['1']);
    // turning 6 by 31 August of the as-of year
    assert.deepEqual(await ids({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', age: { field: 'd', gte: 6, lt: 7, at: '08-31' } } }), ['3']);
    assert.deepEqual(await ids({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', recent: { field: 'd', days: 90 } } }), ['4']);
  });

  test('a value with a quote is a value', async () => {
    assert.deepEqual(await ids({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', where: { name: { eq: "O'Brien" } } } }), ['3']);
    assert.deepEqual(await ids({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', where: { name: { eq: "x' OR '1'='1" } } } }), []);
    assert.deepEqual(await ids({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', where: { name: { prefix: "O'" } } } }), ['3']);
    assert.deepEqual(await ids({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', where: { name: { prefix: '%' } } } }), []);
  });

  test('anti and semi joins, with a time window', async () => {
    const on = [{ a: 'k', b: 'k' }];
    assert.deepEqual(await ids({ mode: 'builder', shape: 'anti', a: { dataset: 'ta' }, b: { dataset: 'tb' }, on }), ['3']);
    assert.deepEqual(await ids({ mode: 'builder', shape: 'semi', a: { dataset: 'ta' }, b: { dataset: 'tb' }, on }), ['1', '2', '4', '5']);
    // B's date after A's
    assert.deepEqual(await ids({ mode: 'builder', shape: 'semi', a: { dataset: 'ta' }, b: { dataset: 'tb' }, on, window: { a: 'd', b: 'd', op: 'after' } }), ['1', '4']);
    // … within 40 days
    assert.deepEqual(await ids({ mode: 'builder', shape: 'semi', a: { dataset: 'ta' }, b: { dataset: 'tb' }, on, window: { a: 'd', b: 'd', op: 'after', days: 40 } }), ['4']);
    const withB = await rows({ mode: 'builder', shape: 'semi', a: { dataset: 'ta' }, b: { dataset: 'tb' }, on, fields: ['id', 'b.d'], window: { a: 'd', b: 'd', op: 'after', days: 40 } });
    assert.deepEqual(withB, [{ id: '4', b_d: '2024-06-01' }]);
  });

  test('disagree: a differing field, a null against a value', async () => {
    const q: BuilderQuery = { mode: 'builder', shape: 'disagree', a: { dataset: 'ta' }, b: { dataset: 'tb' }, on: [{ a: 'k', b: 'k' }], compare: [{ a: 'name', b: 'name' }] };
    assert.deepEqual(await ids(q), ['2', '4']);
    const r = await rows({ ...q, fields: ['id', 'name', 'b.name'] });
    assert.deepEqual(r.sort((x, y) => String(x.id).localeCompare(String(y.id))), [{ id: '2', name: 'y', b_name: 'z' }, { id: '4', name: null, b_name: 'w' }]);
  });

  test('threshold: count and sum per group', async () => {
    assert.deepEqual(await rows({ mode: 'builder', shape: 'threshold', a: { dataset: 'ta' }, threshold: { groupBy: ['k'], measure: 'count', op: '>', value: 1 } }), [{ k: 'k1', n: '2' }]);
    const sums = await rows({ mode: 'builder', shape: 'threshold', a: { dataset: 'ta' }, threshold: { groupBy: ['k'], measure: 'sum', field: 'amount', op: '>=', value: 40 } });
    assert.deepEqual(sums.map((s) => s.k).sort(), ['k1', 'k4']);
  });

  test('bad definitions name their field', () => {
    const bad = (q: unknown, field: string) => assert.throws(() => compileBuilder(q as BuilderQuery, { a: 'ta', b: 'tb' }, '2024-06-30'), (e: { errors?: { field: string }[] }) => e.errors?.[0]?.field === field);
    bad({ mode: 'builder', shape: 'anti', a: { dataset: 'ta' }, b: { dataset: 'tb' } }, 'query.on');
    bad({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', where: { 'x"; DROP': { eq: 1 } } } }, 'query.a.where');
    bad({ mode: 'builder', shape: 'disagree', a: { dataset: 'ta' }, b: { dataset: 'tb' }, on: [{ a: 'k', b: 'k' }] }, 'query.compare');
    bad({ mode: 'builder', shape: 'nope', a: { dataset: 'ta' } }, 'query.shape');
    bad({ mode: 'builder', shape: 'filter', a: { dataset: 'ta', age: { field: 'd' } } }, 'query.a.age');
  });
});
