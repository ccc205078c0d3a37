import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { splitIdConflicts } from '../../../../src/entity/person/index.ts';
import { Engine, StageRunner } from '../../../../src/lake/index.ts';

describe('splitIdConflicts', () => {
  let engine: Engine;
  before(async () => {
    engine = await Engine.create({ threads: 1 });
  });
  after(() => engine.close());

  test('a cluster with two ID numbers splits by number; records without one follow their strongest link', async () => {
    await engine.withPrivateConnection(async (c) => {
      const run = new StageRunner(c, 'entity.person');
      // Cluster A: a1, a2 hold number X; b1 holds Y; n1 (no number) links to a1 at 0.95 and to b1 at 0.99;
      // n2 links to nobody with a number. Cluster C has one number and stays whole.
      await run.run('t', `CREATE TEMP TABLE f (rid, id18) AS VALUES ('a1', 'X'), ('a2', 'X'), ('b1', 'Y'), ('n1', NULL), ('n2', NULL), ('c1', 'Z'), ('c2', NULL)`);
      await run.run('t', `CREATE TEMP TABLE k (rid, cluster) AS VALUES ('a1', 'A'), ('a2', 'A'), ('b1', 'A'), ('n1', 'A'), ('n2', 'A'), ('c1', 'C'), ('c2', 'C')`);
      await run.run(
        't',
        `CREATE TEMP TABLE e (rid_l, rid_r, match_probability) AS VALUES
           ('a1', 'a2', 1.0), ('a1', 'n1', 0.95), ('b1', 'n1', 0.99), ('a2', 'b1', 0.92), ('n1', 'n2', 0.97), ('c1', 'c2', 0.93)`,
      );
      const res = await splitIdConflicts(run, { features: 'f', clusters: 'k', links: 'e', threshold: 0, out: 'split' });
      assert.equal(res.split, 1);
      const rows = await run.rows<{ rid: string; cluster: string }>('t', `SELECT rid, cluster FROM split ORDER BY rid`);
      const of = Object.fromEntries(rows.map((r) => [r.rid, r.cluster]));
      assert.equal(of.a1, of.a2);
      assert.notEqual(of.a1, of.b1);
      assert.equal(of.n1, of.b1, 'n1 follows its strongest link (b1, 0.99)');
      assert.notEqual(of.n2, of.a1);
      assert.notEqual(of.n2, of.b1);
      assert.equal(of.c1, 'C');
      assert.equal(of.c2, 'C');
    });
  });
});
