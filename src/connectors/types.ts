import type { ErrorLimit } from '../ingest/index.ts';

export type SourceKind = 'mysql' | 'postgres' | 'mqtt';
export const SOURCE_KINDS: SourceKind[] = ['mysql', 'postgres', 'mqtt'];
export type DbKind = Exclude<SourceKind, 'mqtt'>;

export type SyncMode = 'full' | 'incremental';

/** Retry of a failed run: attempts in all, waiting base · 2^n ms (capped, with jitter) in between. */
export interface RetrySettings {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** A department database (MySQL / MariaDB, PostgreSQL). The password is not here: it is kept encrypted. */
export interface DbSettings {
  host: string;
  port: number;
  user: string;
  database: string;
  /** TLS to the database server. */
  ssl?: boolean;
  /** Read a table (`schema.table` allowed) … */
  table?: string | null;
  /** … or the rows of one read-only query (a single SELECT or WITH). */
  query?: string | null;
  /** Source column → dataset field (null: leave the column out). Empty: match by name. */
  mapping?: Record<string, string | null>;
  mode: SyncMode;
  /** Increasing column (timestamp or id) that incremental sync follows. */
  cursorColumn?: string | null;
  /** Rows per committed version in incremental sync (the cursor advances after each). */
  batchRows?: number;
  /**
   * Incremental sources: cron of a full refresh (every row, one `replace` version), which removes
   * rows deleted at the source — an incremental read cannot see deletions — and moves the cursor
   * to the newest row read. Null: none (a full refresh can still be run by hand).
   */
  refreshSchedule?: string | null;
  /** Integer column to split a full sync into `parallel` ranges read at once. */
  splitColumn?: string | null;
  parallel?: number;
  /** Most rows read per second (0: no limit). */
  throttleRowsPerSecond?: number;
  retry?: RetrySettings;
  errorLimit?: ErrorLimit;
}

/** MQTT sensors: topic patterns into a time-series dataset (device, metric, value, time, payload). */
export interface MqttSettings {
  /** mqtt://host:port or mqtts://… */
  url: string;
  username?: string | null;
  /** Topic filters, `+` and `#` allowed. */
  topics: string[];
  /** Fixed client id: the broker keeps this session (and its queued messages) while govhub is away. */
  clientId?: string;
  /** e.g. `sensors/{device}/{metric}`: names taken from topic levels. */
  topicTemplate?: string | null;
  /** Write a batch every this many seconds … */
  batchSeconds?: number;
  /** … or when this many messages have arrived, whichever comes first. */
  batchMessages?: number;
  protocolVersion?: 4 | 5;
}

export type SourceSettings = DbSettings | MqttSettings;

/** A source as the API shows it (never with its password). */
export interface Source {
  id: string;
  name: string;
  kind: SourceKind;
  datasetId: string;
  datasetCode: string;
  departmentId: string;
  settings: DbSettings | MqttSettings;
  /** A password is stored (its value is never shown). */
  hasPassword: boolean;
  schedule: string | null;
  enabled: boolean;
  state: SourceState;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the last committed version reached. */
export interface SourceState {
  /** Incremental sync: the cursor column's value of the last committed row (source text form). */
  cursor?: string | null;
  /** Sensors: the last journal segment written to the lake. */
  segment?: number;
  /** Sensors: the topic filters the broker's session is subscribed to. */
  topics?: string[];
  lastVersion?: number;
  lastSyncAt?: string;
}

export type RunTrigger = 'schedule' | 'manual' | 'sensor';
export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface SourceRun {
  id: string;
  sourceId: string;
  trigger: RunTrigger;
  /** How a database run read (null: sensors). */
  mode: SyncMode | null;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  versions: number;
  jobIds: string[];
  cursorFrom: string | null;
  cursorTo: string | null;
  progress: RunProgress | null;
  attempts: number;
  error: string | null;
}

/** Live progress of a running sync (the console polls it). */
export interface RunProgress {
  stage: string;
  rows: number;
  rowsPerSecond?: number;
  at: string;
}
