/**
 * Every shared mask vector (test/fixtures/masks/vectors.json) through both implementations: the
 * DuckDB macro, as maskSql writes it, and the TypeScript twin maskValue. Both must give the
 * vector's output, so they give the same.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../../src/lake/Engine.ts';
import { literal, MASK_KINDS, MASK_STRICTNESS, isTighter, maskRank, maskSql, maskValue, type MaskKind, type MaskOptions } from '../../../src/lake/index.ts';

type Scalar = string | number | null;
interface Vector { input: Scalar; output: Scalar; type?: 'DATE' | 'TIMESTAMP'; opts?: { first?: number; last?: number }; today?: string }
const file = JSON.parse(fs.readFileSync(new URL('../../fixtures/masks/vectors.json', import.meta.url), 'utf8')) as {
  key: string; today: string; vectors: Record<MaskKind, Vector[]>;
};

/** The input as a SQL literal of its JSON type (cast when the vector names a type). */
function sqlInput(v: Vector): string {
  const lit = v.input === null ? 'NULL' : typeof v.input === 'number' ? (Number.isInteger(v.input) ? String(v.input) : `${v.input}::DOUBLE`) : literal(v.input);
  return v.type ? `CAST(${lit} AS ${v.type})` : lit;
}

const optsOf = (v: Vector): MaskOptions => ({ key: file.key, ...v.opts, today: new Date(`${v.today ?? file.today}T12:00:00+08:00`) });

describe('mask vectors: the DuckDB macros and maskValue agree', () => {
  let engine: Engine;
  before(async () => { engine = await Engine.create({ threads: 1 }); });
  after(() => engine.close());

  test('every mask kind has vectors, and a NULL among them', () => {
    assert.deepEqual(Object.keys(file.vectors).sort(), [...MASK_KINDS].sort());
    for (const k of MASK_KINDS) assert.ok(file.vectors[k].some((v) => v.input === null), k);
  });

  for (const kind of MASK_KINDS) {
    test(`${kind}: ${file.vectors[kind].length} vectors`, async () => {
      const vectors = file.vectors[kind];
      const [row] = await engine.query<Record<string, Scalar>>(`SELECT ${vectors.map((v, i) => `${maskSql(kind, sqlInput(v), optsOf(v))} AS r${i}`).join(', ')}`);
      vectors.forEach((v, i) => {
        const what = `${kind}(${JSON.stringify(v.input)}${v.type ? ` :: ${v.type}` : ''}${v.opts ? ` ${JSON.stringify(v.opts)}` : ''})`;
        assert.deepEqual(row[`r${i}`], v.output, `SQL ${what}`);
        assert.deepEqual(maskValue(kind, v.input, optsOf(v)), v.output, `TS ${what}`);
      });
    });
  }

  test('ageband without a reference day counts to today in Shanghai, in both', async () => {
    const [{ r }] = await engine.query<{ r: string }>(`SELECT ${maskSql('ageband', `'2000-01-01'`)} AS r`);
    assert.equal(r, maskValue('ageband', '2000-01-01'));
  });

  test('the twin refuses what maskSql refuses', () => {
    assert.throws(() => maskValue('pseudonym', 'x'), /key/);
    assert.throws(() => maskValue('keep', 'x', { first: -1 }), /first/);
    assert.throws(() => maskValue('nope' as never, 'x'), /unknown mask kind/);
  });

  test('strictness: none < partial masks and generalisations < pseudonym < null', () => {
    assert.equal(maskRank('none'), 0);
    for (const k of ['name', 'id', 'phone', 'address', 'email', 'bankcard', 'keep', 'year', 'month', 'ageband'] as const) assert.equal(maskRank(k), 1, k);
    assert.equal(maskRank('pseudonym'), 2);
    assert.equal(maskRank('null'), 3);
    assert.deepEqual(Object.keys(MASK_STRICTNESS).sort(), [...MASK_KINDS].sort());
    assert.ok(isTighter('null', 'pseudonym') && isTighter('pseudonym', 'id') && isTighter('ageband', 'none'));
    assert.ok(!isTighter('none', 'name') && !isTighter('name', 'id') && !isTighter('id', 'name'));
  });
});
