import { test } from 'node:test';
import assert from 'node:assert/strict';
import { survive, goldenRecord, type GoldenCandidate } from '../../../src/entity/golden.ts';

const c = (rid: string, value: unknown, over: Partial<GoldenCandidate> = {}): GoldenCandidate =>
  ({ rid, dataset: rid.split(':')[0]!, trust: 0, updatedAt: null, value, masked: false, ...over });

test('most trusted source wins, then the most frequent value among the equally trusted', () => {
  const g = survive('name', ['trusted', 'frequent', 'recent'], [
    c('MZ:1', '张伟', { trust: 40 }), c('MZ:2', '张伟', { trust: 40 }), c('GA:1', '张玮', { trust: 100 }),
  ]);
  assert.equal(g.value, '张玮');
  assert.equal(g.rule, 'trusted');
  assert.deepEqual(g.source, { dataset: 'GA', rid: 'GA:1' });
  const tie = survive('name', ['trusted', 'frequent', 'recent'], [c('A:1', '李娜', { trust: 50 }), c('B:1', '李纳', { trust: 50 }), c('C:1', '李娜', { trust: 50 })]);
  assert.equal(tie.value, '李娜');
  assert.equal(tie.rule, 'frequent');
});

test('most recent record wins for contact details; blanks never survive', () => {
  const g = survive('phone', ['recent', 'frequent', 'trusted'], [
    c('GA:1', '13800000001', { trust: 100, updatedAt: '2023-01-01T00:00:00Z' }),
    c('YB:1', '13900000002', { updatedAt: '2024-05-01T00:00:00Z' }),
    c('RS:1', '  ', { updatedAt: '2025-01-01T00:00:00Z' }),
  ]);
  assert.equal(g.value, '13900000002');
  assert.equal(g.rule, 'recent');
  assert.equal(survive('phone', ['recent'], [c('A:1', null), c('B:1', '')]).value, null);
});

test('one value left: no rule needed beyond the first; a full tie falls to the smallest record id', () => {
  assert.equal(survive('sex', ['trusted', 'frequent'], [c('B:1', '1'), c('A:1', '1')]).source!.rid, 'A:1');
  const tie = survive('name', ['trusted', 'frequent', 'recent'], [c('B:1', '王芳'), c('A:1', '王方')]);
  assert.equal(tie.value, '王方');
});

test('the golden record has one value per input of the kind, masked as its source was', () => {
  const g = goldenRecord('person', new Map([['id_number', [c('GA:1', '110101********1234', { masked: true, trust: 100 })]]]));
  assert.deepEqual(g.map((x) => x.field), ['name', 'id_number', 'sex', 'birth_date', 'phone', 'address']);
  const id = g.find((x) => x.field === 'id_number')!;
  assert.equal(id.masked, true);
  assert.equal(g.find((x) => x.field === 'name')!.value, null);
});

test('a value the reader sees in clear beats a masked one from a more trusted source', () => {
  const g = survive('name', ['trusted', 'frequent'], [c('GA:1', '周*涵', { trust: 100, masked: true }), c('MZ:1', '周杰涵', { trust: 40 })]);
  assert.equal(g.value, '周杰涵');
  assert.equal(g.masked, false);
  assert.equal(survive('name', ['trusted'], [c('GA:1', '周*涵', { trust: 100, masked: true })]).value, '周*涵');
});
