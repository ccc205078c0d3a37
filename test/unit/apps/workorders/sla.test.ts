import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkCalendar } from '../../../../src/calendar/index.ts';
import { dueDate, extendDue, slaOf, TIME_LIMIT, WARNING_SHARE, type SlaInput } from '../../../../src/apps/workorders/index.ts';

// December 2026 with one holiday on Wednesday the 9th (Monday is the 7th)
const cal = new WorkCalendar([{ day: '2026-12-09', kind: 'holiday', name: '测试假日' }]);
const opened = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
const due = new Date('2026-12-15T15:59:59.999Z'); // end of Tuesday the 15th in Shanghai
const order = (over: Partial<SlaInput> = {}): SlaInput => ({ status: 'in_progress', createdAt: opened, dueAt: due, suspendedAt: null, doneAt: null, ...over });
const ms = (s: string) => new Date(s);

test('due dates: n working days on the calendar, the holiday skipped; default per priority', () => {
  assert.deepEqual(TIME_LIMIT, { normal: 5, urgent: 1 });
  assert.equal(dueDate(cal, opened, 'normal').toISOString(), due.toISOString());
  assert.equal(dueDate(cal, opened, 'urgent').toISOString(), '2026-12-08T15:59:59.999Z');
  assert.equal(dueDate(cal, opened, 'urgent', 2).toISOString(), '2026-12-10T15:59:59.999Z');
  // without the holiday the same order would be due a day earlier
  assert.equal(dueDate(new WorkCalendar(), opened, 'normal').toISOString(), '2026-12-14T15:59:59.999Z');
});

test('SLA: ok, warning under one working day left, overdue after the due instant', () => {
  assert.equal(slaOf(cal, order(), ms('2026-12-08T02:00:00Z')), 'ok');
  assert.equal(slaOf(cal, order(), ms('2026-12-11T02:00:00Z')), 'ok');
  // on the due day itself (Shanghai), less than one working day is left
  assert.equal(slaOf(cal, order(), ms('2026-12-14T16:00:00Z')), 'warning');
  assert.equal(slaOf(cal, order(), due), 'warning');
  assert.equal(slaOf(cal, order(), new Date(due.getTime() + 1)), 'overdue');
});

test('SLA: warning once less than 20% of the whole time is left', () => {
  const whole = due.getTime() - opened.getTime();
  const edge = new Date(due.getTime() - whole * WARNING_SHARE);
  assert.equal(cal.remainingWorkingDays(edge, due) >= 1, true, 'the edge lies before the due day');
  assert.equal(slaOf(cal, order(), edge), 'ok');
  assert.equal(slaOf(cal, order(), new Date(edge.getTime() + 1)), 'warning');
});

test('SLA: a suspended order stands still, a finished one is judged when it was done', () => {
  const late = ms('2026-12-20T00:00:00Z');
  assert.equal(slaOf(cal, order({ status: 'suspended', suspendedAt: ms('2026-12-08T02:00:00Z') }), late), 'ok');
  assert.equal(slaOf(cal, order({ status: 'suspended', suspendedAt: ms('2026-12-15T03:00:00Z') }), late), 'warning');
  assert.equal(slaOf(cal, order({ status: 'done', doneAt: ms('2026-12-15T03:00:00Z') }), late), 'ok');
  assert.equal(slaOf(cal, order({ status: 'closed', doneAt: ms('2026-12-16T03:00:00Z') }), late), 'overdue');
});

test('suspension extends the due date by the working days suspended', () => {
  // suspended Tuesday the 8th, resumed Friday the 11th: the 10th and 11th count (the 9th is a holiday)
  assert.equal(extendDue(cal, due, ms('2026-12-08T02:00:00Z'), ms('2026-12-11T02:00:00Z')).toISOString(), '2026-12-17T15:59:59.999Z');
  // Friday to Monday: one working day
  assert.equal(extendDue(cal, due, ms('2026-12-11T02:00:00Z'), ms('2026-12-14T02:00:00Z')).toISOString(), '2026-12-16T15:59:59.999Z');
  // over the holiday alone: none
  assert.equal(extendDue(cal, due, ms('2026-12-08T12:00:00Z'), ms('2026-12-09T08:00:00Z')).toISOString(), due.toISOString());
  // the same day: none
  assert.equal(extendDue(cal, due, ms('2026-12-08T01:00:00Z'), ms('2026-12-08T09:00:00Z')).toISOString(), due.toISOString());
});
