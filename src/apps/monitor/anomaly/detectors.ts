/**
 * Anomaly detectors on one series: a robust seasonal score against the series' own hour-of-day ×
 * day-of-week pattern, a flat-line (stuck sensor) detector, grouping flagged points into events, and
 * precision / recall of events against labelled anomalies.
 */

export interface Point {
  time: number;
  value: number | null;
}

const HOUR = 3_600_000;

export interface SeasonalOptions {
  /** 'hour-of-week' (default): the same hour on the same day of the week; 'hour-of-day': the same hour on every day. */
  slot?: 'hour-of-week' | 'hour-of-day';
  /** Length of a slot in minutes (default 60). */
  slotMinutes?: number;
  /** How many cycles (weeks, or days for hour-of-day) of history count (default 12 weeks / 28 days). */
  cycles?: number;
  /** Offset of local time from UTC in minutes, for the hour of day and day of week (default 480, Asia/Shanghai). */
  tzOffsetMinutes?: number;
  /** Fewest earlier values in the slot for a score (default 4). */
  minSamples?: number;
  /** Floor on the scale, absolute (default 0). */
  minScale?: number;
  /** Floor on the scale, as a fraction of |expected| (default 0.02). */
  minScaleRel?: number;
  /** 'ratio': the slot's values relative to the level; 'difference': their differences from it; 'auto' (default): ratio while the level is positive. */
  mode?: 'auto' | 'ratio' | 'difference';
}

export interface SeasonalScore {
  /** (value − expected) / scale. */
  score: number;
  /** The recent level times the slot's median ratio to it (or plus its median difference). */
  expected: number;
  /** The recent level: the median of the last cycle's values (a week, or a day for hour-of-day slots). */
  level: number;
  /** max(1.4826 × MAD of the slot's ratios or differences, 1.4826 × MAD of the last cycle's residuals, floors), in the series' units. */
  scale: number;
  samples: number;
  /**
   * The change of the residual since the step before, over the robust spread of such changes in the
   * last cycle (0 without a step before): a spike stands out of autocorrelated noise by its jump.
   */
  jump: number;
  /** Whether the slot was read in ratio mode. */
  ratio: boolean;
}

