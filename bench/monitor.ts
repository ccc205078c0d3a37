/**
 * City-operations monitoring benchmark. Each section is one function returning its key=value figures;
 * the run prints what each section measured, then all figures, one key=value line each.
 *
 *   npm run bench -- monitor [--section forecast|anomaly|anomaly_demo|refresh|latency] [--file PM25.csv] [--test-from YEAR] [--seeds 5]
 *     [--seed 42] [--refresh-rows 10000000] [--pushes 30]
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
 * recall with a 3-hour tolerance (anomaly_*_synthetic).
 *
 * anomaly_demo — the same detectors on the demo city's fifteen sensor series, made exactly as the demo
 * makes them (demoSensorSeries, seed 42 or --seed, a year up to this hour), scored against the labels
 * the demo keeps in truth/monitor.json → anomaly_precision, anomaly_recall.
 *
 * refresh — a sensor dataset of 10M readings (--refresh-rows; 20 stations, one a minute) written into
 * the lake, an indicator "average per station and hour" over it refreshed through the service (the
 * guarded read, the series kept as a version) → indicator_refresh_seconds (median of three); the peer:
 * the same GROUP BY on PostgreSQL over the same rows loaded with COPY.
 *
 * latency — a platform with the monitor triggers running (arrival poll GOVHUB_RULE_POLL_MS, push
 * coalescing GOVHUB_PUSH_BATCH_MS), an `arrival` indicator over a small sensor dataset and a threshold
 * rule; readings above the limit pushed through the push service (--pushes, default 30), each for a
 * new station: from the push accepted to the alert row visible → alert_latency_p50_ms / _p95_ms.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { fitForecaster, inferGrid, timeFromParts } from '../src/apps/monitor/forecast/index.ts';
import { detectAnomalies, precisionRecall, syntheticSensorSeries, type LabelledAnomaly } from '../src/apps/monitor/anomaly/index.ts';
import { alertRules, indicators, startMonitorTriggers } from '../src/apps/monitor/index.ts';
import { catalogReview, datasetAdmin } from '../src/catalog/index.ts';
import { pushRecords, SENSOR_DATASET } from '../src/connectors/index.ts';
import { demoSensorSeries } from '../src/demo/monitor.ts';
import { departments, ensureAdmin, users } from '../src/identity/index.ts';
import { type Caller, loadConfig, SYSTEM } from '../src/kernel/index.ts';
import { openPlatform, type Platform } from '../src/platform.ts';
import { arg, runSections, type Section, pgCopy, printTable, ratio, timed, withPostgres } from './_peers.ts';
import os from 'node:os';
import pino from 'pino';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pm25File = () => arg('--file') ?? process.env.GOVHUB_MONITOR_DATA ?? path.resolve(ROOT, '..', 'shared', 'data', 'monitor', 'beijing_pm25_2010_2013.csv');

type Log = (s: string) => void;

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

/** Event-level scoring of the detectors over labelled series: totals, recall by kind, and each series' precision and recall. */
function scoreDetectors(series: { times: ArrayLike<number>; values: ArrayLike<number | null>; labels: LabelledAnomaly[] }[], tolerance: number) {
  let tp = 0, detected = 0, found = 0, labels = 0;
  const byKind = new Map<LabelledAnomaly['kind'], [number, number]>();
  const each = series.map((s) => {
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
    return { events: events.length, pr };
  });
  return { precision: detected ? tp / detected : 1, recall: found / labels, labels, byKind, each };
}

