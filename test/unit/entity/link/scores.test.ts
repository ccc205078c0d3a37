/** Pairwise precision / recall / F1 on an example counted by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairwiseScores } from '../../../../src/entity/index.ts';
import { createTable, withRun } from './_synthetic.ts';

test('pairwise scores of {1,2,3}{4,5}{6} against the truth {1,2}{3,4,5}{6}', async () => {
  // predicted pairs: 12 13 23 45 (4); true pairs: 12 34 35 45 (4); both: 12 45 (2)
  await withRun(async (run) => {
    await createTable(run, 'predicted', [['1', 'a'], ['2', 'a'], ['3', 'a'], ['4', 'b'], ['5', 'b'], ['6', 'c']].map(([rid, cluster]) => ({ rid: rid!, cluster: cluster! })));
    await createTable(run, 'truth', [['1', 'x'], ['2', 'x'], ['3', 'y'], ['4', 'y'], ['5', 'y'], ['6', 'z']].map(([rid, truth]) => ({ rid: rid!, truth: truth! })));
    const s = await pairwiseScores(run, 'predicted', 'truth');
    assert.deepEqual(s, { precision: 0.5, recall: 0.5, f1: 0.5, truePairs: 4, predictedPairs: 4 });
    await createTable(run, 'perfect', [['1', 'x'], ['2', 'x'], ['3', 'y'], ['4', 'y'], ['5', 'y'], ['6', 'z']].map(([rid, cluster]) => ({ rid: rid!, cluster: cluster! })));
    assert.equal((await pairwiseScores(run, 'perfect', 'truth')).f1, 1);
  });
});
