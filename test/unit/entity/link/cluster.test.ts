/** Connected components by label propagation: chains, a star, singletons. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterLinks } from '../../../../src/entity/index.ts';
import { createTable, withRun } from './_synthetic.ts';

/** Components by union-find in JS: what the SQL must agree with. */
function components(ids: string[], edges: Array<[string, string]>): Map<string, string> {
  const parent = new Map(ids.map((i) => [i, i]));
  const find = (x: string): string => (parent.get(x) === x ? x : find(parent.get(x)!));
  for (const [a, b] of edges) {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  return new Map(ids.map((i) => [i, find(i)]));
}

async function cluster(ids: string[], edges: Array<[string, string]>) {
  return withRun(async (run) => {
    await createTable(run, 'nodes', ids.map((id) => ({ id })));
    await createTable(run, 'edges', edges.length ? edges.map(([a, b]) => ({ rid_l: a, rid_r: b })) : [{ rid_l: 'none', rid_r: 'none' }]);
    if (!edges.length) await run.run('empty', 'DELETE FROM edges');
    await clusterLinks(run, { nodes: 'nodes', idColumn: 'id', edges: 'edges', out: 'clusters' });
    const rows = await run.rows<{ rid: string; cluster: string }>('read', 'SELECT rid, cluster FROM clusters ORDER BY rid');
    return new Map(rows.map((r) => [r.rid, r.cluster]));
  });
}

test('a chain whose ids are out of order ends in one cluster labelled by its smallest id', async () => {
  const chain = ['m', 'c', 'x', 'a', 'q', 'b'];
  const ids = [...chain, 'lonely'];
  const edges = chain.slice(1).map((id, i) => [chain[i]!, id] as [string, string]);
  const got = await cluster(ids, edges);
  assert.deepEqual(got, components(ids, edges));
  assert.equal(got.get('m'), 'a');
  assert.equal(got.get('lonely'), 'lonely');
});

test('a star and a long chain (200 links) settle; every node appears once', async () => {
  const star = Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, '0')}`);
  const chain = Array.from({ length: 201 }, (_, i) => `c${String(200 - i).padStart(3, '0')}`);
  const ids = [...star, ...chain, 'z1', 'z2'];
  const edges: Array<[string, string]> = [
    ...star.filter((s) => s !== 's05').map((s) => [s, 's05'] as [string, string]),
    ...chain.slice(1).map((c, i) => [chain[i]!, c] as [string, string]),
  ];
  const got = await cluster(ids, edges);
  assert.equal(got.size, ids.length);
  assert.deepEqual(got, components(ids, edges));
  assert.equal(new Set(got.values()).size, 4);
});

test('no edges: every record is its own cluster', async () => {
  const got = await cluster(['a', 'b'], []);
  assert.deepEqual([...got], [['a', 'a'], ['b', 'b']]);
});
