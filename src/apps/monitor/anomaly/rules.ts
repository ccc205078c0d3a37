/**
 * Alert rules as pure state machines stepping over (time, value) points: static thresholds with a
 * "for" duration and hysteresis, and rate of change. Times are milliseconds; a missing value is
 * NaN or null and changes nothing (it neither fires nor resolves an alert).
 */

export type Op = '>' | '>=' | '<' | '<=';

export interface ThresholdRule {
  op: Op;
  limit: number;
  /** How long the condition must hold before the alert fires (0: at the first point). */
  forSeconds?: number;
  /**
   * Hysteresis: a firing alert resolves only once the value is back past this limit (for '>' and
   * '>=': at or below it… see `clears`); by default the limit itself.
   */
  clearLimit?: number;
  /** How long the clear condition must hold before the alert resolves (default 0). */
  clearForSeconds?: number;
}

export type AlertState = 'ok' | 'pending' | 'firing' | 'resolving';

export interface AlertEvent {
  type: 'firing' | 'resolved';
  time: number;
  value: number;
  /** When the condition (firing) or the clear condition (resolved) began to hold. */
  since: number;
}

const compare = (op: Op, v: number, limit: number) => (op === '>' ? v > limit : op === '>=' ? v >= limit : op === '<' ? v < limit : v <= limit);
const OPPOSITE: Record<Op, Op> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>' };

/** The threshold rule's state machine: step(time, value) returns the events that point causes (zero or one). */
export function thresholdMachine(rule: ThresholdRule) {
  const clearLimit = rule.clearLimit ?? rule.limit;
  if (!Number.isFinite(rule.limit) || !Number.isFinite(clearLimit)) throw new RangeError('the limit and the clear limit must be numbers');
  const up = rule.op === '>' || rule.op === '>=';
  if (up ? clearLimit > rule.limit : clearLimit < rule.limit) {
    throw new RangeError(`the clear limit ${clearLimit} must be on the normal side of the limit ${rule.limit} (${up ? 'at or below' : 'at or above'} it)`);
  }
  const forMs = Math.max(0, rule.forSeconds ?? 0) * 1000;
  const clearForMs = Math.max(0, rule.clearForSeconds ?? 0) * 1000;
  let state: AlertState = 'ok';
  let since = 0;
  let lastTime = -Infinity;
  return {
    get state() {
      return state;
    },
    /** The alert condition for a value. */
    breaches: (v: number) => compare(rule.op, v, rule.limit),
    /** The clear condition: the value is back past the clear limit (for '>': at or below it). */
    clears: (v: number) => compare(OPPOSITE[rule.op], v, clearLimit),
    step(time: number, value: number | null): AlertEvent[] {
      if (time <= lastTime) throw new RangeError(`points must come in time order: ${new Date(time).toISOString()} after ${new Date(lastTime).toISOString()}`);
      lastTime = time;
      if (value === null || !Number.isFinite(value)) return [];
      const bad = compare(rule.op, value, rule.limit);
      const clear = compare(OPPOSITE[rule.op], value, clearLimit);
      switch (state) {
        case 'ok':
        case 'pending':
          if (!bad) {
            state = 'ok';
            return [];
          }
          if (state === 'ok') [state, since] = ['pending', time];
          if (time - since >= forMs) {
            state = 'firing';
            return [{ type: 'firing', time, value, since }];
          }
          return [];
        case 'firing':
        case 'resolving':
          if (!clear) {
            state = 'firing';
            return [];
          }
          if (state === 'firing') [state, since] = ['resolving', time];
          if (time - since >= clearForMs) {
            state = 'ok';
            return [{ type: 'resolved', time, value, since }];
          }
          return [];
      }
    },
  };
}

/** The events of a threshold rule over a series of points in time order. */
export function runThreshold(rule: ThresholdRule, points: Iterable<{ time: number; value: number | null }>): AlertEvent[] {
  const m = thresholdMachine(rule);
  const out: AlertEvent[] = [];
  for (const p of points) out.push(...m.step(p.time, p.value));
  return out;
}

export interface RateRule {
  /** The span the change is measured over, in seconds. */
  windowSeconds: number;
  /** Largest allowed absolute change over the window. */
  maxChange?: number;
  /** Largest allowed change in percent of the earlier value. */
  maxPct?: number;
}

export interface RateResult {
  time: number;
  value: number;
  /** The earlier point the change is measured from: the oldest observed point within the window. */
  from: { time: number; value: number };
  change: number;
  /** Change in percent of the earlier value (Infinity from 0). */
  pct: number;
  breach: boolean;
}

/**
 * Rate of change: each observed point against the oldest observed point no more than `windowSeconds`
 * before it. Breaches when |change| > maxChange or |change| / |earlier| > maxPct %.
 */
export function rateOfChange(rule: RateRule) {
  if (!(rule.windowSeconds > 0)) throw new RangeError('the window must be a positive number of seconds');
  if (rule.maxChange === undefined && rule.maxPct === undefined) throw new RangeError('a rate rule needs maxChange or maxPct');
  const windowMs = rule.windowSeconds * 1000;
  const buf: { time: number; value: number }[] = [];
  return {
    step(time: number, value: number | null): RateResult | null {
      if (value === null || !Number.isFinite(value)) return null;
      while (buf.length && buf[0]!.time < time - windowMs) buf.shift();
      const from = buf[0];
      buf.push({ time, value });
      if (!from) return null;
      const change = value - from.value;
      const pct = from.value === 0 ? (change === 0 ? 0 : Infinity) : (Math.abs(change) / Math.abs(from.value)) * 100;
      const breach = (rule.maxChange !== undefined && Math.abs(change) > rule.maxChange) || (rule.maxPct !== undefined && pct > rule.maxPct);
      return { time, value, from, change, pct, breach };
    },
  };
}
