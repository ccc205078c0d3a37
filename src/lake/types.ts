import type { DuckDBConnection } from '@duckdb/node-api';
import type { Queryable } from '../control/index.ts';

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

export type WriteSource =
  /** A DuckDB SELECT producing the new rows, run on the writer's connection. */
  | { sql: string }
  /** Small batches (push API). Types are inferred; columns known to the parent keep the parent's type. */
  | { rows: Record<string, unknown>[] }
  /** Existing Parquet files (absolute paths) to read. */
  | { parquet: string[] };

export interface WriteInput {
  datasetId: string;
  mode: WriteMode;
  /** Key columns for upsert; defaults to the dataset's `primary_key`. */
  primaryKey?: string[];
  source: WriteSource;
  jobId?: string | null;
  actorId?: string | null;
  /** Runs on the writer's DuckDB connection before the source SQL (create temp tables / macros). */
  setup?: (conn: DuckDBConnection) => Promise<void>;
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
