/**
 * City-operations monitoring in the demo city (一网统管): three sensor streams — air quality (生态环境局
 * HB: PM2.5 hourly at six stations), water levels (水利局 SL: four gauges on the river and canals) and
 * traffic flow (交通运输局 JT: vehicles per hour on five road sections) — a year of hourly readings
 * each, up to the hour of the load, made by the labelled generator `syntheticSensorSeries`
 * (deterministic by seed) with its planted anomalies (spikes, temporary level shifts, stuck
 * readings) and gaps; and, on one PM2.5 station and one gauge, an episode in the last hours that is
 * still going on when the city is loaded (so the alert centre has live alerts). The labels are kept
 * as truth in `truth/monitor.json` under the demo's output directory and returned.
 *
 * Each stream is written through the ingest pipeline as its department, one file and one version per
 * dataset. Indicators over them (PM2.5 average per station and hour, highest water level per gauge
 * and hour, traffic per section and hour, refreshed when readings arrive) and, as cases live in the
 * control plane and not in the lake, one over 城管's case dataset CG_SRAJ (cases per type and day).
 * Alert rules: PM2.5 above 150 for two hours (预警), the water level over its warning line with a
 * clear line below it (告警, a work order to 水利局, escalated after 30 minutes), traffic off its own
 * weekly pattern (提示). The threshold rules are evaluated once. Idempotent: loaded again, nothing is added.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { alertRules, indicators, syntheticSensorSeries, type AlertRuleInput, type IndicatorInput, type LabelledAnomaly } from '../apps/monitor/index.ts';
import { catalogReview, datasetAdmin, datasetByCode } from '../catalog/index.ts';
import { SENSOR_DATASET } from '../connectors/index.ts';
import { departments } from '../identity/index.ts';
import { ingestFile } from '../ingest/index.ts';
import { type Caller, type Ctx, SYSTEM } from '../kernel/index.ts';
import { CITY } from './city.ts';

const HOUR = 3_600_000;
/** A year of hourly readings per station. */
export const DEMO_SENSOR_HOURS = 24 * 365;

export interface DemoStation { device: string; name: string }
export interface DemoStream {
  dataset: string; name: string; description: string; department: string; metric: string; unit: string;
  /** The generator's level (the readings are divided by `scale`), and the noise as a share of it. */
  base: number; scale: number; noise: number;
  stations: DemoStation[];
  /** The live episode planted at the end: its length in hours and its level. */
  live?: { hours: number; value: number };
}

export const DEMO_STREAMS: DemoStream[] = [
  {
    dataset: 'HB_AQ_PM25', name: '空气质量监测（PM2.5 小时值）', department: 'HB', metric: 'pm25', unit: 'μg/m³', base: 62, scale: 1, noise: 0.05,
    description: '全市空气质量自动监测站的 PM2.5 小时浓度（物联网传感器实时上报）。',
    stations: ['湖滨', '西溪', '滨江', '下沙', '临平', '城北'].map((n, i) => ({ device: `HB-AQ-${String(i + 1).padStart(2, '0')}`, name: `${n}监测站` })),
    live: { hours: 4, value: 168 },
  },
  {
    dataset: 'SL_WATER_LEVEL', name: '河道水位监测', department: 'SL', metric: 'water_level', unit: 'm', base: 300, scale: 100, noise: 0.05,
    description: '主要江河、运河水位站的小时水位（潮位，物联网传感器实时上报）。',
    stations: ['闸口', '七堡', '仓前', '三堡'].map((n, i) => ({ device: `SL-SW-${String(i + 1).padStart(2, '0')}`, name: `${n}水位站` })),
    live: { hours: 3, value: 6.35 },
  },
  {
    dataset: 'JT_TRAFFIC_FLOW', name: '路段交通流量', department: 'JT', metric: 'traffic_flow', unit: '辆/小时', base: 1500, scale: 1, noise: 0.05,
    description: '主要道路断面线圈检测器的小时车流量。',
    stations: ['延安路（庆春路—凤起路）', '解放路（建国路—延安路）', '文三路（学院路—教工路）', '天目山路（古墩路—紫金港路）', '秋涛路（艮山路—庆春路）']
      .map((n, i) => ({ device: `JT-LD-${String(i + 1).padStart(2, '0')}`, name: n })),
  },
];

