// 驾驶舱: the shapes the dashboard API answers, the calls the console makes, and how a widget's data
// is read — always by the viewer's own session, through the same guarded APIs (an indicator's series,
// the case figures, the alert centre), so a dashboard shared with someone never shows them more than
// they may read: a widget whose source is closed to them says so.
import { api, ApiError } from './api.ts';
import type { Role } from './session.ts';

export const WIDGET_TYPES = ['kpi', 'line', 'bar', 'pie', 'gauge', 'heat', 'table', 'ranking', 'map'] as const;
export type WidgetType = typeof WIDGET_TYPES[number];
export const SOURCE_KINDS = ['indicator', 'cases', 'hotspots', 'alerts'] as const;
export type SourceKind = typeof SOURCE_KINDS[number];
export const WIDGET_SOURCES: Record<WidgetType, readonly SourceKind[]> = {
  kpi: ['indicator', 'cases', 'alerts'], line: ['indicator', 'cases'], bar: ['indicator', 'cases'], pie: ['indicator', 'cases'], gauge: ['indicator', 'cases'],
  heat: ['indicator'], table: ['indicator', 'cases', 'alerts'], ranking: ['indicator', 'cases'], map: ['hotspots', 'indicator', 'cases'],
};
export const INDICATOR_AGGS = ['last', 'sum', 'avg', 'max', 'min', 'count'] as const;
export type IndicatorAgg = typeof INDICATOR_AGGS[number];
export const CASE_DIMENSIONS = ['month', 'district', 'grid', 'topCategory', 'category', 'department', 'channel'] as const;
export type CaseDimension = typeof CASE_DIMENSIONS[number];
export const CASE_METRICS = ['cases', 'dispatched', 'closed', 'overdue', 'responseRate', 'resolutionRate', 'satisfactionRate', 'overdueRate', 'returnRate'] as const;
export type CaseMetric = typeof CASE_METRICS[number];
export const RANGES = ['1h', '24h', '7d', '30d', '90d', '365d', 'all'] as const;
export type Range = typeof RANGES[number];
export const MAP_LEVELS = ['district', 'grid', 'china'] as const;
export const MAP_MODES = ['choropleth', 'points', 'heat'] as const;
export const SHARE_ROLES: Role[] = ['admin', 'officer', 'analyst', 'handler'];
export const GRID_COLUMNS = 24;
/** The rows of the builder's grid, in pixels. */
export const ROW_HEIGHT = 30;

export interface WidgetSource {
  kind: SourceKind;
  indicator?: string; agg?: IndicatorAgg; dimension?: string | null; where?: Record<string, string>;
  by?: CaseDimension; metric?: CaseMetric; state?: 'firing' | 'acknowledged' | 'resolved' | null;
}
export interface WidgetConfig {
  source: WidgetSource;
  range?: Range | null;
  thresholds?: { value: number; color: string }[];
  color?: string | null;
  map?: { level: typeof MAP_LEVELS[number]; mode: typeof MAP_MODES[number] };
  heat?: { mode: 'hour' | 'calendar' };
  limit?: number; min?: number; max?: number; unit?: string;
}
export interface Widget { id: string; type: WidgetType; title: string; x: number; y: number; w: number; h: number; config: WidgetConfig }
export interface Filters { range?: Range | null; district?: string | null }
export interface Shared { departments: string[]; roles: Role[]; all: boolean }
export interface Dashboard {
  id: string; code: string; name: string; description: string; department: { id: string; code: string; name: string };
  layout: Widget[]; filters: Filters; refreshSeconds: number; shared: Shared; createdBy: string | null; createdAt: string; updatedAt: string;
  mine: boolean; canEdit: boolean;
}
export interface DashboardInput { code?: string; name: string; description?: string; departmentId?: string; layout: Widget[]; filters: Filters; refreshSeconds: number }
export interface IndicatorInfo { code: string; name: string; unit: string; dimensions: string[]; department: { id: string; name: string }; refreshedAt: string | null }

export const dashboardApi = {
  list: () => api.get<Dashboard[]>('/dashboards'),
  get: (code: string) => api.get<Dashboard>(`/dashboards/${encodeURIComponent(code)}`),
  create: (d: DashboardInput) => api.post<Dashboard>('/dashboards', d, { quiet: true }),
  update: (code: string, d: DashboardInput) => api.put<Dashboard>(`/dashboards/${encodeURIComponent(code)}`, d, { quiet: true }),
  remove: (code: string) => api.del(`/dashboards/${encodeURIComponent(code)}`),
  share: (code: string, s: Shared) => api.put<Dashboard>(`/dashboards/${encodeURIComponent(code)}/share`, s),
  indicators: () => api.get<IndicatorInfo[]>('/indicators', {}, { quiet: true }).catch(() => [] as IndicatorInfo[]),
};

