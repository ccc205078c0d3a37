/**
 * Times of a regular series: parsing the usual spellings of a timestamp, inferring the step from the
 * rows, placing each row on the grid (missing steps become missing values) and writing times back in
 * the input's style.
 */

/** How the input wrote its times, so that forecasts are written the same way. */
export interface TimeStyle {
  /** 'T' (ISO) or ' ' between date and time; null for dates alone. */
  sep: 'T' | ' ' | null;
  seconds: boolean;
  /** Minutes east of UTC when the input carried a zone ('Z' is 0); null for zone-less (wall-clock) times. */
  zone: number | null;
  /** 'Z' or '+08:00' as written. */
  zoneText: string;
  dateSep: '-' | '/';
}

const TIME_RE = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:([T ])(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A timestamp as milliseconds, with its style. Zone-less times are wall-clock times and are counted
 * as if in UTC, so that a day is always 24 hours; times with a zone are converted to UTC.
 * Returns null for text that is not a timestamp.
 */
export function parseTime(text: string): { ms: number; style: TimeStyle } | null {
  const m = TIME_RE.exec(text.trim());
  if (!m) return null;
  const [, y, dateSep, mo, d, sep, hh, mi, ss, z] = m;
  const month = Number(mo), day = Number(d), hour = Number(hh ?? 0), minute = Number(mi ?? 0), second = Number(ss ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return null; // 2023-02-30
  let zone: number | null = null;
  if (z) {
    zone = z.toUpperCase() === 'Z' ? 0 : (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(-2)));
    ms -= zone * 60_000;
  }
  return { ms, style: { sep: (sep as 'T' | ' ' | undefined) ?? null, seconds: ss !== undefined, zone, zoneText: z ?? '', dateSep: dateSep as '-' | '/' } };
}

/** A time from numeric parts (year, month, day[, hour[, minute]]), as a zone-less wall-clock time. */
export function timeFromParts(parts: string[]): number | null {
  const n = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (n.length < 3 || n.some((x) => !Number.isInteger(x))) return null;
  const [y, mo, d, h = 0, mi = 0] = n as [number, number, number, number?, number?];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  return new Date(ms).getUTCDate() === d ? ms : null;
}

/** ISO without zone, with seconds: the style of times composed from parts. */
export const ISO_LOCAL: TimeStyle = { sep: 'T', seconds: true, zone: null, zoneText: '', dateSep: '-' };

const pad = (n: number) => String(n).padStart(2, '0');

/** A time written in the given style. */
export function formatTime(ms: number, style: TimeStyle): string {
  const d = new Date(ms + (style.zone ?? 0) * 60_000);
  const s = style.dateSep;
  const date = `${d.getUTCFullYear()}${s}${pad(d.getUTCMonth() + 1)}${s}${pad(d.getUTCDate())}`;
  const wantsTime = style.sep !== null || d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds();
  if (!wantsTime) return date;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${style.seconds || d.getUTCSeconds() ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${date}${style.sep ?? 'T'}${time}${style.zone === null ? '' : style.zoneText}`;
}

/** A series that is not regular: names the first row (0-based, in input order) that is off the grid. */
export class IrregularSeriesError extends Error {
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(message);
    this.name = 'IrregularSeriesError';
  }
}

/** A regular grid of times: start, step, and where each input row falls on it. */
export interface Grid {
  start: number;
  stepMs: number;
  /** Number of steps from the first to the last time, both included. */
  length: number;
  /** Position on the grid of each input row. */
  position: number[];
  /** Seasonal periods in steps that the step allows: a day and a week (e.g. [24, 168] for hourly data). */
  periods: number[];
}

const DAY = 86_400_000;

/** Seasonal periods in steps for a step: a day and a week, when each is a whole number of steps (≥ 2). */
export function seasonalPeriods(stepMs: number): number[] {
  return [DAY, 7 * DAY].filter((p) => p % stepMs === 0 && p / stepMs >= 2).map((p) => p / stepMs);
}

/**
 * The grid of a series' times (milliseconds, in input order). The step is the most common difference
 * between consecutive times; each difference must be a positive whole number of steps (a missing
 * step is a missing value). Throws IrregularSeriesError naming the first row that breaks it.
 */
export function inferGrid(times: number[], maxFill = 10): Grid {
  if (times.length < 2) throw new IrregularSeriesError(0, `a series needs at least two times (it has ${times.length})`);
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let stepMs = 0, best = 0;
  for (const [d, c] of counts) if (c > best || (c === best && d < stepMs)) [stepMs, best] = [d, c];
  if (!stepMs) throw new IrregularSeriesError(1, 'the times do not increase');
  const position = [0];
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d <= 0 || d % stepMs !== 0) {
      const what = d === 0 ? 'repeats the time before it' : d < 0 ? 'goes back in time' : `is ${d / 1000} s after the row before it, not a whole number of ${stepMs / 1000}-second steps`;
      throw new IrregularSeriesError(i, `row ${i + 1} ${what}`);
    }
    position.push(position[i - 1]! + d / stepMs);
  }
  const length = position.at(-1)! + 1;
  if (length > maxFill * times.length) throw new IrregularSeriesError(times.length - 1, `the series has ${times.length} rows over ${length} steps of ${stepMs / 1000} s: too sparse to be a regular series`);
  return { start: times[0]!, stepMs, length, position, periods: seasonalPeriods(stepMs) };
}
