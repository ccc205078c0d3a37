import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shanghaiClock } from '../../../src/kernel/index.ts';
import { offHours } from '../../../src/share/trail.ts';

test('days and hours of the trail are Shanghai\'s, whatever the machine\'s time zone', () => {
  assert.deepEqual(shanghaiClock(new Date('2026-12-06T16:30:00Z')), { day: '2026-12-07', hour: 0, weekday: 1 });
  assert.deepEqual(shanghaiClock(new Date('2026-12-06T15:59:59Z')), { day: '2026-12-06', hour: 23, weekday: 0 });
});

test('off hours: before 07:00, from 20:00, and weekends (Shanghai time)', () => {
  assert.equal(offHours(new Date('2026-12-07T02:00:00Z')), false, 'Monday 10:00');
  assert.equal(offHours(new Date('2026-12-07T12:00:00Z')), true, 'Monday 20:00');
  assert.equal(offHours(new Date('2026-12-07T22:59:00Z')), true, 'Tuesday 06:59');
  assert.equal(offHours(new Date('2026-12-07T23:00:00Z')), false, 'Tuesday 07:00');
  assert.equal(offHours(new Date('2026-12-05T02:00:00Z')), true, 'Saturday 10:00');
});