/** The warning line and clear line of the demo's water gauges (m). */
export const DEMO_WATER_LIMIT = { limit: 6, clearLimit: 5.7 };

export interface DemoSensorSeries {
  dataset: string; device: string; station: string; seed: number;
  times: number[];
  /** Readings in the stream's unit; NaN where none arrived. */
  values: Float64Array;
  labels: LabelledAnomaly[];
}

/** The first hour of a year of readings ending with the hour before `now`. */
export const demoSensorStart = (now: number) => Math.floor(now / HOUR) * HOUR - DEMO_SENSOR_HOURS * HOUR;

/**
 * The demo's sensor series exactly as the demo writes them (for the benchmark too): a year of hourly
 * readings per station ending with the hour before `now`, seeded by the demo's seed and the station,
 * with the live episode planted on the first station of a stream whose last two days are free.
 */
export function demoSensorSeries(seed: number, now: number): DemoSensorSeries[] {
  const start = demoSensorStart(now);
  const out: DemoSensorSeries[] = [];
  DEMO_STREAMS.forEach((stream, si) => {
    let planted = !stream.live;
    stream.stations.forEach((st, k) => {
      const s = syntheticSensorSeries({ seed: seed * 1000 + si * 100 + k + 1, start, hours: DEMO_SENSOR_HOURS, base: stream.base, noise: stream.noise });
      const values = s.values.map((v) => (Number.isFinite(v) ? Math.round((v / stream.scale) * 1000) / 1000 : NaN));
      const labels = [...s.labels];
      const n = values.length;
      if (!planted && stream.live && labels.every((l) => l.end < s.times[n - 49]!)) {
        // an episode still going on: the last hours at the live level (not an exact repeat, so not a stuck reading)
        for (let i = n - stream.live.hours; i < n; i++) values[i] = Math.round(stream.live.value * (1 + 0.01 * (i - n + stream.live.hours)) * 1000) / 1000;
        labels.push({ kind: 'level-shift', start: s.times[n - stream.live.hours]!, end: s.times[n - 1]!, size: 0 });
        planted = true;
      }
      out.push({ dataset: stream.dataset, device: st.device, station: st.name, seed: seed * 1000 + si * 100 + k + 1, times: s.times, values, labels });
    });
  });
  return out;
}

export const DEMO_INDICATORS: (IndicatorInput & { department: string })[] = [
  {
    department: 'HB', code: 'AQ_PM25_HOURLY', name: 'PM2.5 小时均值（分站点）', unit: 'μg/m³', cycle: 'realtime', trigger: 'arrival', keywords: ['空气质量', 'PM2.5'],
    description: '各空气质量监测站 PM2.5 浓度的小时平均值。',
    query: { mode: 'builder', dataset: 'HB_AQ_PM25', time: 'time', measure: 'value', agg: 'avg', dimensions: ['station'], grain: 'hour' },
  },
  {
    department: 'SL', code: 'WATER_LEVEL_MAX', name: '水位小时最高值（分站点）', unit: 'm', cycle: 'realtime', trigger: 'arrival', keywords: ['水位', '防汛'],
    description: '各水位站每小时的最高水位。',
    query: { mode: 'builder', dataset: 'SL_WATER_LEVEL', time: 'time', measure: 'value', agg: 'max', dimensions: ['station'], grain: 'hour' },
  },
  {
    department: 'JT', code: 'TRAFFIC_FLOW', name: '路段小时车流量', unit: '辆', cycle: 'realtime', trigger: 'arrival', keywords: ['交通', '车流量'],
    description: '各检测路段每小时通过的车辆数。',
    query: { mode: 'builder', dataset: 'JT_TRAFFIC_FLOW', time: 'time', measure: 'value', agg: 'sum', dimensions: ['station'], grain: 'hour' },
  },
  {
    department: 'CG', code: 'CG_CASES_DAILY', name: '市容环境案件日上报量（分类型）', unit: '件', cycle: 'daily', trigger: 'arrival', keywords: ['城市管理', '案件'],
    description: '城管市容环境案件（CG_SRAJ）按案件类型的每日上报量。',
    query: { mode: 'builder', dataset: 'CG_SRAJ', time: 'sbrq', agg: 'count', dimensions: ['ajlx'], grain: 'day' },
  },
];

