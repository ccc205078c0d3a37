// Connectors (数据源): shapes of the sources API and helpers shared by its pages.
import { ref } from 'vue';
import { Cron } from 'croner';
import { fmtTime } from './format.ts';

export type SourceKind = 'mysql' | 'postgres' | 'mqtt';
export const SOURCE_KINDS: SourceKind[] = ['mysql', 'postgres', 'mqtt'];
export const DEFAULT_PORT: Record<SourceKind, number> = { mysql: 3306, postgres: 5432, mqtt: 1883 };
export type SyncMode = 'full' | 'incremental';

/** Settings of every kind in one object, as the API takes them (which apply depends on the kind). */
export interface SourceSettings {
  host?: string; port?: number; user?: string; database?: string; ssl?: boolean;
  table?: string | null; query?: string | null; mapping?: Record<string, string | null>;
  mode?: SyncMode; cursorColumn?: string | null; batchRows?: number; refreshSchedule?: string | null; splitColumn?: string | null; parallel?: number; throttleRowsPerSecond?: number;
  url?: string; username?: string | null; topics?: string[]; clientId?: string; topicTemplate?: string | null; batchSeconds?: number; batchMessages?: number;
  protocolVersion?: 4 | 5;
}
export interface SourceState { cursor?: string | null; segment?: number; topics?: string[]; lastVersion?: number; lastSyncAt?: string }
export interface Source {
  id: string; name: string; kind: SourceKind; datasetId: string; datasetCode: string; departmentId: string;
  settings: SourceSettings; hasPassword: boolean; schedule: string | null; enabled: boolean; state: SourceState;
  createdBy: string | null; createdAt: string; updatedAt: string;
}
export type RunStatus = 'running' | 'succeeded' | 'failed';
export interface RunProgress { stage: string; rows: number; rowsPerSecond?: number; at: string }
export interface SourceRun {
  id: string; sourceId: string; trigger: string; mode: SyncMode | null; status: RunStatus; startedAt: string; finishedAt: string | null; durationMs: number | null;
  rowsRead: number; rowsAccepted: number; rowsRejected: number; versions: number; jobIds: string[];
  cursorFrom: string | null; cursorTo: string | null; progress: RunProgress | null; attempts: number; error: string | null;
}
export interface TestResult { ok: boolean; columns?: string[]; ms: number; error?: string }
export interface SensorTemplate { fields: { name: string; title: string; type: string; required?: boolean; sensitivity: string }[]; primaryKey: string[] }
export interface Notice {
  id: string; kind: string; title: string; body: string; objectType: string | null; objectId: string | null; count: number;
  createdAt: string; updatedAt: string; readAt: string | null;
}
export interface NoticePage { items: Notice[]; total: number; unread: number; limit: number; offset: number }

export const RUN_TAG: Record<RunStatus, 'primary' | 'success' | 'danger'> = { running: 'primary', succeeded: 'success', failed: 'danger' };

/** Schedules run in Beijing time on the server. */
export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';
export const CRON_PRESETS: Record<string, string> = { every15: '*/15 * * * *', hourly: '0 * * * *', daily2: '0 2 * * *', weekday8: '0 8 * * 1-5' };

/** The next `n` times a cron expression fires (Beijing time), or null when it is not valid. */
export function cronNext(expr: string, n = 3): string[] | null {
  const e = expr.trim();
  if (!e) return [];
  try {
    const c = new Cron(e, { paused: true, timezone: SCHEDULE_TIMEZONE });
    const runs = c.nextRuns(n);
    c.stop();
    return runs.map((d) => fmtTime(d.toISOString()).slice(0, 16));
  } catch {
    return null;
  }
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** Bumped when a run ends here: a failing run raises a notice, so the bell looks again. */
export const runsEnded = ref(0);
