/**
 * A labelled synthetic sensor series, deterministic by seed: hourly readings with a yearly swing, a
 * daily pattern with morning and evening peaks, quieter weekends and autocorrelated noise, with
 * anomalies planted at known times — spikes, temporary level shifts and stuck readings — and gaps of
 * missing readings (not anomalies). For scoring detectors until real labelled sensor data exist.
 */
import type { Interval } from './detectors.ts';

export type AnomalyKind = 'spike' | 'level-shift' | 'stuck';

export interface LabelledAnomaly extends Interval {
  kind: AnomalyKind;
  /** Size of the anomaly in noise standard deviations (0 for stuck readings). */
  size: number;
}

export interface SyntheticOptions {
  seed: number;
  /** First time (ms); default 2025-01-01T00:00 local (Asia/Shanghai) as UTC ms. */
  start?: number;
  hours?: number;
  base?: number;
  /** Noise standard deviation as a fraction of the level (default 0.05). */
  noise?: number;
  spikes?: number;
  shifts?: number;
  stuck?: number;
  gaps?: number;
  /** Hours at the start left clean, for the detectors' history to fill (default 4 weeks). */
  warmupHours?: number;
}

export interface SyntheticSeries {
  times: number[];
  /** Readings; NaN where missing. */
  values: Float64Array;
  /** The clean signal, without noise or anomalies. */
  expected: Float64Array;
  labels: LabelledAnomaly[];
}

/** A small, fast deterministic generator (mulberry32). */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const between = (a: number, b: number) => a + (b - a) * next();
  return { next, normal, between, int: (a: number, b: number) => Math.floor(between(a, b + 1)) };
}

const HOUR = 3_600_000;
const TZ = 8 * HOUR;

/** The daily shape: a morning and an evening peak over a quiet night, mean about 1. */
function dailyShape(hour: number): number {
  const bump = (c: number, w: number) => Math.exp(-0.5 * ((hour - c) / w) ** 2);
  return 0.55 + 0.8 * bump(8, 1.5) + 0.9 * bump(18.5, 2) + 0.25 * bump(13, 3);
}

export function syntheticSensorSeries(o: SyntheticOptions): SyntheticSeries {
  const rnd = random(o.seed);
  const hours = o.hours ?? 24 * 365;
  const start = o.start ?? Date.UTC(2025, 0, 1) - TZ;
  const base = o.base ?? 100;
  const noise = o.noise ?? 0.05;
  const warmup = o.warmupHours ?? 24 * 28;
  const times = Array.from({ length: hours }, (_, i) => start + i * HOUR);
  const expected = new Float64Array(hours);
  const values = new Float64Array(hours);
  const sd = new Float64Array(hours);
  let e = 0;
  for (let i = 0; i < hours; i++) {
    const local = new Date(times[i]! + TZ);
    const dow = local.getUTCDay();
    const weekend = dow === 0 || dow === 6 ? 0.8 : 1;
    const year = 1 + 0.25 * Math.cos((2 * Math.PI * i) / (24 * 365));
    expected[i] = base * year * weekend * dailyShape(local.getUTCHours());
    sd[i] = noise * expected[i]!;
    e = 0.6 * e + Math.sqrt(1 - 0.36) * rnd.normal();
    values[i] = expected[i]! + sd[i]! * e;
  }

  // anomalies at random places after the warm-up, at least two days apart from each other
  const kinds: AnomalyKind[] = [
    ...Array<AnomalyKind>(o.spikes ?? 24).fill('spike'),
    ...Array<AnomalyKind>(o.shifts ?? 12).fill('level-shift'),
    ...Array<AnomalyKind>(o.stuck ?? 12).fill('stuck'),
  ];
  const labels: LabelledAnomaly[] = [];
  const taken: Interval[] = [];
  const free = (a: number, b: number) => taken.every((t) => b + 48 < t.start || a - 48 > t.end);
  for (const kind of kinds) {
    const len = kind === 'spike' ? rnd.int(1, 2) : kind === 'level-shift' ? rnd.int(6, 48) : rnd.int(8, 24);
    for (let tries = 0; tries < 200; tries++) {
      const a = rnd.int(warmup, hours - len - 1);
      if (!free(a, a + len - 1)) continue;
      taken.push({ start: a, end: a + len - 1 });
      let size = 0;
      if (kind === 'spike') {
        size = rnd.between(6, 12) * (rnd.next() < 0.8 ? 1 : -1);
        for (let i = a; i < a + len; i++) values[i] = Math.max(0, values[i]! + size * sd[i]!);
      } else if (kind === 'level-shift') {
        size = rnd.between(5, 10) * (rnd.next() < 0.5 ? 1 : -1);
        for (let i = a; i < a + len; i++) values[i] = Math.max(0, values[i]! + size * sd[i]!);
      } else {
        for (let i = a; i < a + len; i++) values[i] = values[a - 1]!;
      }
      labels.push({ kind, start: times[a]!, end: times[a + len - 1]!, size: Math.round(size * 10) / 10 });
      break;
    }
  }
  // gaps of missing readings, away from the anomalies: not anomalies themselves
  for (let g = 0; g < (o.gaps ?? 6); g++) {
    const len = rnd.int(2, 12);
    for (let tries = 0; tries < 200; tries++) {
      const a = rnd.int(warmup, hours - len - 1);
      if (!free(a, a + len - 1)) continue;
      taken.push({ start: a, end: a + len - 1 });
      for (let i = a; i < a + len; i++) values[i] = NaN;
      break;
    }
  }
  for (let i = 0; i < hours; i++) if (Number.isFinite(values[i]!)) values[i] = Math.round(values[i]! * 10) / 10;
  labels.sort((x, y) => x.start - y.start);
  return { times, values, expected, labels };
}