/** Precision and recall of the detectors on synthetic labelled series. */
export async function anomalySection(log: Log): Promise<Record<string, number> | null> {
  const seeds = Number(arg('--seeds') ?? 5);
  const tolerance = 3 * 3_600_000;
  const t0 = performance.now();
  const series = Array.from({ length: seeds }, (_, i) => syntheticSensorSeries({ seed: i + 1 }));
  const points = series.reduce((n, x) => n + x.times.length, 0);
  const sc = scoreDetectors(series, tolerance);
  const rows = sc.each.map((e, i) => [String(i + 1), String(series[i]!.labels.length), String(e.events), String(e.pr.truePositives), String(e.pr.falsePositives), String(e.pr.missed), e.pr.precision.toFixed(3), e.pr.recall.toFixed(3)]);
  const seconds = (performance.now() - t0) / 1000;
  log(`anomaly: SYNTHETIC labelled series (syntheticSensorSeries, seeds 1..${seeds}): a year of hourly readings each; seasonal score |z| ≥ 4.5 (or a jump ≥ 5 with |z| ≥ 3) + stuck readings (6 equal); event-level, tolerance 3 h`);
  printTable(log, ['seed', 'labels', 'events', 'true', 'false', 'missed', 'precision', 'recall'], rows);
  log(`anomaly: recall by kind — ${[...sc.byKind].map(([k, [f, n]]) => `${k} ${f}/${n}`).join(', ')}; ${points} points in ${seconds.toFixed(2)} s`);
  return {
    anomaly_precision_synthetic: r3(sc.precision),
    anomaly_recall_synthetic: r3(sc.recall),
    anomaly_synthetic_labels: sc.labels,
    anomaly_points_per_second: Math.round(points / seconds),
  };
}

/** Precision and recall of the detectors on the demo city's sensor series and their labels. */
export async function anomalyDemoSection(log: Log): Promise<Record<string, number> | null> {
  const seed = Number(arg('--seed') ?? 42);
  const tolerance = 3 * 3_600_000;
  const series = demoSensorSeries(seed, Date.now());
  const sc = scoreDetectors(series, tolerance);
  const rows = sc.each.map((e, i) => {
    const s = series[i]!;
    return [s.dataset, s.station, String(s.labels.length), String(e.events), String(e.pr.truePositives), String(e.pr.falsePositives), String(e.pr.missed), e.pr.precision.toFixed(3), e.pr.recall.toFixed(3)];
  });
  log(`anomaly_demo: the demo city's ${series.length} sensor series (seed ${seed}, a year of hourly readings up to this hour, as demoMonitor writes them) against their labels; event-level, tolerance 3 h`);
  printTable(log, ['dataset', 'station', 'labels', 'events', 'true', 'false', 'missed', 'precision', 'recall'], rows);
  log(`anomaly_demo: recall by kind — ${[...sc.byKind].map(([k, [f, n]]) => `${k} ${f}/${n}`).join(', ')}`);
  return { anomaly_precision: r3(sc.precision), anomaly_recall: r3(sc.recall), anomaly_demo_labels: sc.labels };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((q / 100) * s.length) - 1)]!; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A platform of its own in a temp directory, with a department, its officer and a published sensor dataset. */
async function benchPlatform(prefix: string, dataset: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755); // the PostgreSQL server may read the CSV from here
  const config = loadConfig({ dataDir: path.join(dir, 'data'), adminPassword: 'bench-pass-2026', secretKey: 'bench-monitor-key' }, {});
  const p = await openPlatform(config, { log: pino({ level: 'silent' }) });
  const close = async () => {
    await p.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ensureAdmin(p);
    const dept = await departments.create(p, SYSTEM, { code: 'HB', name: '生态环境局', regionCode: '330100' });
    const u = await users.create(p, SYSTEM, { username: 'officer_hb', displayName: '生态环境局专员', password: 'officer-pass-2026', role: 'officer', departmentId: dept.id });
    const officer: Caller = { id: u.id, username: 'officer_hb', displayName: '生态环境局专员', role: 'officer', departmentId: dept.id };
    const ds = await datasetAdmin.create(p, SYSTEM, {
      code: dataset, name: '空气质量监测', departmentId: dept.id, layer: 'raw', primaryKey: SENSOR_DATASET.primaryKey, updateCycle: 'realtime', shareType: 'unconditional', openType: 'none',
      fields: SENSOR_DATASET.fields,
    } as never);
    await catalogReview.submit(p, SYSTEM, dataset, { quiet: true });
    await catalogReview.publish(p, SYSTEM, dataset, { quiet: true });
    return { dir, p: p as Platform, officer, datasetId: ds.id as string, close };
  } catch (err) {
    await close();
    throw err;
  }
}

