/**
 * City-operations monitoring benchmark. Each section is one function returning its key=value figures;
 * the run prints what each section measured, then all figures, one key=value line each.
 *
 *   npm run bench -- monitor [--section forecast|anomaly] [--file PM25.csv] [--test-from YEAR] [--seeds 5]
 *
 * forecast — the forecaster (src/apps/monitor/forecast) on the real hourly PM2.5 series of
 * <repo>/../shared/data/monitor/beijing_pm25_2010_2013.csv (or --file / GOVHUB_MONITOR_DATA): fitted
 * once on the years before the held-back one (by default the file's last year; the model is picked
 * by validation inside those years), then forecasts 1..24 hours ahead from rolling origins every 7
 * hours through the held-back year, each from the data up to its origin only. The peers, in the same
 * run and on the same origins: persistence (the last value) and seasonal naive (the same hour the day
 * before). Also the coverage of the 80% prediction intervals.
 *
 * anomaly — the detectors (src/apps/monitor/anomaly) on SYNTHETIC labelled series (syntheticSensorSeries,
 * seeds 1..N; the detectors' defaults were chosen on other seeds): a year of hourly readings each with
 * spikes, temporary level shifts and stuck readings planted at known times; event-level precision and
 * recall with a 3-hour tolerance. Until the demo city's sensors carry labelled anomalies of their own.
 *
 * indicator_refresh_seconds and alert_latency_p95_ms belong to the indicator and alert service: add
 * its sections to SECTIONS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { fitForecaster, inferGrid, timeFromParts } from '../src/apps/monitor/forecast/index.ts';
import { detectAnomalies, precisionRecall, syntheticSensorSeries, type AnomalyKind } from '../src/apps/monitor/anomaly/index.ts';
import { arg, printTable, ratio } from './_peers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pm25File = () => arg('--file') ?? process.env.GOVHUB_MONITOR_DATA ?? path.resolve(ROOT, '..', 'shared', 'data', 'monitor', 'beijing_pm25_2010_2013.csv');

type Log = (s: string) => void;
/** A section of the benchmark: its figures as key=value pairs, or null when its data is missing. */
export interface Section {
  key: string;
  run: (log: Log) => Promise<Record<string, number> | null>;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const HOURS = 24;

/** The PM2.5 file as a regular hourly series: times from year, month, day, hour; NA as NaN. */
export function readPm25(file: string): { times: number[]; values: Float64Array; years: number[] } {
  const rows = parse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const times = rows.map((r, i) => {
    const t = timeFromParts([r.year!, r.month!, r.day!, r.hour!]);
    if (t === null) throw new Error(`${file}: row ${i + 1} has no valid year, month, day, hour`);
    return t;
  });
  const grid = inferGrid(times);
  const values = new Float64Array(grid.length).fill(NaN);
  rows.forEach((r, i) => {
    const v = Number(r['pm2.5']);
    if (r['pm2.5'] !== 'NA' && r['pm2.5'] !== '' && Number.isFinite(v)) values[grid.position[i]!] = v;
  });
  const years = Array.from({ length: grid.length }, (_, i) => new Date(grid.start + i * grid.stepMs).getUTCFullYear());
  return { times: Array.from({ length: grid.length }, (_, i) => grid.start + i * grid.stepMs), values, years };
}

/** Forecasts on the held-back year against persistence and seasonal naive. */
export async function forecastSection(log: Log): Promise<Record<string, number> | null> {
  const file = pm25File();
  if (!fs.existsSync(file)) {
    log(`forecast: ${file} not found; skipped (give --file or set GOVHUB_MONITOR_DATA)`);
    return null;
  }
  const { values, years } = readPm25(file);
  const testYear = Number(arg('--test-from') ?? years.at(-1));
  const split = years.indexOf(testYear);
  if (split <= 0) throw new Error(`--test-from ${testYear}: the file has no earlier year to fit on`);
  log(`forecast: ${path.basename(file)}, ${values.length} hours; fit on ${years[0]}–${testYear - 1} (${split} hours), held back ${testYear}–${years.at(-1)} (${values.length - split} hours)`);

  const model = fitForecaster(values.subarray(0, split), { horizon: HOURS, periods: [24, 168], level: 0.8 });
  log(`forecast: picked ${model.method} (${model.transform}) by validation on the last quarter of the fitting years, fitted in ${model.fitSeconds.toFixed(2)} s`);
  printTable(log, ['candidate', 'validation MAE (fitting years)'], model.validation.map((v) => [v.method + (v.method === model.method ? ' ←' : ''), v.mae.toFixed(2)]));

  // origins every 7 hours through the held-back part (the hour of day varies), each with an observed value
  const origins: number[] = [];
  for (let t = split; t < values.length - 1; t += 7) if (!Number.isNaN(values[t]!)) origins.push(t);
  const t0 = performance.now();
  const forecasts = model.forecastFrom(values, origins, HOURS);
  const forecastMs = (performance.now() - t0) / origins.length;
  const sum = { ours: new Float64Array(HOURS), persistence: new Float64Array(HOURS), seasonal: new Float64Array(HOURS), n: new Float64Array(HOURS) };
  let covered = 0, counted = 0;
  origins.forEach((t, k) => {
    const f = forecasts[k]!;
    for (let h = 1; h <= HOURS && t + h < values.length; h++) {
      const v = values[t + h]!;
      if (Number.isNaN(v)) continue;
      // seasonal naive: the same hour the day before, or the last day before it that has a value
      let back = t + h - 24;
      while (back >= 0 && Number.isNaN(values[back]!)) back -= 24;
      sum.ours[h - 1]! += Math.abs(f.forecast[h - 1]! - v);
      sum.persistence[h - 1]! += Math.abs(values[t]! - v);
      sum.seasonal[h - 1]! += Math.abs((back >= 0 ? values[back]! : values[t]!) - v);
      sum.n[h - 1]!++;
      if (v >= f.lower[h - 1]! && v <= f.upper[h - 1]!) covered++;
      counted++;
    }
  });
  const mae = (s: Float64Array) => s.reduce((a, x) => a + x, 0) / sum.n.reduce((a, x) => a + x, 0);
  printTable(
    log,
    ['h', 'ours', 'persistence', 'seasonal naive', 'pairs'],
    [0, 1, 2, 3, 5, 8, 11, 15, 17, 20, 23].map((i) => [String(i + 1), (sum.ours[i]! / sum.n[i]!).toFixed(2), (sum.persistence[i]! / sum.n[i]!).toFixed(2), (sum.seasonal[i]! / sum.n[i]!).toFixed(2), String(sum.n[i])]),
  );
  const ours = mae(sum.ours), persistence = mae(sum.persistence), seasonal = mae(sum.seasonal);
  const best = Math.min(persistence, seasonal);
  log(`forecast: ${origins.length} origins × 1..${HOURS} h; MAE ours ${ours.toFixed(2)}, persistence ${persistence.toFixed(2)}, seasonal naive ${seasonal.toFixed(2)} μg/m³; ` +
    `ratio to the better naive ${(ours / best).toFixed(3)} (target ≤ 0.9); 80% intervals cover ${((100 * covered) / counted).toFixed(1)}%`);
  return {
    forecast_mae: r3(ours),
    persistence_mae: r3(persistence),
    seasonal_naive_mae: r3(seasonal),
    ratio_mae_vs_best_naive: r3(ours / best),
    forecast_interval80_coverage: r3(covered / counted),
    forecast_fit_seconds: r3(model.fitSeconds),
    forecast_ms_per_origin: r3(forecastMs),
    forecast_origins: origins.length,
  };
}

/** Precision and recall of the detectors on synthetic labelled series. */
export async function anomalySection(log: Log): Promise<Record<string, number> | null> {
  const seeds = Number(arg('--seeds') ?? 5);
  const tolerance = 3 * 3_600_000;
  let tp = 0, detected = 0, found = 0, labels = 0;
  const byKind = new Map<AnomalyKind, [number, number]>();
  const rows: string[][] = [];
  const t0 = performance.now();
  let points = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const s = syntheticSensorSeries({ seed });
    points += s.times.length;
    const events = detectAnomalies(s.times, s.values);
    const pr = precisionRecall(events, s.labels, tolerance);
    tp += pr.truePositives;
    detected += events.length;
    found += s.labels.length - pr.missed;
    labels += s.labels.length;
    for (const l of s.labels) {
      const k = byKind.get(l.kind) ?? byKind.set(l.kind, [0, 0]).get(l.kind)!;
      k[1]++;
      if (events.some((e) => e.start <= l.end + tolerance && e.end >= l.start - tolerance)) k[0]++;
    }
    rows.push([String(seed), String(s.labels.length), String(events.length), String(pr.truePositives), String(pr.falsePositives), String(pr.missed), pr.precision.toFixed(3), pr.recall.toFixed(3)]);
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`anomaly: SYNTHETIC labelled series (syntheticSensorSeries, seeds 1..${seeds}): a year of hourly readings each; seasonal score |z| ≥ 4.5 (or a jump ≥ 5 with |z| ≥ 3) + stuck readings (6 equal); event-level, tolerance 3 h`);
  printTable(log, ['seed', 'labels', 'events', 'true', 'false', 'missed', 'precision', 'recall'], rows);
  log(`anomaly: recall by kind — ${[...byKind].map(([k, [f, n]]) => `${k} ${f}/${n}`).join(', ')}; ${points} points in ${seconds.toFixed(2)} s`);
  return {
    anomaly_precision: r3(detected ? tp / detected : 1),
    anomaly_recall: r3(found / labels),
    anomaly_synthetic_labels: labels,
    anomaly_points_per_second: Math.round(points / seconds),
  };
}

/** The sections, in the order they run; add a section by adding an entry. */
export const SECTIONS: Section[] = [
  { key: 'forecast', run: forecastSection },
  { key: 'anomaly', run: anomalySection },
];

/** Run the sections (or the one named), then print one key=value line per figure. */
export async function monitorBench(log: Log, only?: string): Promise<Record<string, number>> {
  const chosen = SECTIONS.filter((s) => !only || s.key === only);
  if (!chosen.length) throw new Error(`unknown section "${only}"; sections: ${SECTIONS.map((s) => s.key).join(', ')}`);
  const figures: Record<string, number> = {};
  for (const s of chosen) Object.assign(figures, (await s.run(log)) ?? {});
  log('');
  for (const [key, v] of Object.entries(figures)) log(`${key}=${v}`);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await monitorBench((s) => console.log(s), arg('--section'));
}
