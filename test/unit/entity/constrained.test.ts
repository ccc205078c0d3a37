import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constrainedClusters } from '../../../src/entity/constrained.ts';

const e = (l: string, r: string, p: number, must = false) => ({ l, r, p, must });
const groups = (m: Map<string, string>) => {
  const g = new Map<string, string[]>();
  for (const [n, c] of m) g.set(c, [...(g.get(c) ?? []), n].sort());
  return [...g.values()].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
};

test('without constraints, the clusters are the connected components, labelled by their smallest id', () => {
  const m = constrainedClusters(['a', 'b', 'c', 'd', 'e'], [e('a', 'b', 0.99), e('b', 'c', 0.95), e('d', 'e', 0.9)], []);
  assert.deepEqual(groups(m), [['a', 'b', 'c'], ['d', 'e']]);
  assert.equal(m.get('c'), 'a');
});

test('a cannot-link bridged by a third record: the weaker link gives way', () => {
  // a–b strong, b–c weak; a and c are not the same person
  const m = constrainedClusters(['a', 'b', 'c'], [e('a', 'b', 0.99), e('b', 'c', 0.9)], [['a', 'c']]);
  assert.deepEqual(groups(m), [['a', 'b'], ['c']]);
  // the other way round: b–c is the stronger link, so b stays with c
  const n = constrainedClusters(['a', 'b', 'c'], [e('a', 'b', 0.9), e('b', 'c', 0.99)], [['a', 'c']]);
  assert.deepEqual(groups(n), [['a'], ['b', 'c']]);
});

test('cannot-links stay in force after groups join (a split keeps every split record apart)', () => {
  const m = constrainedClusters(['a', 'b', 'c', 'd'], [e('a', 'b', 0.99), e('c', 'd', 0.99), e('b', 'c', 0.98), e('a', 'd', 0.97)], [['a', 'c']]);
  // a–b and c–d form; b–c would join a with c: refused; a–d would too: refused
  assert.deepEqual(groups(m), [['a', 'b'], ['c', 'd']]);
});

test('must-links join regardless of scores and come first', () => {
  const m = constrainedClusters(['a', 'b', 'c'], [e('a', 'c', 1, true)], [['a', 'b']]);
  assert.deepEqual(groups(m), [['a', 'c'], ['b']]);
});

test('the result does not depend on the order of the edges', () => {
  const edges = [e('a', 'b', 0.9), e('b', 'c', 0.9), e('c', 'd', 0.95), e('d', 'a', 0.8)];
  const one = constrainedClusters(['a', 'b', 'c', 'd'], edges, [['a', 'c']]);
  const two = constrainedClusters(['d', 'c', 'b', 'a'], [...edges].reverse(), [['c', 'a']]);
  assert.deepEqual(groups(one), groups(two));
});