/** A new widget of a type, with the source and size that suit it. */
export function newWidget(type: WidgetType, at: { x: number; y: number }, id: string, indicator?: string): Widget {
  const size: Record<WidgetType, [number, number]> = { kpi: [6, 4], line: [12, 8], bar: [12, 8], pie: [8, 8], gauge: [6, 7], heat: [12, 8], table: [12, 8], ranking: [8, 8], map: [12, 12] };
  const [w, h] = size[type];
  const source: WidgetSource = type === 'map' ? { kind: 'hotspots' }
    : type === 'heat' || (indicator && type !== 'table') ? { kind: 'indicator', indicator: indicator ?? '', agg: type === 'kpi' || type === 'gauge' ? 'last' : 'avg' }
      : type === 'kpi' || type === 'gauge' ? { kind: 'cases', by: 'month', metric: type === 'gauge' ? 'satisfactionRate' : 'cases' }
        : { kind: 'cases', by: type === 'line' ? 'month' : 'topCategory', metric: 'cases' };
  const config: WidgetConfig = { source, range: null };
  if (type === 'map') config.map = { level: 'district', mode: 'choropleth' };
  if (type === 'heat') config.heat = { mode: 'hour' };
  if (type === 'gauge' && source.kind === 'indicator') config.max = 100;
  if (type === 'ranking' || type === 'table') config.limit = 10;
  return { id, type, title: '', x: Math.min(at.x, GRID_COLUMNS - w), y: at.y, w, h, config };
}

const HOUR = 3_600_000;
const SPAN: Record<Range, number | null> = { '1h': HOUR, '24h': 24 * HOUR, '7d': 168 * HOUR, '30d': 720 * HOUR, '90d': 2160 * HOUR, '365d': 8760 * HOUR, all: null };

/** What the viewer is looking at: the dashboard's filters and the drill-down. */
export interface Scope { range: Range | null; district: { code: string; name: string } | null }

/** The period a widget reads: the dashboard's range when it names one, the widget's own otherwise. */
export function period(w: Widget, scope: Scope, now = Date.now()): { from?: string; to?: string } {
  const r = scope.range ?? w.config.range ?? null;
  const span = r ? SPAN[r] : null;
  return span ? { from: new Date(now - span).toISOString() } : {};
}

export interface Point { t: string; value: number | null; [dim: string]: unknown }
export interface Series { indicator: string; unit: string; dimensions: string[]; points: Point[]; truncated: boolean }
export interface RateRow { key: string | null; name: string; [metric: string]: unknown }
export interface Rates { by: CaseDimension; rows: RateRow[]; total: RateRow }
export interface Hotspots { grid: { code: string; name: string; n: number }[]; district: { code: string; name: string; n: number }[]; points: { lng: number; lat: number; code: string; title: string }[] }
export interface AlertItem { id: string; rule: string; ruleName?: string; indicator?: string; level: string; state: string; series: Record<string, string>; value: number | null; startedAt: string; message: string }

export type WidgetData =
  | { kind: 'indicator'; series: Series }
  | { kind: 'cases'; rates: Rates }
  | { kind: 'hotspots'; hot: Hotspots }
  | { kind: 'alerts'; alerts: AlertItem[] };

/** Why a widget shows no data: the viewer may not read its source, or it failed. */
export type WidgetState = { state: 'ok'; data: WidgetData } | { state: 'denied' } | { state: 'failed'; message: string };

/** Read a widget's data as the viewer. 403/404 from the source: 'denied' (无权查看), never a broken dashboard. */
export async function loadWidget(w: Widget, scope: Scope): Promise<WidgetState> {
  const s = w.config.source;
  const p = period(w, scope);
  const district = scope.district?.code;
  try {
    if (s.kind === 'indicator') {
      if (!s.indicator) return { state: 'failed', message: '' };
      const where = s.where && Object.keys(s.where).length ? JSON.stringify(s.where) : undefined;
      const series = await api.get<Series>(`/indicators/${encodeURIComponent(s.indicator)}/series`, { ...p, where, limit: 20_000 }, { quiet: true });
      return { state: 'ok', data: { kind: 'indicator', series: inDistrict(series, s.dimension ?? null, scope.district) } };
    }
    if (s.kind === 'cases') return { state: 'ok', data: { kind: 'cases', rates: await api.get<Rates>('/cases/stats', { by: s.by ?? 'month', ...p, district }, { quiet: true }) } };
    if (s.kind === 'hotspots') return { state: 'ok', data: { kind: 'hotspots', hot: await api.get<Hotspots>('/cases/stats/hotspots', { ...p, district, points: w.config.map?.mode === 'choropleth' ? 0 : 3000 }, { quiet: true }) } };
    const alerts = await api.get<AlertItem[]>('/alerts', { state: s.state ?? undefined, limit: 200 }, { quiet: true });
    return { state: 'ok', data: { kind: 'alerts', alerts } };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return { state: 'denied' };
    return { state: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}

/** A district filter narrows an indicator whose grouping dimension holds districts (by name or code); others are city-wide. */
function inDistrict(series: Series, dim: string | null, district: Scope['district']): Series {
  if (!district) return series;
  const d = dim ?? series.dimensions.find((x) => series.points.some((p) => p[x] === district.code || p[x] === district.name));
  if (!d || !series.points.some((p) => p[d] === district.code || p[d] === district.name)) return series;
  return { ...series, points: series.points.filter((p) => p[d] === district.code || p[d] === district.name) };
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));

export function aggregate(values: (number | null)[], agg: IndicatorAgg): number | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (agg === 'count') return xs.length;
  if (!xs.length) return null;
  switch (agg) {
    case 'sum': return xs.reduce((a, b) => a + b, 0);
    case 'avg': return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'max': return Math.max(...xs);
    case 'min': return Math.min(...xs);
    default: return xs.at(-1) ?? null;
  }
}

