/** A time from the control plane as UTC ISO-8601 on the wire, or null when there is none. */
export const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/**
 * The calendar day (YYYY-MM-DD) an instant falls on in Asia/Shanghai. China keeps UTC+8 all year
 * (no daylight saving since 1991), so this is the UTC day eight hours later, whatever the machine's
 * own time zone.
 */
export function shanghaiDay(instant: Date): string {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}
