/** A time from the control plane as UTC ISO-8601 on the wire, or null when there is none. */
export const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/**
 * The calendar day (YYYY-MM-DD) an instant falls on in Asia/Shanghai. China keeps UTC+8 all year
 * (no daylight saving since 1991), so this is the UTC day eight hours later, whatever the machine's
 * own time zone.
 */
export const shanghaiDay = (instant: Date): string => shanghaiClock(instant).day;

/** The day, hour (0–23) and weekday (0 Sunday … 6 Saturday) an instant falls on in Asia/Shanghai. */
export function shanghaiClock(instant: Date = new Date()): { day: string; hour: number; weekday: number } {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  const s = new Date(t + 8 * 3600_000);
  return { day: s.toISOString().slice(0, 10), hour: s.getUTCHours(), weekday: s.getUTCDay() };
}
