/**
 * Calendar days in Asia/Shanghai, as 'YYYY-MM-DD' text. China has one time zone, UTC+8, and no
 * daylight saving time since 1991, so a Shanghai day is a fixed 24-hour slice of UTC. Day
 * arithmetic is done on day numbers (days since 1970-01-01), never with the machine's local time
 * zone, so a server set to UTC (or anything else) counts the same days.
 */
import { shanghaiDay } from '../kernel/index.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day as text, or an instant (read as its Shanghai day). */
export type DayLike = string | Date;

/** Whether `s` is a real calendar day written 'YYYY-MM-DD' (2026-02-30 is not). */
export function isDay(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** The day's number: days since 1970-01-01. Accepts a day text or an instant. */
export function dayNumber(day: DayLike): number {
  const s = typeof day === 'string' ? day : shanghaiDay(day);
  if (!isDay(s)) throw new RangeError(`calendar: not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  return Date.parse(`${s}T00:00:00Z`) / DAY_MS;
}

/** The day text of a day number. */
export const dayText = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (n: number): number => (((n + 4) % 7) + 7) % 7;

/** The last millisecond of a Shanghai day (23:59:59.999 UTC+8) as an instant. */
export const endOfDay = (n: number): Date => new Date((n + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);