const STATIONS = 20;
/** Readings of STATIONS stations, one a minute each from 2025-01-01, deterministic. */
const readingsSql = (rows: number) => `SELECT 'S' || lpad(CAST(i % ${STATIONS} AS VARCHAR), 3, '0') AS device, 'pm25' AS metric,
  round(60 + 25 * sin(i / ${STATIONS}.0 / 720.0 * pi()) + (hash(i) % 2000) / 100.0, 1)::DOUBLE AS value,
  TIMESTAMP '2025-01-01 00:00:00' + to_minutes(CAST(i // ${STATIONS} AS BIGINT)) AS time, CAST(NULL AS VARCHAR) AS payload
  FROM range(${rows}) t(i)`;

/** An hourly indicator over a 10M-row sensor dataset, refreshed; the same GROUP BY on PostgreSQL. */
export async function refreshSection(log: Log): Promise<Record<string, number> | null> {
  const rows = Number(arg('--refresh-rows') ?? 10_000_000);
  const { dir, p, officer, datasetId, close } = await benchPlatform('govhub-bench-monitor-', 'AQ_BIG');
  try {
    const w = await timed(() => p.lake.write({ datasetId, mode: 'replace', from: { sql: readingsSql(rows) } }));
    log(`refresh: ${w.out.rowCount.toLocaleString('en')} readings (${STATIONS} stations, one a minute) written as one lake version in ${(w.ms / 1000).toFixed(1)} s (not timed below); ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`);
    const create = await timed(() => indicators.create(p, officer, {
      code: 'AQ_BIG_HOURLY', name: 'PM2.5 小时均值', unit: 'μg/m³', trigger: 'arrival',
      query: { mode: 'builder', dataset: 'AQ_BIG', time: 'time', measure: 'value', agg: 'avg', dimensions: ['device'], grain: 'hour' },
    }));
    const times: number[] = [];
    let points = 0;
    for (let k = 0; k < 3; k++) {
      const r = await timed(() => indicators.refresh(p, officer, 'AQ_BIG_HOURLY'));
      times.push(r.ms);
      points = r.out.points ?? 0;
    }
    const ours = median(times) / 1000;
    log(`refresh: indicator defined (first computation) in ${(create.ms / 1000).toFixed(2)} s; refreshes ${times.map((x) => (x / 1000).toFixed(2)).join(' / ')} s → ${points.toLocaleString('en')} points (hour × station) kept as a version of IND_AQ_BIG_HOURLY`);
    const figures: Record<string, number> = { indicator_refresh_seconds: r3(ours), indicator_refresh_rows: rows, indicator_refresh_points: points };
    await withPostgres(undefined, 'bench_monitor', log, async (client, schema, url) => {
      const csv = path.join(dir, 'readings.csv');
      await p.lake.session('bench', (run) => run.run('export', `COPY (${readingsSql(rows)}) TO '${csv.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`));
      fs.chmodSync(csv, 0o644);
      const load = await timed(async () => {
        await client.query(`CREATE TABLE readings (device text, metric text, value double precision, time timestamp, payload text)`);
        const how = await pgCopy(client, url, schema, 'readings', csv);
        await client.query(`VACUUM ANALYZE readings`);
        return how;
      });
      const sql = `SELECT date_trunc('hour', time) AS t, device, avg(value) AS value FROM readings WHERE time IS NOT NULL GROUP BY 1, 2 ORDER BY 1`;
      const pgTimes: number[] = [];
      let pgRows = 0;
      for (let k = 0; k < 3; k++) {
        const r = await timed(() => client.query(sql));
        pgTimes.push(r.ms);
        pgRows = r.out.rowCount ?? 0;
      }
      const ver = (await client.query(`SHOW server_version`)).rows[0].server_version as string;
      const peer = median(pgTimes) / 1000;
      log(`refresh peer: PostgreSQL ${ver}, ${rows.toLocaleString('en')} rows loaded in ${(load.ms / 1000).toFixed(1)} s (${load.out}); the same GROUP BY, rows returned to the client: ${pgTimes.map((x) => (x / 1000).toFixed(2)).join(' / ')} s → ${pgRows.toLocaleString('en')} rows`);
      printTable(log, [`indicator over ${rows.toLocaleString('en')} readings`, 'seconds'], [['govhub refresh (guarded read, series kept as a version)', ours.toFixed(2)], [`PostgreSQL ${ver.split(' ')[0]} GROUP BY`, peer.toFixed(2)]]);
      figures.postgres_groupby_seconds = r3(peer);
      figures.indicator_refresh_ratio_vs_postgres = ratio(ours, peer) ?? 0;
    });
    return figures;
  } finally {
    await close();
  }
}

