/**
 * A case's time limit runs on the working-day calendar: weekends do not count, public holidays do
 * not count, make-up workdays (调休) do; it falls due at the end of its last working day (Shanghai
 * time). Warnings come on the due day; answering late or not at all past it is overdue.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinCalendar } from '../../../../src/calendar/index.ts';
import { dueDate } from '../../../../src/apps/workorders/index.ts';
import { caseSla } from '../../../../src/apps/cases/store.ts';

const cal = builtinCalendar();
const at = (s: string) => new Date(`${s}+08:00`);
const end = (day: string) => at(`${day}T23:59:59.999`).toISOString();

test('limits skip weekends and holidays and count make-up workdays', () => {
  // Tue 30 Sep 2025, 3 working days: 1–8 Oct is the National Day holiday; Thu 9, Fri 10, and Sat 11 Oct (a make-up workday)
  assert.equal(dueDate(cal, at('2025-09-30T10:00:00'), 'normal', 3).toISOString(), end('2025-10-11'));
  // Fri 26 Sep 2025, urgent, 1 working day: Sat 27 is a weekend, Sun 28 a make-up workday
  assert.equal(dueDate(cal, at('2025-09-26T16:00:00'), 'urgent', 1).toISOString(), end('2025-09-28'));
  // Fri 24 Jan 2025, 10 working days (a 12345 category): Sun 26 and Sat 8 Feb are make-up workdays, 28 Jan – 4 Feb off
  assert.equal(dueDate(cal, at('2025-01-24T09:00:00'), 'normal', 10).toISOString(), end('2025-02-13'));
  // an ordinary week: Fri 14 Nov 2025, 5 working days → Fri 21 Nov
  assert.equal(dueDate(cal, at('2025-11-14T09:00:00'), 'normal', 5).toISOString(), end('2025-11-21'));
  // reported late on a Friday evening (Shanghai), still that Friday: the limit starts from it
  assert.equal(dueDate(cal, new Date('2025-11-14T15:30:00Z'), 'urgent', 1).toISOString(), end('2025-11-17'));
});

test('warnings on the due day, overdue after it; answering in time is ok', () => {
  const r = { due_at: new Date(end('2025-10-11')), answered_at: null, status: 'handling' as const };
  assert.equal(caseSla(cal, r, at('2025-10-05T12:00:00')), 'ok', 'in the holiday, three working days are left');
  assert.equal(caseSla(cal, r, at('2025-10-10T17:00:00')), 'ok');
  assert.equal(caseSla(cal, r, at('2025-10-11T08:00:00')), 'warning', 'the due day (a make-up Saturday)');
  assert.equal(caseSla(cal, r, at('2025-10-12T00:00:01')), 'overdue');
  assert.equal(caseSla(cal, { ...r, answered_at: at('2025-10-11T20:00:00'), status: 'answered' }, at('2025-10-20T00:00:00')), 'ok', 'answered in time stays ok');
  assert.equal(caseSla(cal, { ...r, answered_at: at('2025-10-13T09:00:00'), status: 'answered' }, at('2025-10-20T00:00:00')), 'overdue', 'answered late stays overdue');
  assert.equal(caseSla(cal, { due_at: null, answered_at: null, status: 'pending' }, at('2025-10-20T00:00:00')), null, 'not dispatched: no limit yet');
});
