import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_DAYS, builtinCalendar, WorkCalendar } from '../../../src/calendar/index.ts';

const cal = builtinCalendar();
/** An instant given as Shanghai wall-clock time. */
const sh = (local: string) => new Date(`${local}+08:00`);
/** The deadline instant at the end of a Shanghai day. */
const endOf = (day: string) => sh(`${day}T23:59:59.999`);

describe('WorkCalendar', () => {
  test('Monday to Friday, minus holidays, plus make-up workdays (2026 春节)', () => {
    assert.equal(cal.isWorkingDay('2026-02-13'), true); // Friday before the break
    assert.equal(cal.isWorkingDay('2026-02-14'), true); // Saturday, 补班
    assert.equal(cal.isWorkingDay('2026-02-15'), false); // Sunday, first day of the break
    assert.equal(cal.isWorkingDay('2026-02-16'), false); // Monday, 除夕
    assert.equal(cal.isWorkingDay('2026-02-23'), false); // Monday, last day of the break
    assert.equal(cal.isWorkingDay('2026-02-24'), true);
    assert.equal(cal.isWorkingDay('2026-02-28'), true); // Saturday, 补班
    assert.equal(cal.isWorkingDay('2026-03-01'), false); // plain Sunday
    assert.deepEqual(cal.specialDay('2026-02-16'), { day: '2026-02-16', kind: 'holiday', name: '春节' });
    assert.equal(cal.specialDay('2026-02-24'), undefined);
  });

  test('an instant is read as its Shanghai day, whatever the machine time zone', () => {
    assert.equal(cal.isWorkingDay(new Date('2026-02-13T15:59:59Z')), true); // Fri 23:59:59 in Shanghai
    assert.equal(cal.isWorkingDay(new Date('2026-02-14T16:00:00Z')), false); // Sun 00:00 in Shanghai
    assert.equal(cal.isWorkingDay(new Date('2026-02-15T15:00:00Z')), false); // still Sunday in Shanghai
  });

  test('working days per year: 365 or 366, minus weekends, minus the statutory holidays', () => {
    assert.equal(cal.workingDaysIn(2024), 366 - 104 - 11); // 11 statutory days until 2024
    assert.equal(cal.workingDaysIn(2025), 365 - 104 - 13); // 13 from 2025 (除夕, 5月2日 added)
    assert.equal(cal.workingDaysIn(2026), 365 - 104 - 13);
    assert.equal(new WorkCalendar().workingDaysIn(2026), 261); // no special days: Monday to Friday
  });

  test('every built-in make-up workday is a weekend day, every name one of the seven holidays', () => {
    for (const d of BUILTIN_DAYS) {
      if (d.kind === 'workday') assert.ok([0, 6].includes(new Date(`${d.day}T00:00:00Z`).getUTCDay()), d.day);
      assert.match(d.name, /^(元旦|春节|清明节|劳动节|端午节|中秋节|国庆节)(、(中秋节|国庆节))?$/);
    }
  });

  describe('deadlines: the filing day does not count; due at the end of the n-th working day after it', () => {
    test('filed on the Friday before 春节 2026: the make-up Saturday counts, the break does not', () => {
      // 2/14 (Sat 补班) 1, 2/24–2/27 2–5, 2/28 (Sat 补班) 6, 3/2–3/5 7–10
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-13T10:00'), 10), endOf('2026-03-05'));
      assert.equal(cal.addWorkingDays(sh('2026-02-13T10:00'), 10).toISOString(), '2026-03-05T15:59:59.999Z');
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-13T10:00'), 1), endOf('2026-02-14'));
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-13T10:00'), 2), endOf('2026-02-24'));
    });

    test('the hour does not matter, the Shanghai day does', () => {
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-13T23:59:59'), 10), endOf('2026-03-05'));
      // 00:30 on Saturday in Shanghai is still Friday in UTC: it counts as filed on Saturday
      assert.deepEqual(cal.addWorkingDays(new Date('2026-02-13T16:30:00Z'), 10), endOf('2026-03-06'));
    });

    test('filed on the holiday itself or on a make-up Saturday: counting starts on the next working day', () => {
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-18T09:00'), 10), endOf('2026-03-06'));
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-18T09:00'), 1), endOf('2026-02-24'));
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-14T09:00'), 10), endOf('2026-03-06'));
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-15T09:00'), 10), endOf('2026-03-06'));
    });

    test('n = 0 is the end of the filing day; a negative or fractional n is refused', () => {
      assert.deepEqual(cal.addWorkingDays(sh('2026-02-18T09:00'), 0), endOf('2026-02-18'));
      assert.throws(() => cal.addWorkingDays(sh('2026-02-18T09:00'), -1), RangeError);
      assert.throws(() => cal.addWorkingDays(sh('2026-02-18T09:00'), 1.5), RangeError);
      assert.throws(() => cal.addWorkingDays(new Date('nope'), 1), RangeError);
    });

    test('across 中秋 and 国庆 2026 (9/20 and 10/10 worked)', () => {
      // 10/8 1, 10/9 2, 10/10 (Sat 补班) 3, 10/12–10/16 4–8, 10/19 9, 10/20 10
      assert.deepEqual(cal.addWorkingDays(sh('2026-09-30T16:00'), 10), endOf('2026-10-20'));
      assert.deepEqual(cal.addWorkingDays(sh('2026-09-24T16:00'), 3), endOf('2026-09-30')); // 9/25–27 中秋
      assert.deepEqual(cal.addWorkingDays(sh('2026-09-18T16:00'), 1), endOf('2026-09-20')); // Sunday 补班
    });

    test('across 元旦 and the year boundary', () => {
      // 12/31 1, 1/4 (Sun 补班) 2, 1/5–1/9 3–7, 1/12–1/14 8–10
      assert.deepEqual(cal.addWorkingDays(sh('2025-12-30T11:00'), 10), endOf('2026-01-14'));
      assert.deepEqual(cal.addWorkingDays(sh('2025-12-31T11:00'), 1), endOf('2026-01-04'));
      assert.deepEqual(cal.addWorkingDays(sh('2024-12-31T11:00'), 1), endOf('2025-01-02')); // 2025-01-01 off, no 补班
      // a year without special days counts Monday to Friday: 2027-01-01 is a Friday
      assert.deepEqual(cal.addWorkingDays(sh('2026-12-31T11:00'), 2), endOf('2027-01-04'));
    });
  });

  test('workingDaysBetween counts as the deadlines do, in either direction', () => {
    const filed = sh('2026-02-13T10:00');
    for (const n of [0, 1, 2, 7, 10, 30, 250]) assert.equal(cal.workingDaysBetween(filed, cal.addWorkingDays(filed, n)), n);
    assert.equal(cal.workingDaysBetween('2026-02-14', '2026-02-23'), 0);
    assert.equal(cal.workingDaysBetween('2026-03-05', '2026-02-13'), -10);
    assert.throws(() => cal.workingDaysBetween('2026-02-30', '2026-03-01'), RangeError);
  });

  test('remainingWorkingDays: today not counted, 0 on the due day, negative when overdue', () => {
    const due = cal.addWorkingDays(sh('2026-02-13T10:00'), 10); // end of 3/5
    assert.equal(cal.remainingWorkingDays(sh('2026-02-13T10:00'), due), 10);
    assert.equal(cal.remainingWorkingDays(sh('2026-02-20T10:00'), due), 9); // during the break
    assert.equal(cal.remainingWorkingDays(sh('2026-03-05T23:00'), due), 0);
    assert.equal(cal.remainingWorkingDays(sh('2026-03-06T09:00'), due), -1);
    assert.equal(cal.remainingWorkingDays(sh('2026-03-08T09:00'), due), -1); // Sunday: still one working day late
  });

  test('later entries replace earlier ones for the same day; bad entries are refused', () => {
    const c = new WorkCalendar([...BUILTIN_DAYS, { day: '2026-02-28', kind: 'holiday', name: '春节' }, { day: '2026-03-02', kind: 'holiday', name: '调整' }]);
    assert.equal(c.isWorkingDay('2026-02-28'), false);
    assert.equal(c.isWorkingDay('2026-03-02'), false);
    assert.equal(c.specialDays(2026).length, builtinCalendar().specialDays(2026).length + 1);
    assert.throws(() => new WorkCalendar([{ day: '2026-2-1', kind: 'holiday', name: 'x' }]), RangeError);
    assert.throws(() => new WorkCalendar([{ day: '2026-02-01', kind: 'off' as never, name: 'x' }]), RangeError);
  });
});