/** From a reading pushed above the limit to the alert row: the arrival trigger, the refresh, the rule. */
export async function latencySection(log: Log): Promise<Record<string, number> | null> {
  const pushes = Number(arg('--pushes') ?? 30);
  const { p, officer, close } = await benchPlatform('govhub-bench-monitor-latency-', 'AQ_LIVE');
  const triggers = startMonitorTriggers(p);
  try {
    const base = Date.UTC(2026, 0, 1);
    const minute = 60_000;
    // a day of readings below the limit for five stations, then the indicator and the rule
    const history = Array.from({ length: 5 * 24 * 60 }, (_, i) => ({ device: `S${i % 5}`, metric: 'pm25', value: 40 + (i % 7), time: new Date(base + Math.floor(i / 5) * minute).toISOString() }));
    await pushRecords(p, officer, 'AQ_LIVE', { records: history });
    await indicators.create(p, officer, { code: 'AQ_LIVE_MIN', name: 'PM2.5 分钟值', trigger: 'arrival', query: { mode: 'builder', dataset: 'AQ_LIVE', time: 'time', measure: 'value', agg: 'max', dimensions: ['device'], grain: 'minute' } });
    await alertRules.create(p, officer, { code: 'AQ_LIVE_HIGH', name: 'PM2.5 超限', indicator: 'AQ_LIVE_MIN', level: 'warning', condition: { kind: 'threshold', op: '>', limit: 150 } });
    await sleep(2500); // the arrival feed has passed the history
    const total: number[] = [];
    const pushMs: number[] = [];
    const at = base + 24 * 60 * minute;
    for (let k = 0; k < pushes; k++) {
      await sleep((k * 379) % 1000); // pushes fall at different points of the poll cycle
      const device = `N${k}`;
      const t0 = performance.now();
      const r = await pushRecords(p, officer, 'AQ_LIVE', { records: [{ device, metric: 'pm25', value: 180 + k, time: new Date(at + k * minute).toISOString() }] });
      const accepted = performance.now();
      if (r.result.status !== 'accepted') throw new Error(`push ${k}: ${JSON.stringify(r.result)}`);
      for (;;) {
        const a = await p.db.one(`SELECT 1 FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE r.code = 'AQ_LIVE_HIGH' AND a.series->>'device' = $1`, [device]);
        if (a) break;
        if (performance.now() - accepted > 30_000) throw new Error(`push ${k}: no alert after 30 s`);
        await sleep(10);
      }
      total.push(performance.now() - accepted);
      pushMs.push(accepted - t0);
    }
    const st = (xs: number[]) => [median(xs), pct(xs, 95), Math.max(...xs)].map((x) => String(Math.round(x)));
    printTable(log, [`${pushes} readings above the limit, each a new station; poll every ${process.env.GOVHUB_RULE_POLL_MS ?? 1000} ms, push window ${process.env.GOVHUB_PUSH_BATCH_MS ?? 200} ms`, 'p50 ms', 'p95 ms', 'max ms'], [
      ['push accepted → alert row (the figure)', ...st(total)],
      ['  push call (coalescing window, ingest, commit)', ...st(pushMs)],
    ]);
    return { alert_latency_p50_ms: Math.round(median(total)), alert_latency_p95_ms: Math.round(pct(total, 95)), alert_push_p50_ms: Math.round(median(pushMs)) };
  } finally {
    await triggers.stop();
    await close();
  }
}

/** The sections, in the order they run; add a section by adding an entry. */
export const SECTIONS: Section[] = [
  { key: 'forecast', run: forecastSection },
  { key: 'anomaly', run: anomalySection },
  { key: 'anomaly_demo', run: anomalyDemoSection },
  { key: 'refresh', run: refreshSection },
  { key: 'latency', run: latencySection },
];

/** Run the sections (or the one named), then print one key=value line per figure. */
export const monitorBench = (log: Log, only?: string) => runSections(SECTIONS, log, only);

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await monitorBench((s) => console.log(s), arg('--section'));
}
