import { type DayLike, dayNumber, dayText, endOfDay, isDay, weekdayOf } from './days.ts';

/** A day that differs from the Monday–Friday rule: a public holiday, or a weekend day worked (调休补班). */
export interface SpecialDay {
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
}

/**
 * The working-day calendar (工作日历): Monday to Friday are working days, except public holidays
 * (法定节假日, including the weekdays given off around them); a weekend day marked `workday`
 * (调休补班) is a working day. Days are Asia/Shanghai calendar days; instants are read as the
 * Shanghai day they fall on. Years without special days fall back to plain Monday–Friday.
 *
 * Deadlines follow the rule for legal time limits (期间开始之日不计算在期间内): the day a request is
 * filed does not count, whatever the hour and whether or not it is a working day. A request filed
 * at instant T with a limit of n working days is due at the end (23:59:59.999 Shanghai time) of
 * the n-th working day after T's Shanghai day. So a request filed on a holiday, a weekend or a
 * make-up Saturday starts counting on the next working day, the same as one filed that morning on
 * a Friday.
 */
export class WorkCalendar {
  private readonly special = new Map<string, SpecialDay>();

  /** Later entries for the same day replace earlier ones (so overrides can follow the defaults). */
  constructor(days: Iterable<SpecialDay> = []) {
    for (const d of days) {
      if (!isDay(d.day)) throw new RangeError(`calendar: not a day (YYYY-MM-DD): ${JSON.stringify(d.day)}`);
      if (d.kind !== 'holiday' && d.kind !== 'workday') throw new RangeError(`calendar: unknown kind ${JSON.stringify(d.kind)} on ${d.day}`);
      this.special.set(d.day, { day: d.day, kind: d.kind, name: d.name });
    }
  }

  /** The special day on `day`, if it is one. */
  specialDay(day: DayLike): SpecialDay | undefined {
    return this.special.get(dayText(dayNumber(day)));
  }

  /** The special days, in order; of one year when given. */
  specialDays(year?: number): SpecialDay[] {
    const all = [...this.special.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    return year === undefined ? all : all.filter((d) => d.day.startsWith(`${year}-`));
  }

  isWorkingDay(day: DayLike): boolean {
    return this.isWorkingDayNumber(dayNumber(day));
  }

  /**
   * The deadline of a request filed at `from` with a limit of `n` working days: the end of the
   * n-th working day after `from`'s Shanghai day (n = 0: the end of that day itself).
   */
  addWorkingDays(from: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`calendar: working days must be a whole number ≥ 0, got ${n}`);
    let day = dayNumber(from);
    for (let left = n; left > 0; ) if (this.isWorkingDayNumber(++day)) left--;
    return endOfDay(day);
  }

  /**
   * The working days after `a`'s day up to and including `b`'s day (the same counting as
   * addWorkingDays, so `workingDaysBetween(t, addWorkingDays(t, n)) === n`); negative when `b`
   * comes before `a`.
   */
  workingDaysBetween(a: DayLike, b: DayLike): number {
    const from = dayNumber(a);
    const to = dayNumber(b);
    if (to < from) return -this.workingDaysBetween(b, a);
    let count = 0;
    for (let day = from + 1; day <= to; day++) if (this.isWorkingDayNumber(day)) count++;
    return count;
  }

  /**
   * Working days left before a deadline, today not counted: 0 means it is due today (or before the
   * next working day), a negative number counts the working days it is overdue. Past the deadline
   * on a non-working day the count is 0 though `now > due`: compare the instants for "overdue".
   */
  remainingWorkingDays(now: Date, due: Date): number {
    return this.workingDaysBetween(now, due);
  }

  /** The number of working days in a year. */
  workingDaysIn(year: number): number {
    return this.workingDaysBetween(`${year - 1}-12-31`, `${year}-12-31`);
  }

  private isWorkingDayNumber(day: number): boolean {
    const special = this.special.get(dayText(day));
    if (special) return special.kind === 'workday';
    const wd = weekdayOf(day);
    return wd !== 0 && wd !== 6;
  }
}
