/** EM recovers m (and u sampling recovers u) on data generated with known m and u. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Linker, runEm, comparisons, type Pattern } from '../../../../src/entity/index.ts';
import { createTable, prng, synthetic, withRun } from './_synthetic.ts';

test('runEm recovers m and lambda from patterns drawn with known m, u, lambda', () => {
  const rnd = prng(11);
  const m = [[0.8, 0.15, 0.05], [0.7, 0.2, 0.1], [0.9, 0.05, 0.05]];
  const u = [[0.02, 0.08, 0.9], [0.05, 0.15, 0.8], [0.01, 0.04, 0.95]];
  const lambda = 0.1;
  const draw = (p: number[]) => {
    const x = rnd();
    let acc = 0;
    for (let j = 0; j < p.length; j++) if (x < (acc += p[j]!)) return j;
    return p.length - 1;
  };
  const counts = new Map<string, number>();
  for (let i = 0; i < 200_000; i++) {
    const probs = rnd() < lambda ? m : u;
    const key = probs.map(draw).join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const patterns: Pattern[] = [...counts].map(([k, count]) => ({ gammas: k.split(',').map(Number), count }));
  const start = m.map(() => [0.5, 0.3, 0.2]);
  const res = runEm(patterns, start, u, 0.3, { active: [true, true, true], maxIterations: 200, tolerance: 1e-7 });
  assert.ok(Math.abs(res.lambda - lambda) < 0.01, `lambda ${res.lambda}`);
  m.forEach((row, k) => row.forEach((v, j) => assert.ok(Math.abs(res.m[k]![j]! - v) < 0.02, `m[${k}][${j}] = ${res.m[k]![j]} ≠ ${v}`)));
});

test('an inactive comparison keeps its m and does not sway the others', () => {
  const patterns: Pattern[] = [{ gammas: [0, 0], count: 10 }, { gammas: [1, 1], count: 90 }];
  const res = runEm(patterns, [[0.6, 0.4], [0.6, 0.4]], [[0.1, 0.9], [0.1, 0.9]], 0.2, { active: [true, false] });
  assert.deepEqual(res.m[1], [0.6, 0.4]);
  assert.notDeepEqual(res.m[0], [0.6, 0.4]);
});

test('Linker.train recovers m = 1 - corruption and u = 1 / values on synthetic records', async () => {
  const corrupt = [0.1, 0.2, 0.3, 0.05];
  const data = synthetic(600, 40, corrupt);
  await withRun(async (run) => {
    await createTable(run, 'people', data.rows);
    const settings = {
      idColumn: 'id',
      comparisons: data.fields.map((f) => comparisons.exact(f)),
      blocking: data.fields.map((f) => `l.${f} = r.${f}`),
      threshold: 0.9,
      uSampleSize: 200_000,
    };
    const model = await new Linker(run, settings).train('people');
    model.comparisons.forEach((c, i) => {
      const [exact] = c.levels;
      assert.ok(Math.abs(exact!.m - (1 - corrupt[i]!)) < 0.05, `${c.name}: m ${exact!.m} vs ${1 - corrupt[i]!}`);
      assert.ok(Math.abs(exact!.u - 1 / data.values) < 0.006, `${c.name}: u ${exact!.u} vs ${1 / data.values}`);
    });
    // 600 matching pairs among 1200 * 1199 / 2
    const trueLambda = 600 / ((1200 * 1199) / 2);
    assert.ok(model.lambda > trueLambda / 2 && model.lambda < trueLambda * 2, `lambda ${model.lambda} vs ${trueLambda}`);
    // training is repeatable: the u sample is seeded
    const again = await new Linker(run, settings).train('people');
    assert.deepEqual(again.comparisons, model.comparisons);
  });
});
