import type { Plain } from './toPlain.ts';
import type { PageResult, Queryable } from '../control/index.ts';
import type { StageRunner } from './StageRunner.ts';

export type WriteMode = 'append' | 'upsert' | 'replace';

/** One immutable Parquet file of a dataset version. */
export interface LakeFile {
  /** Relative to the data directory, e.g. `lake/<datasetId>/v3_<writeId>/data_0.parquet`. */
  path: string;
  rows: number;
  bytes: number;
}

export interface ColumnSchema {
  name: string;
  /** DuckDB type, e.g. `VARCHAR`, `BIGINT`, `DECIMAL(12,2)`. */
  type: string;
}

/** The version a write builds on, as its setup sees it. */
export interface ParentVersion {
  version: number;
  rowCount: number;
  schema: ColumnSchema[];
  /** DuckDB table expression reading it. */
  scan: string;
}

/** A committed dataset version: the manifest kept in the control plane. */
export interface VersionInfo {
  datasetId: string;
  version: number;
  parentVersion: number | null;
  mode: WriteMode;
  files: LakeFile[];
  schema: ColumnSchema[];
  rowCount: number;
  /** Rows this version took from its batch (for upsert: distinct keys of the batch). */
  rowsAdded: number;
  jobId: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** The rows a write adds (a version's new rows). */
export type NewRows =
  /** A DuckDB SELECT producing the new rows, run on the writer's connection. */
  | { sql: string }
  /** Small batches (tests, small batches). Types are inferred; columns known to the parent keep the parent's type. */
  | { rows: Record<string, unknown>[] }
  /** Existing Parquet files (absolute paths) to read. */
  | { parquet: string[] };

export interface WriteInput {
  datasetId: string;
  mode: WriteMode;
  /** Key columns for upsert; defaults to the dataset's `primary_key`. */
  primaryKey?: string[];
  /** The new rows. */
  from: NewRows;
  jobId?: string | null;
  actorId?: string | null;
  /**
   * Runs on the writer's DuckDB connection before the new rows' SQL (e.g. the stages that build it as
   * temp tables), under the dataset's write lock. `parent` is the version the new one builds on
   * (null for the first), with the table expression reading it — the writer's own dataset.
   */
  setup?: (run: StageRunner, parent: ParentVersion | null) => Promise<void>;
  /** Runs inside the control-plane transaction that commits the manifest, so both commit together. */
  onCommit?: (tx: Queryable, v: VersionInfo) => Promise<void>;
}

export interface LakeOptions {
  dataDir: string;
  db: import('../control/index.ts').Db;
  /** DuckDB worker threads (default: DuckDB's own, the number of cores). */
  threads?: number;
  /** DuckDB memory limit, e.g. `4GB` (default: DuckDB's own, 80% of RAM). */
  memoryLimit?: string;
  /**
   * Unreferenced files younger than this are left alone by cleanupOrphans unless their writer is
   * known to be dead (default 15 minutes).
   */
  orphanGraceMs?: number;
}

/**
 * What services get of the lake (`ctx.lake`): write versions, read manifests (metadata), run work
 * over files that are not dataset files. Reading dataset contents is not here: that is the share
 * guard's alone (`ctx.lakeReader`, used only by src/share).
 */
export interface LakeWriter {
  readonly dataDir: string;
  write(input: WriteInput): Promise<VersionInfo>;
  /** Manifest of version n, or of the current version. */
  version(datasetId: string, n?: number): Promise<VersionInfo | undefined>;
  versionsPage(datasetId: string, page: { limit: number; offset: number }): Promise<PageResult<VersionInfo>>;
  /** A pooled connection for one piece of work (leave no temp objects behind). */
  session<T>(op: string, fn: (run: StageRunner) => Promise<T>): Promise<T>;
  /** A connection of its own for long work with temp tables (they die with it). */
  privateSession<T>(op: string, fn: (run: StageRunner) => Promise<T>): Promise<T>;
  /** Install instance-wide macros once, under `key`. */
  ensureMacros(key: string, statements: () => string[]): Promise<void>;
  /** Table expression of a Parquet work file under the data directory (never a dataset file). */
  workScan(file: string): string;
  /** Why the engine's regular expressions (RE2) cannot compile `pattern`, or null when they can. */
  regexError(pattern: string): Promise<string | null>;
  /** Is the engine answering? */
  ping(): Promise<boolean>;
}

/** The share guard's access to dataset contents. */
export interface LakeReader {
  /** DuckDB table expression reading exactly version v. */
  scan(v: VersionInfo): string;
  /** Run SQL on a pooled connection; values come back as plain JS. `timeoutMs` interrupts a statement that runs longer. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: { timeoutMs?: number }): Promise<T[]>;
  /** Run a query and yield its rows (plain JS arrays) a chunk at a time, never holding the result whole. */
  stream(sql: string, params?: unknown[]): AsyncGenerator<Plain[][]>;
  /** Write a query's result to a new Parquet file at `file` (a path the caller owns and removes). */
  copyToParquet(sql: string, file: string, params?: unknown[]): Promise<void>;
}
