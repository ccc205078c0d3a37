/**
 * The forecaster on series made here: it recovers a known seasonal pattern, its intervals hold most
 * of the future of a noisy series, it takes missing values, and the grid refuses an irregular series.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitForecaster, formatTime, inferGrid, IrregularSeriesError, parseTime, seasonalPeriods, timeFromParts } from '../../../../src/apps/monitor/forecast/index.ts';

const DAY = 24;
/** A daily pattern with a quieter weekend, positive. */
const pattern = (i: number) => 50 + 30 * Math.sin((2 * Math.PI * i) / DAY) + (Math.floor(i / DAY) % 7 >= 5 ? -10 : 0);

/** Deterministic standard normal noise. */
function noise(seed: number) {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

test('recovers a known double-seasonal series: forecasts within 2% of the pattern', () => {
  const n = 24 * 7 * 10;
  const values = Float64Array.from({ length: n }, (_, i) => pattern(i));
  const m = fitForecaster(values, { horizon: 48, periods: [24, 168] });
  const f = m.forecast();
  assert.equal(f.forecast.length, 48);
  for (let h = 1; h <= 48; h++) {
    const want = pattern(n - 1 + h);
    assert.ok(Math.abs(f.forecast[h - 1]! - want) <= 0.02 * want, `h=${h}: ${f.forecast[h - 1]} vs ${want}`);
    assert.ok(f.lower[h - 1]! <= f.forecast[h - 1]! && f.forecast[h - 1]! <= f.upper[h - 1]!);
  }
  assert.ok(m.validation.length >= 3, 'candidates were compared on held-back origins');
});

test('80% intervals hold most of the future of a noisy series, and the forecast beats persistence there', () => {
  const rnd = noise(7);
  const n = 24 * 7 * 16;
  const values = new Float64Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    e = 0.7 * e + rnd();
    values[i] = Math.max(0, pattern(i) * Math.exp(0.1 * e));
  }
  const fit = 24 * 7 * 12;
  const m = fitForecaster(values.subarray(0, fit), { horizon: 24, periods: [24, 168], level: 0.8 });
  const origins: number[] = [];
  for (let t = fit; t < n - 24; t += 5) origins.push(t);
  let inside = 0, all = 0, ours = 0, persistence = 0;
  m.forecastFrom(values, origins, 24).forEach((f, k) => {
    const t = origins[k]!;
    for (let h = 1; h <= 24; h++) {
      const v = values[t + h]!;
      if (v >= f.lower[h - 1]! && v <= f.upper[h - 1]!) inside++;
      all++;
      ours += Math.abs(f.forecast[h - 1]! - v);
      persistence += Math.abs(values[t]! - v);
    }
  });
  const coverage = inside / all;
  assert.ok(coverage >= 0.7 && coverage <= 0.92, `coverage ${coverage}`);
  assert.ok(ours < 0.6 * persistence, `MAE ${ours / all} vs persistence ${persistence / all}`);
});

test('missing values are accepted, in the middle and at the end', () => {
  const n = 24 * 7 * 8;
  const values = Float64Array.from({ length: n }, (_, i) => pattern(i));
  for (let i = 300; i < 340; i++) values[i] = NaN;
  for (let i = 0; i < n; i += 13) values[i] = NaN;
  values[n - 1] = NaN;
  values[n - 2] = NaN;
  const m = fitForecaster(values, { horizon: 12, periods: [24, 168] });
  const f = m.forecast();
  for (let h = 1; h <= 12; h++) {
    assert.ok(Number.isFinite(f.forecast[h - 1]!), `h=${h}`);
    assert.ok(Math.abs(f.forecast[h - 1]! - pattern(n - 1 + h)) < 5, `h=${h}: ${f.forecast[h - 1]}`);
  }
});

test('a short series without seasonality still forecasts; bad options are refused', () => {
  const m = fitForecaster([3, 4, 5, 4, 3, 4, 5, 4, 3, 4], { horizon: 3 });
  assert.equal(m.forecast().forecast.length, 3);
  assert.throws(() => fitForecaster([1, 2, 3, 4, 5], { horizon: 0 }), RangeError);
  assert.throws(() => fitForecaster([1, NaN, NaN], { horizon: 2 }), /at least 4 values/);
  assert.throws(() => fitForecaster([1, 2, 3, 4, 5], { horizon: 2, level: 1.5 }), /level/);
});

test('the grid: step and periods inferred, gaps filled as missing, irregular series refused naming the row', () => {
  const h = 3_600_000;
  const t0 = Date.UTC(2024, 0, 1);
  const g = inferGrid([t0, t0 + h, t0 + 2 * h, t0 + 5 * h, t0 + 6 * h]);
  assert.equal(g.stepMs, h);
  assert.deepEqual(g.position, [0, 1, 2, 5, 6]);
  assert.equal(g.length, 7);
  assert.deepEqual(g.periods, [24, 168]);
  assert.deepEqual(seasonalPeriods(86_400_000), [7]);
  assert.deepEqual(seasonalPeriods(15 * 60_000), [96, 672]);
  assert.throws(() => inferGrid([t0, t0 + h, t0 + 2 * h, t0 + 2.5 * h, t0 + 3.5 * h]), (e: unknown) => e instanceof IrregularSeriesError && e.row === 3 && /row 4/.test(e.message));
  assert.throws(() => inferGrid([t0, t0 + h, t0 + h, t0 + 2 * h]), (e: unknown) => e instanceof IrregularSeriesError && e.row === 2 && /repeats/.test(e.message));
  assert.throws(() => inferGrid([t0, t0 + h, t0, t0 + 2 * h]), /goes back in time/);
});

test('times: parsed in the usual spellings and written back in the input style', () => {
  const a = parseTime('2024-03-01 08:00')!;
  assert.equal(a.ms, Date.UTC(2024, 2, 1, 8));
  assert.equal(formatTime(a.ms + 3_600_000, a.style), '2024-03-01 09:00');
  const b = parseTime('2024-03-01T08:00:00+08:00')!;
  assert.equal(b.ms, Date.UTC(2024, 2, 1, 0));
  assert.equal(formatTime(b.ms + 3_600_000, b.style), '2024-03-01T09:00:00+08:00');
  const c = parseTime('2024-03-01T23:00:00Z')!;
  assert.equal(formatTime(c.ms + 3_600_000, c.style), '2024-03-02T00:00:00Z');
  assert.equal(formatTime(parseTime('2024/03/01')!.ms + 86_400_000, parseTime('2024/03/01')!.style), '2024/03/02');
  assert.equal(parseTime('2024-02-30 10:00'), null);
  assert.equal(parseTime('yesterday'), null);
  assert.equal(timeFromParts(['2010', '1', '2', '23']), Date.UTC(2010, 0, 2, 23));
  assert.equal(timeFromParts(['2010', '13', '2', '0']), null);
});