function slotGeometry(o: SeasonalOptions) {
  const slotMs = (o.slotMinutes ?? 60) * 60_000;
  const cycleMs = (o.slot === 'hour-of-day' ? 24 : 168) * HOUR;
  const cycles = o.cycles ?? (o.slot === 'hour-of-day' ? 28 : 12);
  const tz = (o.tzOffsetMinutes ?? 480) * 60_000;
  const slots = Math.round(cycleMs / slotMs);
  const slotOf = (t: number) => ((Math.floor((t + tz) / slotMs) % slots) + slots) % slots;
  return { slotMs, cycleMs, cycles, slots, slotOf };
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
const madOf = (xs: number[], m = medianOf(xs)) => medianOf(xs.map((v) => Math.abs(v - m)));

/**
 * The seasonal detector stepping over a series in time order. Each value is compared with what its
 * slot (same hour of day and day of week by default) says: the recent level (median of the last
 * cycle, which follows slow drifts such as the seasons) times the median ratio of the slot's values
 * to the level they had, over the last `cycles` cycles ('ratio' mode, while the level is positive;
 * 'difference' mode adds the median difference instead). The robust score divides the difference by
 * 1.4826 × MAD of the slot's ratios (or differences), floored by the spread of the last cycle's
 * residuals (so that a slot with few, close values does not make every small wobble an anomaly) and
 * by minScale / minScaleRel. Anomalous when |score| ≥ threshold (default 4.5), or when |jump| ≥
 * jumpThreshold (default 5: the residual moved by five times its usual step-to-step change) with
 * |score| ≥ jumpScore (default 3); an anomalous value is
 * kept clipped to expected ± threshold × scale. `score` looks without keeping the point.
 */
export function seasonalDetector(opts: SeasonalOptions & { threshold?: number; jumpThreshold?: number; jumpScore?: number } = {}) {
  const g = slotGeometry(opts);
  const threshold = opts.threshold ?? 4.5;
  const jumpThreshold = opts.jumpThreshold ?? 5;
  const jumpScore = opts.jumpScore ?? 3;
  const minSamples = opts.minSamples ?? 4;
  const mode = opts.mode ?? 'auto';
  const bySlot = new Map<number, { time: number; value: number; level: number }[]>();
  const recent: { time: number; value: number; residual: number | null }[] = [];
  const score = (time: number, value: number): SeasonalScore | null => {
    while (recent.length && recent[0]!.time <= time - g.cycleMs) recent.shift();
    const past = bySlot.get(g.slotOf(time)) ?? [];
    while (past.length && past[0]!.time < time - g.cycles * g.cycleMs) past.shift();
    if (recent.length < minSamples || past.length < minSamples) return null;
    const level = medianOf(recent.map((r) => r.value));
    const ratio = mode === 'ratio' || (mode === 'auto' && level > 0 && past.every((p) => p.level > 0));
    const units = past.map((p) => (ratio ? p.value / p.level : p.value - p.level));
    const center = medianOf(units);
    const expected = ratio ? level * center : level + center;
    const unit = ratio ? level : 1;
    const residuals = recent.flatMap((r) => (r.residual === null ? [] : [r.residual]));
    const pooled = residuals.length >= minSamples ? 1.4826 * madOf(residuals) : 0;
    const scale = Math.max(1.4826 * madOf(units, center) * unit, pooled * unit, opts.minScale ?? 0, (opts.minScaleRel ?? 0.02) * Math.abs(expected), 1e-9);
    // the jump: this residual against the one an hour (a step) before, over the spread of such changes
    const prev = recent.at(-1);
    let jump = 0;
    if (prev && prev.residual !== null && time - prev.time <= g.slotMs) {
      const diffs: number[] = [];
      for (let i = 1; i < recent.length; i++) {
        const a = recent[i - 1]!, b = recent[i]!;
        if (a.residual !== null && b.residual !== null && b.time - a.time <= g.slotMs) diffs.push(b.residual - a.residual);
      }
      if (diffs.length >= minSamples) {
        const jumpScale = Math.max(1.4826 * madOf(diffs), (opts.minScale ?? 0) / unit, (opts.minScaleRel ?? 0.02) * Math.abs(center), 1e-9);
        jump = ((value - expected) / unit - prev.residual) / jumpScale;
      }
    }
    return { score: (value - expected) / scale, jump, expected, level, scale, samples: past.length, ratio };
  };
  return {
    score: (time: number, value: number) => score(time, value),
    step(time: number, value: number | null): (SeasonalScore & { anomaly: boolean }) | null {
      if (value === null || !Number.isFinite(value)) return null;
      const s = score(time, value);
      const anomaly = !!s && (Math.abs(s.score) >= threshold || (Math.abs(s.jump) >= jumpThreshold && Math.abs(s.score) >= jumpScore));
      // an anomalous value is kept clipped to the threshold, so that it does not drag the slot, the
      // level and the spread after it (a lasting change still comes through, clip by clip)
      const kept = anomaly ? s.expected + Math.sign(s.score) * threshold * s.scale : value;
      const slot = g.slotOf(time);
      const level = recent.length ? medianOf(recent.map((r) => r.value)) : kept;
      (bySlot.get(slot) ?? bySlot.set(slot, []).get(slot)!).push({ time, value: kept, level });
      // residuals are kept in the slot's units (a fraction of the level in ratio mode)
      recent.push({ time, value: kept, residual: s ? (kept - s.expected) / (s.ratio ? s.level || 1 : 1) : null });
      return s && { ...s, anomaly };
    },
  };
}

/**
 * The robust score of a point against the history before it (in time order), as the seasonal
 * detector gives it; null when the point is missing or its slot has too few earlier values.
 */
export function seasonalScore(history: Point[], point: Point, opts: SeasonalOptions = {}): SeasonalScore | null {
  if (point.value === null || !Number.isFinite(point.value)) return null;
  const d = seasonalDetector(opts);
  for (const p of history) if (p.time < point.time) d.step(p.time, p.value);
  return d.score(point.time, point.value);
}

/** A stuck sensor: flags a point when it and the `minRun − 1` observed values before it lie within `tolerance` of each other. */
export function flatlineDetector(opts: { minRun?: number; tolerance?: number } = {}) {
  const minRun = opts.minRun ?? 6;
  const tolerance = opts.tolerance ?? 0;
  const last: number[] = [];
  return {
    step(value: number | null): boolean {
      if (value === null || !Number.isFinite(value)) return false;
      last.push(value);
      if (last.length > minRun) last.shift();
      return last.length === minRun && Math.max(...last) - Math.min(...last) <= tolerance;
    },
  };
}

export interface Interval {
  start: number;
  end: number;
}

/** Flagged times grouped into events: flags no more than `maxGapMs` apart belong to one event. */
export function toEvents(flagged: number[], maxGapMs: number): Interval[] {
  const out: Interval[] = [];
  for (const t of [...flagged].sort((a, b) => a - b)) {
    const e = out.at(-1);
    if (e && t - e.end <= maxGapMs) e.end = t;
    else out.push({ start: t, end: t });
  }
  return out;
}

export interface PrecisionRecall {
  precision: number;
  recall: number;
  /** Detected events that meet a label (true positives), and those that meet none. */
  truePositives: number;
  falsePositives: number;
  /** Labels that no detected event meets. */
  missed: number;
}

/**
 * Event-level precision and recall: a detected event is right when it overlaps a labelled anomaly
 * widened by `toleranceMs` on each side; a label is found when some detected event overlaps it so.
 */
export function precisionRecall(detected: Interval[], labels: Interval[], toleranceMs: number): PrecisionRecall {
  const meets = (d: Interval, l: Interval) => d.start <= l.end + toleranceMs && d.end >= l.start - toleranceMs;
  const tp = detected.filter((d) => labels.some((l) => meets(d, l))).length;
  const found = labels.filter((l) => detected.some((d) => meets(d, l))).length;
  return {
    precision: detected.length ? tp / detected.length : 1,
    recall: labels.length ? found / labels.length : 1,
    truePositives: tp,
    falsePositives: detected.length - tp,
    missed: labels.length - found,
  };
}

export interface DetectedEvent extends Interval {
  /** Which detectors flagged points of the event. */
  by: ('seasonal' | 'flatline')[];
  /** The largest |score| of the seasonal detector within the event. */
  maxScore: number;
}

/**
 * Both detectors over one series in time order (missing values as NaN or null), flagged points
 * grouped into events (flags at most `mergeGapMs` apart, default 3 hours, are one event).
 */
export function detectAnomalies(
  times: ArrayLike<number>,
  values: ArrayLike<number | null>,
  opts: { seasonal?: SeasonalOptions & { threshold?: number; jumpThreshold?: number; jumpScore?: number }; flatline?: { minRun?: number; tolerance?: number } | false; mergeGapMs?: number } = {},
): DetectedEvent[] {
  const seasonal = seasonalDetector(opts.seasonal);
  const flat = opts.flatline === false ? null : flatlineDetector(opts.flatline);
  const flags: { time: number; by: 'seasonal' | 'flatline'; score: number }[] = [];
  for (let i = 0; i < times.length; i++) {
    const s = seasonal.step(times[i]!, values[i]!);
    if (s?.anomaly) flags.push({ time: times[i]!, by: 'seasonal', score: Math.abs(s.score) });
    if (flat?.step(values[i]!)) flags.push({ time: times[i]!, by: 'flatline', score: 0 });
  }
  const events = toEvents(flags.map((f) => f.time), opts.mergeGapMs ?? 3 * 3_600_000);
  return events.map((e) => {
    const inside = flags.filter((f) => f.time >= e.start && f.time <= e.end);
    return { ...e, by: [...new Set(inside.map((f) => f.by))], maxScore: Math.max(0, ...inside.map((f) => f.score)) };
  });
}
