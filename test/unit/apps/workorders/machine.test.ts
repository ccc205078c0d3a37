import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../../../src/kernel/index.ts';
import { ACTIONS, allowedActions, STATUSES, target, transitionOf, TRANSITIONS, type Action, type Side, type Status } from '../../../../src/apps/workorders/index.ts';

/** The legal moves, written out by hand: from, action, to, who. */
const LEGAL: [Status, Action, Status | 'previous', Side][] = [
  ['new', 'assign', 'assigned', 'dispatch'], ['assigned', 'assign', 'assigned', 'dispatch'], ['returned', 'assign', 'assigned', 'creator'],
  ['assigned', 'start', 'in_progress', 'handle'], ['in_progress', 'done', 'done', 'handle'],
  ['new', 'return', 'returned', 'handle'], ['assigned', 'return', 'returned', 'handle'], ['in_progress', 'return', 'returned', 'handle'],
  ['done', 'verify', 'verified', 'creator'], ['done', 'reopen', 'in_progress', 'creator'], ['verified', 'reopen', 'in_progress', 'creator'],
  ['verified', 'close', 'closed', 'creator'], ['returned', 'close', 'closed', 'creator'],
  ['new', 'suspend', 'suspended', 'handle'], ['assigned', 'suspend', 'suspended', 'handle'], ['in_progress', 'suspend', 'suspended', 'handle'],
  ['suspended', 'resume', 'previous', 'handle'],
];

test('every legal transition is in the table, leads where it should and is taken by the right side', () => {
  assert.equal(TRANSITIONS.length, LEGAL.length);
  for (const [from, action, to, by] of LEGAL) {
    const x = transitionOf(from, action);
    assert.ok(x, `${from} --${action}-->`);
    assert.equal(x.to, to, `${from} --${action}-->`);
    assert.equal(x.by, by, `${from} --${action}--> by`);
  }
});

test('every other (state, action) pair is refused', () => {
  let refused = 0;
  for (const s of STATUSES) for (const a of ACTIONS) {
    if (LEGAL.some(([f, x]) => f === s && x === a)) continue;
    assert.equal(transitionOf(s, a), undefined, `${s} --${a}--> must be refused`);
    refused++;
  }
  assert.equal(refused, STATUSES.length * ACTIONS.length - LEGAL.length);
  // a closed order is final
  assert.deepEqual(ACTIONS.filter((a) => transitionOf('closed', a)), []);
});

test('return, reopen, suspend and closing a returned order need a reason; the others do not', () => {
  const needs = TRANSITIONS.filter((x) => x.reason).map((x) => `${x.from}:${x.action}`).sort();
  assert.deepEqual(needs, ['assigned:return', 'assigned:suspend', 'done:reopen', 'in_progress:return', 'in_progress:suspend', 'new:return', 'new:suspend', 'returned:close', 'verified:reopen']);
});

test('resume goes back to the state the order was suspended from', () => {
  const resume = transitionOf('suspended', 'resume')!;
  assert.equal(target(resume, 'in_progress'), 'in_progress');
  assert.equal(target(resume, 'assigned'), 'assigned');
  assert.throws(() => target(resume, null), RangeError);
  assert.equal(target(transitionOf('done', 'reopen')!, null), 'in_progress');
});

test('the actions offered follow the side the caller stands on', () => {
  const none = new Set<Side>();
  assert.deepEqual(allowedActions('done', new Set<Side>(['creator']), false), ['verify', 'reopen']);
  assert.deepEqual(allowedActions('done', new Set<Side>(['handle', 'dispatch']), false), []);
  assert.deepEqual(allowedActions('new', new Set<Side>(['handle']), false), ['return', 'suspend']);
  assert.deepEqual(allowedActions('new', new Set<Side>(['handle', 'dispatch']), false), ['assign', 'return', 'suspend']);
  assert.deepEqual(allowedActions('in_progress', none, false), []);
  assert.deepEqual(allowedActions('in_progress', none, true), ['done', 'return', 'suspend']);
  assert.deepEqual(allowedActions('closed', none, true), []);
});

test('the table in docs/workorders.md is the TRANSITIONS table', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/workorders.md'), 'utf8');
  const rows = doc.split('\n').filter((l) => /^\| `[a-z_]+` \| `[a-z]+` \|/.test(l)).map((l) => l.split('|').slice(1, 6).map((s) => s.trim().replace(/`/g, '')));
  assert.deepEqual(rows, TRANSITIONS.map((x) => [x.from, x.action, x.to, x.by, x.reason ? '是 / yes' : '否 / no']));
});