const tOf = (p: Point) => new Date(String(p.t)).getTime();

/** One number for a KPI or gauge: the latest time's value (several series: their mean), or the aggregation over the period. */
export function indicatorValue(series: Series, agg: IndicatorAgg): number | null {
  const pts = series.points;
  if (!pts.length) return agg === 'count' ? 0 : null;
  if (agg === 'last') {
    const last = Math.max(...pts.map(tOf));
    return aggregate(pts.filter((p) => tOf(p) === last).map((p) => num(p.value)), 'avg');
  }
  return aggregate(pts.map((p) => num(p.value)), agg);
}

/** The points grouped by a dimension's values, each group aggregated (the latest value per group for 'last'). */
export function byDimension(series: Series, dim: string, agg: IndicatorAgg): { name: string; value: number }[] {
  const groups = new Map<string, Point[]>();
  for (const p of series.points) {
    const k = p[dim] === null || p[dim] === undefined ? '—' : String(p[dim]);
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(p);
  }
  return [...groups].map(([name, pts]) => {
    const sorted = [...pts].sort((a, b) => tOf(a) - tOf(b));
    return { name, value: aggregate(sorted.map((p) => num(p.value)), agg) ?? 0 };
  });
}

/** Time series per value of a dimension (one series without one): [time ms, value] pairs. */
export function timeSeries(series: Series, dim: string | null | undefined): { name: string; data: [number, number | null][] }[] {
  const groups = new Map<string, [number, number | null][]>();
  for (const p of [...series.points].sort((a, b) => tOf(a) - tOf(b))) {
    const k = dim ? String(p[dim] ?? '—') : series.indicator;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push([tOf(p), num(p.value)]);
  }
  return [...groups].map(([name, data]) => ({ name, data }));
}

/** weekday (0 = Monday) × hour of day, the mean value of each cell (times as shown in Asia/Shanghai). */
export function hourGrid(series: Series): [number, number, number][] {
  const cells = new Map<string, number[]>();
  for (const p of series.points) {
    const v = num(p.value);
    if (v === null) continue;
    const d = new Date(tOf(p) + 8 * HOUR);
    const k = `${(d.getUTCDay() + 6) % 7}:${d.getUTCHours()}`;
    (cells.get(k) ?? cells.set(k, []).get(k)!).push(v);
  }
  return [...cells].map(([k, xs]) => {
    const [day, hour] = k.split(':').map(Number);
    return [hour!, day!, Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100];
  });
}

/** The value of each day (Asia/Shanghai), aggregated. */
export function dayValues(series: Series, agg: IndicatorAgg): [string, number][] {
  const days = new Map<string, (number | null)[]>();
  for (const p of series.points) {
    const day = new Date(tOf(p) + 8 * HOUR).toISOString().slice(0, 10);
    (days.get(day) ?? days.set(day, []).get(day)!).push(num(p.value));
  }
  return [...days].sort().map(([d, xs]) => [d, Math.round((aggregate(xs, agg === 'last' ? 'avg' : agg) ?? 0) * 100) / 100]);
}

export const isRate = (m: CaseMetric | undefined) => !!m && m.endsWith('Rate');
/** A case figure as a number (rates in percent). */
export const caseValue = (row: RateRow | undefined, m: CaseMetric | undefined): number | null => {
  const v = num(row?.[m ?? 'cases']);
  return v === null ? null : isRate(m) ? Math.round(v * 1000) / 10 : v;
};

/** The colour of a value under the thresholds (the highest one it reaches), or the fallback. */
export function thresholdColor(v: number | null, thresholds: WidgetConfig['thresholds'], fallback: string): string {
  if (v === null || !thresholds?.length) return fallback;
  let c = fallback;
  for (const th of [...thresholds].sort((a, b) => a.value - b.value)) if (v >= th.value) c = th.color;
  return c;
}

export function fmtValue(v: number | null, unit = ''): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const s = Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('zh-CN') : String(Math.round(v * 100) / 100);
  return unit ? `${s} ${unit}` : s;
}
