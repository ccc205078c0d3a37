import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mutex, listMigrations } from '../../../src/control/index.ts';
import { eventHash, GENESIS_HASH } from '../../../src/audit/index.ts';

test('Mutex runs same-key callers one at a time, in order; other keys run alongside', async () => {
  const m = new Mutex();
  const log: string[] = [];
  const job = (key: string, id: string, ms: number) => m.run(key, async () => {
    log.push(`start ${id}`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`end ${id}`);
  });
  await Promise.all([job('a', 'a1', 20), job('a', 'a2', 1), job('b', 'b1', 5)]);
  assert.deepEqual(log.filter((l) => l.endsWith('a1') || l.endsWith('a2')), ['start a1', 'end a1', 'start a2', 'end a2']);
  assert.ok(log.indexOf('end b1') < log.indexOf('end a1'), 'other keys are not blocked');
});

test('a failing holder releases the lock', async () => {
  const m = new Mutex();
  await assert.rejects(m.run('k', async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await m.run('k', async () => 42), 42);
});

test('migrations are numbered without gaps', () => {
  const ms = listMigrations();
  ms.forEach((m, i) => assert.equal(m.version, i + 1, `migration ${m.name}`));
});

test('event hash covers every field and is independent of key order', () => {
  const e = { seq: 1, id: 'x', ts: '2026-01-01T00:00:00.000Z', actorId: null, actorName: 'a', actorDepartmentId: null, action: 'x.y', objectType: 't', objectId: null, departmentId: null, subjectKeys: [], details: { b: 1, a: '中' } };
  const h = eventHash(GENESIS_HASH, e);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(eventHash(GENESIS_HASH, { ...e, details: { a: '中', b: 1 } }), h);
  for (const change of [{ seq: 2 }, { actorName: 'b' }, { details: { a: '中', b: 2 } }, { ts: '2026-01-01T00:00:00.001Z' }]) {
    assert.notEqual(eventHash(GENESIS_HASH, { ...e, ...change }), h);
  }
  assert.notEqual(eventHash('f'.repeat(64), e), h);
});
