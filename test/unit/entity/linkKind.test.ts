import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterPairs, KIND_MODELS } from '../../../src/entity/index.ts';
import { Engine, StageRunner } from '../../../src/lake/index.ts';

describe('clusterPairs: links above the threshold, under decisions and the one-key rule', () => {
  let engine: Engine;
  before(async () => {
    engine = await Engine.create({ threads: 1 });
  });
  after(() => engine.close());

  // Component A: a1, a2 hold number X; b1 holds Y; n1 (no number) links to a1 at 0.95 and to b1 at 0.99;
  // n2 links only to n1; a2–b1 at 0.92. Component C has one number and stays whole. d1–d2 at 0.5 is below the threshold.
  async function setUp(run: StageRunner) {
    await run.run('t', `CREATE OR REPLACE TEMP TABLE f (rid, id18) AS VALUES ('a1', 'X'), ('a2', 'X'), ('b1', 'Y'), ('n1', NULL), ('n2', NULL), ('c1', 'Z'), ('c2', NULL), ('d1', NULL), ('d2', NULL)`);
    await run.run('t', `CREATE OR REPLACE TEMP TABLE e (rid_l, rid_r, match_probability) AS VALUES
      ('a1', 'a2', 1.0), ('a1', 'n1', 0.95), ('b1', 'n1', 0.99), ('a2', 'b1', 0.92), ('n1', 'n2', 0.97), ('c1', 'c2', 0.93), ('d1', 'd2', 0.5)`);
  }
  const clusters = async (run: StageRunner) => Object.fromEntries((await run.rows<{ rid: string; cluster: string }>('t', `SELECT rid, cluster FROM out ORDER BY rid`)).map((r) => [r.rid, r.cluster]));

  test('a cluster with two ID numbers splits by number; records without one follow their strongest link', async () => {
    await engine.withPrivateConnection(async (c) => {
      const run = new StageRunner(c, 'entity.test');
      await setUp(run);
      const res = await clusterPairs(run, KIND_MODELS.person, { features: 'f', pairs: 'e', out: 'out' });
      assert.equal(res.split, 1);
      const of = await clusters(run);
      assert.equal(of.a1, of.a2);
      assert.notEqual(of.a1, of.b1);
      assert.equal(of.n1, of.b1, 'n1 follows its strongest link (b1, 0.99)');
      assert.equal(of.n2, of.n1, 'n2 follows n1, its only link');
      assert.equal(of.c1, 'c1');
      assert.equal(of.c2, 'c1');
      assert.notEqual(of.d1, of.d2, 'below the threshold: no link');
    });
  });

  test('people\'s decisions: a must-link joins (and keeps two numbers together), a cannot-link parts', async () => {
    await engine.withPrivateConnection(async (c) => {
      const run = new StageRunner(c, 'entity.test');
      await setUp(run);
      await clusterPairs(run, KIND_MODELS.person, { features: 'f', pairs: 'e', out: 'out', mustLink: [['a1', 'b1'], ['d1', 'd2']], cannotLink: [['c1', 'c2']] });
      const of = await clusters(run);
      assert.equal(of.a1, of.b1, 'joined on purpose: the two numbers stay together');
      assert.equal(of.n1, of.a1);
      assert.equal(of.d1, of.d2);
      assert.notEqual(of.c1, of.c2);
    });
  });

  test('incremental: clustering only what the changed records touch gives what a whole clustering gives', async () => {
    await engine.withPrivateConnection(async (c) => {
      const run = new StageRunner(c, 'entity.test');
      await setUp(run);
      await clusterPairs(run, KIND_MODELS.person, { features: 'f', pairs: 'e', out: 'before' });
      // d2 changes: it now links strongly to c2; a new record c3 (no number) arrives linked to c1
      await run.run('t', `INSERT INTO f VALUES ('c3', NULL)`);
      await run.run('t', `CREATE OR REPLACE TEMP TABLE e2 AS SELECT * FROM e WHERE rid_l <> 'd2' AND rid_r <> 'd2'
        UNION ALL SELECT * FROM (VALUES ('c2', 'd2', 0.96), ('c1', 'c3', 0.99)) v(rid_l, rid_r, match_probability)`);
      await run.run('t', `CREATE OR REPLACE TEMP TABLE touched (rid) AS VALUES ('d2'), ('c3')`);
      await clusterPairs(run, KIND_MODELS.person, { features: 'f', pairs: 'e2', out: 'inc', previous: { clusters: 'before', touched: 'touched' } });
      await clusterPairs(run, KIND_MODELS.person, { features: 'f', pairs: 'e2', out: 'whole' });
      const rows = (t: string) => run.rows<{ rid: string; cluster: string }>('t', `SELECT rid, cluster FROM ${t} ORDER BY rid`);
      assert.deepEqual(await rows('inc'), await rows('whole'));
      const of = Object.fromEntries((await rows('inc')).map((r) => [r.rid, r.cluster]));
      assert.equal(of.d2, 'c1');
      assert.equal(of.c3, 'c1');
      assert.notEqual(of.a1, of.b1, 'the untouched split cluster stays split');
    });
  });
});
