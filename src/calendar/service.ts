import { type Caller, type Ctx, problem, requireRole, type FieldError } from '../kernel/index.ts';
import type { Queryable } from '../control/index.ts';
import { BUILTIN_DAYS } from './builtin.ts';
import { dayNumber, isDay, weekdayOf } from './days.ts';
import { type SpecialDay, WorkCalendar } from './WorkCalendar.ts';

/** A day of a year as the console shows it: from the built-in data or set in the console. */
export interface CalendarDay extends SpecialDay {
  source: 'builtin' | 'custom';
}

export interface CalendarYear {
  year: number;
  days: CalendarDay[];
  workingDays: number;
}

/** How long a server trusts its cached calendar before reading the table again (other servers may have saved). */
const CACHE_MS = 60_000;
const cache = new WeakMap<object, { at: number; calendar: WorkCalendar }>();

const yearOf = (day: string) => Number(day.slice(0, 4));
const builtinByDay = new Map(BUILTIN_DAYS.map((d) => [d.day, d]));

/** The built-in days, except in the years saved in the console, where the saved days stand instead. */
async function effectiveDays(db: Queryable): Promise<SpecialDay[]> {
  const saved = await db.query<SpecialDay>(`SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name FROM calendar_days ORDER BY day`);
  const savedYears = new Set(saved.map((d) => yearOf(d.day)));
  return [...BUILTIN_DAYS.filter((d) => !savedYears.has(yearOf(d.day))), ...saved];
}

async function fresh(ctx: Pick<Ctx, 'db'>): Promise<WorkCalendar> {
  const calendar = new WorkCalendar(await effectiveDays(ctx.db));
  cache.set(ctx.db, { at: Date.now(), calendar });
  return calendar;
}

const sameAsBuiltin = (d: SpecialDay) => {
  const b = builtinByDay.get(d.day);
  return !!b && b.kind === d.kind && b.name === d.name;
};

/** Why a year's days cannot be saved, as field errors (none: they can). */
function check(year: number, days: SpecialDay[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  days.forEach((d, i) => {
    const field = `days[${i}]`;
    if (!isDay(d.day)) errors.push({ field: `${field}.day`, message: 'not a day (YYYY-MM-DD)' });
    else if (yearOf(d.day) !== year) errors.push({ field: `${field}.day`, message: `not in ${year}` });
    else if (seen.has(d.day)) errors.push({ field: `${field}.day`, message: 'listed twice' });
    else if (d.kind === 'workday' && ![0, 6].includes(weekdayOf(dayNumber(d.day)))) errors.push({ field: `${field}.kind`, message: 'a make-up workday (补班) must be a Saturday or Sunday' });
    if (!d.name.trim()) errors.push({ field: `${field}.name`, message: 'empty' });
    seen.add(d.day);
  });
  return errors;
}

/**
 * The working-day calendar of the platform: the built-in State Council arrangements, corrected or
 * extended year by year in the console. Saving a year stores its special days whole; saving an
 * empty list gives the year back to the built-in arrangement.
 */
export const calendar = {
  /** The calendar in force (cached for a minute; saving a year on this server refreshes it at once). */
  async load(ctx: Pick<Ctx, 'db'>): Promise<WorkCalendar> {
    const hit = cache.get(ctx.db);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.calendar;
    return fresh(ctx);
  },

  /** A year's special days and its number of working days (every signed-in caller may read). */
  async list(ctx: Pick<Ctx, 'db'>, _caller: Caller, year: number): Promise<CalendarYear> {
    const cal = await fresh(ctx);
    const days = cal.specialDays(year).map((d): CalendarDay => ({ ...d, source: sameAsBuiltin(d) ? 'builtin' : 'custom' }));
    return { year, days, workingDays: cal.workingDaysIn(year) };
  },

  /** Replace a year's special days (admins). */
  async setYear(ctx: Ctx, caller: Caller, year: number, days: SpecialDay[]): Promise<CalendarYear> {
    requireRole(caller, 'admin');
    const input = days.map((d) => ({ day: d.day, kind: d.kind, name: d.name.trim() }));
    const errors = check(year, input);
    if (errors.length) throw problem('validation', { zh: `${year} 年的工作日历有误`, en: `the calendar of ${year} has errors` }, errors);
    await ctx.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM calendar_days WHERE day BETWEEN $1::date AND $2::date`, [`${year}-01-01`, `${year}-12-31`]);
      for (const d of input) {
        await tx.query(`INSERT INTO calendar_days (day, kind, name, updated_at, updated_by) VALUES ($1::date, $2, $3, now(), $4)`, [d.day, d.kind, d.name, caller.id]);
      }
      await ctx.audit.append(tx, caller, {
        action: 'calendar.set', objectType: 'calendar', objectId: String(year),
        details: { holidays: input.filter((d) => d.kind === 'holiday').length, workdays: input.filter((d) => d.kind === 'workday').length, builtin: input.length === 0 },
      });
    });
    return calendar.list(ctx, caller, year);
  },
};
