import fs from 'node:fs';
import { dayNumber, dayText } from './days.ts';
import { type SpecialDay, WorkCalendar } from './WorkCalendar.ts';

/** One holiday of a State Council notice: the days off (first and last, inclusive) and the make-up workdays. */
interface NoticeHoliday {
  name: string;
  holiday: [string, string];
  workdays: string[];
}

interface HolidayFile {
  source: string;
  /** Keyed by the notice's year (the 元旦 break of a year can begin in December of the one before). */
  years: Record<string, NoticeHoliday[]>;
}

const file = JSON.parse(fs.readFileSync(new URL('./data/cn-holidays.json', import.meta.url), 'utf8')) as HolidayFile;

function expand(h: NoticeHoliday): SpecialDay[] {
  const days: SpecialDay[] = [];
  for (let d = dayNumber(h.holiday[0]); d <= dayNumber(h.holiday[1]); d++) days.push({ day: dayText(d), kind: 'holiday', name: h.name });
  for (const day of h.workdays) days.push({ day, kind: 'workday', name: h.name });
  return days;
}

/** The built-in special days (src/calendar/data/cn-holidays.json), in order. */
export const BUILTIN_DAYS: readonly SpecialDay[] = Object.freeze(
  Object.values(file.years).flatMap((year) => year.flatMap(expand)).sort((a, b) => (a.day < b.day ? -1 : 1)),
);

/** The notice years the built-in data covers. */
export const BUILTIN_YEARS: readonly number[] = Object.keys(file.years).map(Number);

/** A calendar of the built-in arrangements alone (no console overrides). */
export const builtinCalendar = (): WorkCalendar => new WorkCalendar(BUILTIN_DAYS);
