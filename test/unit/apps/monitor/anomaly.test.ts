/**
 * Alert rules and detectors on hand-made series: thresholds with "for" and hysteresis fire and
 * resolve at exactly the points they should (flapping included), rate of change, the seasonal score,
 * stuck readings, forecast breach, and precision / recall against labels.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  detectAnomalies, flatlineDetector, forecastBreach, precisionRecall, rateOfChange, runThreshold, seasonalDetector,
  seasonalScore, syntheticSensorSeries, thresholdMachine, toEvents, type Point,
} from '../../../../src/apps/monitor/anomaly/index.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 6) - 8 * HOUR; // a Monday, 00:00 in Asia/Shanghai
/** Points one minute apart from T0. */
const perMinute = (values: (number | null)[]): Point[] => values.map((value, i) => ({ time: T0 + i * MIN, value }));
/** The events as [type, minute] pairs. */
const at = (events: { type: string; time: number }[]) => events.map((e) => [e.type, (e.time - T0) / MIN]);

test('threshold without for or hysteresis: fires at the first breach, resolves at the first normal value', () => {
  const ev = runThreshold({ op: '>', limit: 100 }, perMinute([90, 101, 120, 100, 99, 150]));
  assert.deepEqual(at(ev), [['firing', 1], ['resolved', 3], ['firing', 5]]);
});

test('threshold with for: fires only when the breach has held for the whole duration', () => {
  // breaches at 1–2 (2 minutes, too short), then from 4: held 3 minutes at 7
  const ev = runThreshold({ op: '>', limit: 100, forSeconds: 180 }, perMinute([90, 110, 110, 90, 110, 110, 110, 110, 110, 95]));
  assert.deepEqual(at(ev), [['firing', 7], ['resolved', 9]]);
  assert.equal(ev[0]!.since, T0 + 4 * MIN);
});

test('hysteresis: flapping around the limit fires once; it resolves only below the clear limit, after clearFor', () => {
  const values = [95, 105, 99, 104, 98, 101, 97, 96, 92, 89, 91, 88, 87, 86, 101];
  const ev = runThreshold({ op: '>', limit: 100, clearLimit: 90, clearForSeconds: 120 }, perMinute(values));
  // fires at 1; the dips to 99, 98, 97… are inside the band; ≤ 90 at 9 but 91 at 10 breaks it; ≤ 90 from 11, held 2 min at 13
  assert.deepEqual(at(ev), [['firing', 1], ['resolved', 13], ['firing', 14]]);
  // without hysteresis the same series flaps
  const flapping = runThreshold({ op: '>', limit: 100 }, perMinute(values));
  assert.equal(flapping.filter((e) => e.type === 'firing').length, 4);
});

test('below-limit rules, >= and <=, and missing points that neither resolve nor reset', () => {
  const low = runThreshold({ op: '<', limit: 10, clearLimit: 15 }, perMinute([20, 9, 12, null, 14, 15, 16]));
  assert.deepEqual(at(low), [['firing', 1], ['resolved', 5]]);
  const ge = runThreshold({ op: '>=', limit: 100, forSeconds: 120 }, perMinute([100, null, null, 100, 99]));
  assert.deepEqual(at(ge), [['firing', 3], ['resolved', 4]]);
  const le = runThreshold({ op: '<=', limit: 0 }, perMinute([1, 0, NaN, 1]));
  assert.deepEqual(at(le), [['firing', 1], ['resolved', 3]]);
  // a firing alert through a long gap of missing points stays firing
  const m = thresholdMachine({ op: '>', limit: 5 });
  m.step(T0, 6);
  for (let i = 1; i < 50; i++) assert.deepEqual(m.step(T0 + i * MIN, null), []);
  assert.equal(m.state, 'firing');
});

test('threshold rules refuse a clear limit on the wrong side and points out of order', () => {
  assert.throws(() => thresholdMachine({ op: '>', limit: 100, clearLimit: 110 }), /normal side/);
  assert.throws(() => thresholdMachine({ op: '<', limit: 10, clearLimit: 5 }), /normal side/);
  const m = thresholdMachine({ op: '>', limit: 1 });
  m.step(T0 + MIN, 0);
  assert.throws(() => m.step(T0, 0), /time order/);
});

test('rate of change: absolute and percent limits over a time window', () => {
  const r = rateOfChange({ windowSeconds: 600, maxChange: 30 });
  const pts = [100, 105, 110, 150, 150, 150].map((v, i) => r.step(T0 + i * 5 * MIN, v));
  assert.equal(pts[0], null);
  assert.deepEqual(pts.slice(1).map((p) => p!.breach), [false, false, true, true, false]);
  assert.equal(pts[3]!.change, 45); // 150 against 105, ten minutes before
  const pct = rateOfChange({ windowSeconds: 3600, maxPct: 50 });
  pct.step(T0, 40);
  assert.equal(pct.step(T0 + 30 * MIN, 59)!.breach, false);
  assert.equal(pct.step(T0 + 40 * MIN, 61)!.breach, true);
  assert.equal(pct.step(T0 + 50 * MIN, null), null);
  assert.throws(() => rateOfChange({ windowSeconds: 60 }), /maxChange or maxPct/);
});

