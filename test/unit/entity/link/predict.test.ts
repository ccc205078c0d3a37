/** Predicting in batches (`involving`) equals predicting at once; explain agrees with predict; a saved model predicts the same. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Linker, comparisons, type LinkSettings } from '../../../../src/entity/index.ts';
import { createTable, synthetic, withRun } from './_synthetic.ts';

const data = synthetic(150, 25, [0.1, 0.2, 0.3, 0.1], 3);
const settings: LinkSettings = {
  idColumn: 'id',
  comparisons: [comparisons.exact('f0', { tf: true }), comparisons.exact('f1'), comparisons.levenshtein('f2', [1]), comparisons.exact('f3', { tf: true })],
  blocking: ['l.f0 = r.f0', 'l.f1 = r.f1 AND l.f3 = r.f3'],
  deterministic: ['l.f2 = r.f2 AND l.f3 = r.f3 AND l.f1 = r.f1'],
  threshold: 0.9,
};

type Row = { rid_l: string; rid_r: string; match_weight: number; match_probability: number; deterministic: boolean };
const key = (r: Row) => `${r.rid_l}|${r.rid_r}`;
const read = (run: Parameters<Parameters<typeof withRun>[0]>[0], t: string) =>
  run.rows<Row>('read', `SELECT rid_l, rid_r, match_weight, match_probability, deterministic FROM ${t} ORDER BY rid_l, rid_r`);

test('the union of batch predicts equals the full predict, pairs and scores', async () => {
  await withRun(async (run) => {
    await createTable(run, 'people', data.rows);
    const linker = new Linker(run, settings);
    const model = await linker.train('people');
    const full = await read(run, await linker.predict(model, 'people', { minProbability: 0 }));
    assert.ok(full.length > 300, `${full.length} pairs`);
    assert.ok(full.every((r) => r.rid_l < r.rid_r));
    assert.ok(full.some((r) => r.deterministic) && full.some((r) => !r.deterministic));

    const batches = [0, 1, 2].map((b) => data.rows.filter((_, i) => i % 3 === b).map((r) => ({ id: r.id! })));
    const union = new Map<string, Row>();
    for (const [i, batch] of batches.entries()) {
      await createTable(run, `batch${i}`, batch);
      const rows = await read(run, await linker.predict(model, 'people', { involving: `batch${i}`, minProbability: 0 }));
      const ids = new Set(batch.map((r) => r.id));
      assert.ok(rows.every((r) => ids.has(r.rid_l) || ids.has(r.rid_r)), 'every pair touches the batch');
      for (const r of rows) union.set(key(r), r);
    }
    assert.deepEqual([...union.keys()].sort(), full.map(key));
    for (const r of full) {
      const u = union.get(key(r))!;
      assert.equal(u.match_weight, r.match_weight);
      assert.equal(u.deterministic, r.deterministic);
    }
  });
});

test('explain: prior + bars = match weight, the same as predict gives', async () => {
  await withRun(async (run) => {
    await createTable(run, 'people', data.rows);
    const linker = new Linker(run, settings);
    const model = await linker.train('people');
    const pred = await read(run, await linker.predict(model, 'people'));
    for (const r of pred.slice(0, 20)) {
      const e = await linker.explain(model, 'people', r.rid_r, r.rid_l);
      assert.equal(e.left, r.rid_l);
      const sum = e.prior + e.fields.reduce((a, f) => a + f.weight, 0);
      assert.ok(Math.abs(sum - e.matchWeight) < 1e-9, `${sum} vs ${e.matchWeight}`);
      assert.ok(Math.abs(e.matchWeight - r.match_weight) < 1e-9);
      assert.equal(e.matchProbability, r.match_probability);
      assert.equal(e.fields.length, settings.comparisons.length);
    }
    // a pair no blocking rule makes is explained all the same
    const e = await linker.explain(model, 'people', 'e0a', 'e99b');
    assert.ok(e.fields.every((f) => f.left !== undefined && f.right !== undefined));
  });
});

test('a saved model, loaded on another connection, predicts the same', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-link-model-'));
  try {
    const first = await withRun(async (run) => {
      await createTable(run, 'people', data.rows);
      const linker = new Linker(run, settings);
      const model = await linker.train('people');
      await linker.saveModel(model, dir);
      return read(run, await linker.predict(model, 'people'));
    });
    assert.ok(fs.existsSync(path.join(dir, 'tf_f0.parquet')) && fs.existsSync(path.join(dir, 'tf_f3.parquet')));
    const second = await withRun(async (run) => {
      await createTable(run, 'people', data.rows);
      const model = await Linker.loadModel(run, dir);
      return read(run, await new Linker(run, model.settings).predict(model, 'people'));
    });
    assert.deepEqual(second, first);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