export const DEMO_ALERT_RULES: (AlertRuleInput & { department: string; responsible?: string })[] = [
  { department: 'HB', code: 'AQ_PM25_HIGH', name: 'PM2.5 持续超标', indicator: 'AQ_PM25_HOURLY', level: 'warning', condition: { kind: 'threshold', op: '>', limit: 150, forMinutes: 120 } },
  {
    department: 'SL', responsible: 'SL', code: 'WATER_LEVEL_WARN', name: '水位超警戒', indicator: 'WATER_LEVEL_MAX', level: 'critical', workOrder: true, escalateMinutes: 30,
    condition: { kind: 'threshold', op: '>', limit: DEMO_WATER_LIMIT.limit, clearLimit: DEMO_WATER_LIMIT.clearLimit },
  },
  { department: 'JT', code: 'TRAFFIC_ANOMALY', name: '车流量异常', indicator: 'TRAFFIC_FLOW', level: 'info', condition: { kind: 'seasonal' } },
];

export interface DemoMonitorResult {
  datasets: string[]; indicators: string[]; rules: string[]; readings: number; labels: number;
  /** Where the labels were written (`truth/monitor.json` under the demo's output directory). */
  truthFile: string; seconds: number;
}

const stamp = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

/** The demo's sensors, indicators and alert rules (see the file's comment). */
export async function demoMonitor(ctx: Ctx, opts: { seed?: number; now?: Date; outDir: string; officers: Map<string, Caller>; ensureUser: (u: { username: string; displayName: string; role: Caller['role']; departmentId: string | null }) => Promise<Caller> }): Promise<DemoMonitorResult> {
  const t0 = performance.now();
  const seed = opts.seed ?? 42;
  // 水利局 is not among the generated departments: made here (as the case centre is)
  if (!opts.officers.has('SL')) {
    const sl = (await departments.byCode(ctx, 'SL')) ?? (await departments.create(ctx, SYSTEM, { code: 'SL', name: `${CITY.name}水利局`, nameEn: 'Water Resources Bureau', regionCode: CITY.regionCode }));
    opts.officers.set('SL', await opts.ensureUser({ username: 'officer_sl', displayName: '水利局数据专员', role: 'officer', departmentId: sl.id }));
  }
  const truthFile = path.join(opts.outDir, 'truth', 'monitor.json');
  const series = demoSensorSeries(seed, (opts.now ?? new Date()).getTime());
  const geo = await ctx.db.query<{ code: string; district: string; lng: number; lat: number }>(
    `SELECT g.code, d.name AS district, g.center_lng AS lng, g.center_lat AS lat FROM geo_areas g JOIN geo_areas d ON d.code = substr(g.code, 1, 6) AND d.level = 'district' WHERE g.level = 'grid' ORDER BY g.code`);
  // each station in a unit grid cell, spread over the city
  const place = (n: number) => (geo.length ? geo[(n * 7919) % geo.length]! : null);
  let readings = 0;
  const written: string[] = [];
  await mkdir(path.join(opts.outDir, 'sensors'), { recursive: true });
  for (const stream of DEMO_STREAMS) {
    const officer = opts.officers.get(stream.department);
    if (!officer?.departmentId) continue;
    if (!(await datasetByCode(ctx.db, stream.dataset))) {
      await datasetAdmin.create(ctx, SYSTEM, {
        code: stream.dataset, name: stream.name, description: stream.description, departmentId: officer.departmentId, layer: 'raw', primaryKey: SENSOR_DATASET.primaryKey,
        updateCycle: 'realtime', shareType: 'unconditional', openType: 'none', theme: '城市运行', category: 'department', keywords: ['传感器', '物联网', '城市运行', stream.name],
        resourceFormat: 'database', shareMethod: 'api', shareCondition: null, openCondition: null,
        contact: { name: `${stream.department} 数据专员`, phone: `${CITY.phoneAreaCode}-12345`, email: `data-${stream.department.toLowerCase()}@${CITY.domain}` },
        fields: [
          ...SENSOR_DATASET.fields.map((f) => ({ ...f, sensitivity: 'L1' as const })),
          { name: 'station', title: '站点', type: 'string', sensitivity: 'L1' },
          { name: 'district', title: '所在区县', type: 'string', sensitivity: 'L1' },
          { name: 'grid_code', title: '单元网格', type: 'string', sensitivity: 'L1' },
          { name: 'lng', title: '经度', type: 'number', sensitivity: 'L1' },
          { name: 'lat', title: '纬度', type: 'number', sensitivity: 'L1' },
        ],
      } as never);
      await catalogReview.submit(ctx, SYSTEM, stream.dataset, { quiet: true });
      await catalogReview.publish(ctx, SYSTEM, stream.dataset, { quiet: true });
    }
    const ds = await datasetByCode(ctx.db, stream.dataset);
    if (ds?.currentVersion) continue; // loaded before: the readings stay as they are
    // one file, one version: a year of every station's readings
    const lines = ['device,metric,value,time,payload,station,district,grid_code,lng,lat'];
    for (const s of series.filter((x) => x.dataset === stream.dataset)) {
      const at = place(s.seed);
      const tail = `${s.station},${at?.district ?? ''},${at?.code ?? ''},${at?.lng ?? ''},${at?.lat ?? ''}`;
      for (let i = 0; i < s.times.length; i++) if (Number.isFinite(s.values[i]!)) lines.push(`${s.device},${stream.metric},${s.values[i]},${stamp(s.times[i]!)},,${tail}`);
    }
    const file = path.join(opts.outDir, 'sensors', `${stream.dataset}.csv`);
    await writeFile(file, lines.join('\n') + '\n');
    const job = await ingestFile(ctx, officer, { datasetCode: stream.dataset, file, sourceName: path.basename(file), origin: 'demo', mode: 'replace', format: 'csv', encoding: 'utf-8', staged: true });
    if (job.status !== 'succeeded') ctx.log.warn({ dataset: stream.dataset, status: job.status, error: job.error }, 'demo monitor: readings not loaded');
    readings += job.accepted;
    written.push(stream.dataset);
  }
  const truth = {
    generator: 'syntheticSensorSeries', seed, hours: DEMO_SENSOR_HOURS, start: new Date(series[0]!.times[0]!).toISOString(), toleranceHours: 3,
    streams: DEMO_STREAMS.map((s) => ({ dataset: s.dataset, metric: s.metric, unit: s.unit, department: s.department })),
    series: series.map((s) => ({ dataset: s.dataset, device: s.device, station: s.station, seed: s.seed, labels: s.labels.map((l) => ({ kind: l.kind, start: new Date(l.start).toISOString(), end: new Date(l.end).toISOString(), size: l.size })) })),
  };
  // the labels of the readings written now (a second load keeps the readings, and the truth, of the first)
  if (written.length) {
    await mkdir(path.dirname(truthFile), { recursive: true });
    await writeFile(truthFile, JSON.stringify(truth, null, 1));
  }

  const made: string[] = [];
  for (const input of DEMO_INDICATORS) {
    const officer = opts.officers.get(input.department);
    if (!officer?.departmentId || !(await datasetByCode(ctx.db, input.query.mode === 'builder' ? input.query.dataset : ''))?.currentVersion) continue;
    if (await ctx.db.one(`SELECT 1 FROM indicators WHERE code = $1`, [input.code])) continue;
    const { department: _d, ...body } = input;
    try {
      await indicators.create(ctx, officer, body);
      made.push(input.code);
    } catch (err) {
      ctx.log.warn({ err, indicator: input.code }, 'demo monitor: indicator not made');
    }
  }
  const rules: string[] = [];
  for (const input of DEMO_ALERT_RULES) {
    const officer = opts.officers.get(input.department);
    if (!officer?.departmentId || !(await ctx.db.one(`SELECT 1 FROM indicators WHERE code = $1`, [input.indicator]))) continue;
    if (await ctx.db.one(`SELECT 1 FROM alert_rules WHERE code = $1`, [input.code])) continue;
    const { department: _d, responsible, ...body } = input;
    try {
      await alertRules.create(ctx, officer, { ...body, responsibleDepartmentId: responsible ? opts.officers.get(responsible)?.departmentId ?? null : null });
      // thresholds evaluated once: the episodes going on now are alerts in the alert centre (the
      // seasonal rule is judged when the next readings arrive)
      if (input.condition.kind === 'threshold') await alertRules.evaluate(ctx, input.code);
      rules.push(input.code);
    } catch (err) {
      ctx.log.warn({ err, rule: input.code }, 'demo monitor: alert rule not made');
    }
  }
  return {
    datasets: written, indicators: made, rules, readings, labels: series.reduce((n, s) => n + s.labels.length, 0),
    truthFile, seconds: (performance.now() - t0) / 1000,
  };
}