/** Hourly readings for some weeks: a strong evening peak, and noise (sd 3) from a fixed seed. */
function dailySeries(weeks: number) {
  let s = 12345;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const pts: Point[] = [];
  for (let i = 0; i < weeks * 168; i++) {
    const hour = i % 24;
    const peak = hour >= 17 && hour <= 19 ? 300 : 0;
    const noise = 3 * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    pts.push({ time: T0 + i * HOUR, value: Math.round((100 + peak + noise) * 10) / 10 });
  }
  return pts;
}

test('seasonal score flags a planted spike and not the normal daily peak', () => {
  const pts = dailySeries(6);
  const peak = pts.at(-6)!; // 18:00 on the last day: the daily peak, 4× the night level
  assert.equal(new Date(peak.time + 8 * HOUR).getUTCHours(), 18);
  const peakScore = seasonalScore(pts.slice(0, -6), peak)!;
  assert.ok(Math.abs(peakScore.score) < 3, `peak scored ${peakScore.score}`);
  assert.ok(Math.abs(peakScore.expected - peak.value!) < 15);
  // a spike of 150 at 03:00, far below the peak's height
  const night = pts.at(-21)!;
  const spike = { time: night.time, value: night.value! + 150 };
  const s = seasonalScore(pts.slice(0, -21), spike)!;
  assert.ok(s.score >= 4.5, `spike scored ${s.score}`);
  // a static limit would have to sit above the peak and miss the spike
  assert.ok(spike.value < peak.value!);
  assert.equal(seasonalScore(pts.slice(0, 10), spike), null, 'too little history: no score');
});

test('the detector over a series: planted spike, stuck readings and a level shift found, nothing else', () => {
  const pts = dailySeries(8);
  const start = 5 * 168;
  pts[start + 3]!.value! += 150; // spike
  for (let i = start + 60; i < start + 72; i++) pts[i]!.value = pts[start + 59]!.value; // stuck for 12 hours
  for (let i = start + 150; i < start + 170; i++) pts[i]!.value! -= 60; // level shift for 20 hours
  const events = detectAnomalies(pts.map((p) => p.time), pts.map((p) => p.value));
  const labels = [start + 3, start + 60, start + 150].map((i, k) => ({ start: pts[i]!.time, end: pts[[i, start + 71, start + 169][k]!]!.time }));
  const pr = precisionRecall(events, labels, 3 * HOUR);
  assert.equal(pr.recall, 1, JSON.stringify(events.map((e) => [(e.start - T0) / HOUR, e.by])));
  assert.equal(pr.precision, 1, JSON.stringify(events.map((e) => [(e.start - T0) / HOUR, e.by])));
  assert.ok(events.some((e) => e.by.includes('flatline')));
});

test('stuck readings, events and precision / recall', () => {
  const f = flatlineDetector({ minRun: 3 });
  assert.deepEqual([5, 5, 5, 5, 6, 6, null, 6].map((v) => f.step(v)), [false, false, true, true, false, false, false, true]);
  assert.deepEqual(toEvents([1, 2, 3, 10, 11, 30], 2), [{ start: 1, end: 3 }, { start: 10, end: 11 }, { start: 30, end: 30 }]);
  const pr = precisionRecall([{ start: 10, end: 12 }, { start: 50, end: 50 }, { start: 100, end: 101 }], [{ start: 13, end: 14 }, { start: 70, end: 80 }], 2);
  assert.deepEqual(pr, { precision: 1 / 3, recall: 0.5, truePositives: 1, falsePositives: 2, missed: 1 });
  assert.deepEqual(precisionRecall([], [], 0), { precision: 1, recall: 1, truePositives: 0, falsePositives: 0, missed: 0 });
});

test('forecast breach: a rising daily peak passes the limit at the next peak, not before', () => {
  const values = dailySeries(4).map((p) => p.value!);
  const n = values.length; // ends at 23:00: the next peak is 18 hours ahead
  const b = forecastBreach(values, { limit: 350, withinSteps: 24, periods: [24, 168], useBound: false })!;
  assert.ok(b, 'the peak at 17:00–19:00 passes 350');
  assert.equal(b.step, 18, `step ${b.step}`);
  assert.ok(b.forecast > 350);
  assert.equal(forecastBreach(values, { limit: 350, withinSteps: 12, periods: [24, 168] }), null);
  assert.equal(forecastBreach(values, { limit: 1000, withinSteps: 24, periods: [24, 168] }), null);
  const low = forecastBreach(values, { limit: 100, op: '<', withinSteps: 6, periods: [24, 168] });
  assert.ok(low && low.by === 'bound', 'night values about 100 ± 3: the lower bound passes below 100');
  assert.equal(n % 24, 0);
});

test('the synthetic labelled series is deterministic by seed and carries its labels', () => {
  const a = syntheticSensorSeries({ seed: 3, hours: 24 * 120 });
  const b = syntheticSensorSeries({ seed: 3, hours: 24 * 120 });
  assert.deepEqual(Array.from(a.values), Array.from(b.values));
  assert.notDeepEqual(Array.from(syntheticSensorSeries({ seed: 4, hours: 24 * 120 }).values), Array.from(a.values));
  assert.deepEqual(new Set(a.labels.map((l) => l.kind)), new Set(['spike', 'level-shift', 'stuck']));
  assert.ok(a.values.some((v) => Number.isNaN(v)), 'gaps of missing readings');
  const d = seasonalDetector();
  let flagged = 0;
  for (let i = 0; i < a.times.length; i++) if (d.step(a.times[i]!, a.values[i]!)?.anomaly) flagged++;
  assert.ok(flagged > 0 && flagged < 0.05 * a.times.length, `${flagged} flagged`);
});
