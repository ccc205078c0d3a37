import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkageRecords, writeLinkageCsv } from '../../../../src/demo/index.ts';
import { Linker, pairwiseScores } from '../../../../src/entity/link/index.ts';
import { PERSON_SETTINGS, personFeatures } from '../../../../src/entity/person/index.ts';
import { KIND_MODELS, linkFeatures } from '../../../../src/entity/index.ts';
import { Engine, StageRunner, literal } from '../../../../src/lake/index.ts';

const N = 20_000;
const SEED = 42;

describe('person linkage on the generated set', () => {
  let engine: Engine;
  let dir: string;
  before(async () => {
    engine = await Engine.create({ threads: 2 });
    dir = await mkdtemp(join(tmpdir(), 'govhub-person-link-'));
    await writeLinkageCsv(join(dir, 'people.csv'), N, SEED);
  });
  after(async () => {
    engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('F1 ≥ 0.95, well above linking by ID number alone, and no twins merged', async () => {
    const twins = [...linkageRecords(SEED, N)].filter((r) => r.planted === 'twin');
    assert.ok(twins.length > 0, 'the set has twins');
    await engine.withPrivateConnection(async (c) => {
      const run = new StageRunner(c, 'entity.person');
      await run.run('load', `CREATE TEMP TABLE raw AS SELECT * FROM read_csv(${literal(join(dir, 'people.csv'))}, header = true, all_varchar = true)`);
      await personFeatures(run, {
        source: 'raw',
        mapping: { rid: 'rid', source: 'source', name: 'name', idNumber: 'id_number', sex: 'sex', birthDate: 'birth_date', phone: 'phone', address: 'address', updatedAt: 'updated_at' },
        out: 'features',
      });
      const linked = await linkFeatures(run, KIND_MODELS.person, { features: 'features', out: 'people' });
      await run.run('truth', `CREATE TEMP TABLE truth AS SELECT rid, truth FROM raw`);
      const s = await pairwiseScores(run, 'people', 'truth');
      assert.ok(s.f1 >= 0.95, `F1 ${s.f1} (precision ${s.precision}, recall ${s.recall})`);

      await run.run('peer', `CREATE TEMP TABLE id_only AS SELECT rid, coalesce(id18, 'rid:' || rid) AS cluster FROM features`);
      const peer = await pairwiseScores(run, 'id_only', 'truth');
      assert.ok(s.f1 > peer.f1 + 0.05, `F1 ${s.f1} vs ID only ${peer.f1}`);

      // No cluster holds records of a twin and of the sibling it was made from.
      const families = [...new Set(twins.map((t) => `${literal(t.truth)}, ${literal(t.plantedFrom!)}`))];
      const [row] = await run.rows<{ merged: number }>(
        'twins',
        `WITH fam(twin, sib) AS (VALUES ${families.map((f) => `(${f})`).join(', ')}),
              r AS (SELECT w.truth, p.cluster FROM raw w JOIN people p ON p.rid = w.rid)
         SELECT count(DISTINCT fam.twin)::INTEGER AS merged FROM fam JOIN r a ON a.truth = fam.twin JOIN r b ON b.truth = fam.sib AND b.cluster = a.cluster`,
      );
      assert.equal(row?.merged, 0);

      // Two records of one twin and its sibling, both with valid ID numbers, score far below the threshold.
      const [pair] = await run.rows<{ a: string; b: string }>(
        'pair',
        `SELECT a.rid AS a, b.rid AS b FROM raw a JOIN raw b ON b.truth = regexp_replace(a.truth, 'T$', '')
         JOIN features fa ON fa.rid = a.rid JOIN features fb ON fb.rid = b.rid
         WHERE a.truth LIKE '%T' AND fa.id18 IS NOT NULL AND fb.id18 IS NOT NULL ORDER BY a.rid, b.rid LIMIT 1`,
      );
      assert.ok(pair, 'a twin and its sibling both with valid ID numbers');
      const ex = await new Linker(run, PERSON_SETTINGS).explain(linked.model, 'features', pair.a, pair.b);
      assert.ok(ex.matchProbability < PERSON_SETTINGS.threshold, `twin pair scored ${ex.matchProbability}`);
      assert.ok(ex.fields.find((f) => f.name === 'id18')!.weight < 0);
    });
  });
});
