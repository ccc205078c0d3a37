/** Term-frequency adjustment: agreeing on a common value is weaker evidence than agreeing on a rare one. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Linker, comparisons } from '../../../../src/entity/index.ts';
import { createTable, withRun } from './_synthetic.ts';

test('an exact match on a common surname weighs less than on a rare one', async () => {
  // 30 people named smith and one named zed, each recorded twice in the same town; 60 others with
  // surnames and towns of their own.
  const rows = [
    ...Array.from({ length: 60 }, (_, i) => ({ id: `s${String(i).padStart(2, '0')}`, surname: 'smith', town: `t${i >> 1}` })),
    { id: 'z1', surname: 'zed', town: 'x' },
    { id: 'z2', surname: 'zed', town: 'x' },
    ...Array.from({ length: 60 }, (_, i) => ({ id: `o${i}`, surname: `other${i}`, town: `u${i}` })),
  ];
  await withRun(async (run) => {
    await createTable(run, 'people', rows);
    const settings = {
      idColumn: 'id',
      comparisons: [comparisons.exact('surname', { tf: true }), comparisons.exact('town')],
      blocking: ['l.surname = r.surname', 'l.town = r.town'],
      threshold: 0.9,
    };
    const linker = new Linker(run, settings);
    const model = await linker.train('people');
    assert.deepEqual(model.tfColumns, ['surname']);
    const common = await linker.explain(model, 'people', 's00', 's01');
    assert.ok(model.comparisons[0]!.levels[0]!.m > 0.9, 'the duplicates taught m');
    const rare = await linker.explain(model, 'people', 'z1', 'z2');
    const bar = (e: typeof common) => e.fields.find((f) => f.name === 'surname')!;
    assert.equal(bar(common).level, 0);
    assert.equal(bar(rare).level, 0);
    assert.ok(bar(common).weight < bar(rare).weight, `smith ${bar(common).weight} vs zed ${bar(rare).weight}`);
    // the weight follows log2(m / share of records with the value)
    const m = model.comparisons[0]!.levels[0]!.m;
    assert.ok(Math.abs(bar(common).weight - Math.log2(m / (60 / 122))) < 1e-9);
    assert.ok(Math.abs(bar(rare).weight - Math.log2(m / (2 / 122))) < 1e-9);
  });
});
