// 运行监测 (一网统管): indicators, their series, alert rules with back-tests, the alert centre.
import { api } from './api.ts';

export const GRAINS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max', 'count_distinct'] as const;
export const LEVELS = ['info', 'warning', 'critical'] as const;
export const CONDITION_KINDS = ['threshold', 'rate', 'seasonal', 'forecast'] as const;
export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;
export type Level = (typeof LEVELS)[number];
export type AlertState = (typeof ALERT_STATES)[number];
/** Element Plus tag type per level: 提示 grey-blue, 预警 orange, 告警 red. */
export const LEVEL_TAG: Record<Level, 'info' | 'warning' | 'danger'> = { info: 'info', warning: 'warning', critical: 'danger' };

export type IndicatorQuery =
  | { mode: 'builder'; dataset: string; time: string; measure?: string | null; agg: string; dimensions?: string[]; grain: string; where?: string | null }
  | { mode: 'sql'; sql: string; dimensions?: string[] };

export interface Indicator {
  id: string; code: string; name: string; department: { id: string; code: string; name: string }; dataset: string; description: string; unit: string; cycle: string;
  query: IndicatorQuery; dimensions: string[]; trigger: 'manual' | 'schedule' | 'arrival'; schedule: string | null; watches: string[];
  refreshedAt: string | null; refreshSeconds: number | null; points: number | null; lastError: string | null;
}
export interface IndicatorInput { code: string; name: string; description?: string; unit?: string; query: IndicatorQuery; trigger: string; schedule?: string | null }
export interface SeriesPoint { t: string; value: number | null; [dimension: string]: unknown }
export interface Series { indicator: string; unit: string; dimensions: string[]; points: SeriesPoint[]; truncated: boolean }

export type Condition =
  | { kind: 'threshold'; op: '>' | '>=' | '<' | '<='; limit: number; forMinutes?: number; clearLimit?: number; clearForMinutes?: number }
  | { kind: 'rate'; windowMinutes: number; maxChange?: number; maxPct?: number }
  | { kind: 'seasonal'; threshold?: number }
  | { kind: 'forecast'; op?: '>' | '<'; limit: number; withinSteps: number };

export interface AlertRule {
  id: string; code: string; name: string; indicator: string; indicatorName: string; departmentId: string; level: Level; condition: Condition;
  responsibleDepartmentId: string | null; workOrder: boolean; escalateMinutes: number | null; enabled: boolean;
}
export interface AlertRuleInput { code: string; name: string; indicator: string; level: Level; condition: Condition; responsibleDepartmentId?: string | null; workOrder?: boolean; escalateMinutes?: number | null }
export interface Backtest { indicator: string; total: number; series: { series: Record<string, string | null>; points: number; fired: number; firstTimes: string[] }[] }

export interface Alert {
  id: string; rule: string; ruleName: string; indicator: string; series: Record<string, string | null>; level: Level; state: AlertState; silenced: boolean;
  startedAt: string; value: number | null; lastValue: number | null; lastSeenAt: string | null; message: string;
  acknowledgedAt: string | null; acknowledgedBy: string | null; resolvedAt: string | null; escalatedAt: string | null; workOrderId: string | null;
}

const enc = encodeURIComponent;
export const monitorApi = {
  indicators: (q?: string) => api.get<Indicator[]>('/indicators', { q: q?.trim() || undefined }),
  indicator: (code: string) => api.get<Indicator>(`/indicators/${enc(code)}`),
  createIndicator: (input: IndicatorInput) => api.post<Indicator>('/indicators', input),
  refresh: (code: string) => api.post<Indicator>(`/indicators/${enc(code)}/refresh`, {}),
  series: (code: string, q: { from?: string; where?: Record<string, string>; limit?: number } = {}) =>
    api.get<Series>(`/indicators/${enc(code)}/series`, { from: q.from, limit: q.limit, where: q.where && Object.keys(q.where).length ? JSON.stringify(q.where) : undefined }),
  rules: () => api.get<AlertRule[]>('/alert-rules'),
  createRule: (input: AlertRuleInput) => api.post<AlertRule>('/alert-rules', input),
  backtest: (input: { indicator: string; condition: Condition; from?: string }) => api.post<Backtest>('/alert-rules/backtest', input),
  evaluate: (code: string) => api.post<{ raised: number; resolved: number; firing: number }>(`/alert-rules/${enc(code)}/evaluate`, {}),
  alerts: (q: { state?: AlertState; level?: Level } = {}) => api.get<Alert[]>('/alerts', { ...q, limit: 200 }),
  acknowledge: (id: string) => api.post<void>(`/alerts/${enc(id)}/acknowledge`, {}),
  silence: (input: { rule?: string | null; series?: Record<string, string>; startsAt: string; endsAt: string; reason: string }) => api.post<{ id: string }>('/alert-silences', input),
};

/** "闸口水位站" for a series {station: 闸口水位站}; "—" for the one series of an indicator without dimensions. */
export const seriesLabel = (s: Record<string, unknown>) => Object.values(s).filter((v) => v !== null && v !== undefined && v !== '').join(' · ') || '—';
