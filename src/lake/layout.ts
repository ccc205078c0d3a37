import os from 'node:os';
import path from 'node:path';

/**
 * Where the lake keeps its files, all under `<dataDir>/lake/`:
 *   lake/<datasetId>/v<version>_<writeId>/data_<n>.parquet   committed (immutable) files
 *   lake/<datasetId>/_staging/<writeId>/                     a write in progress
 * Manifests store paths relative to the data directory.
 */
export const LAKE_DIR = 'lake';
export const STAGING_DIR = '_staging';

export class Layout {
  constructor(readonly dataDir: string) {}

  get root(): string {
    return path.join(this.dataDir, LAKE_DIR);
  }
  datasetDir(datasetId: string): string {
    return path.join(this.root, datasetId);
  }
  stagingDir(datasetId: string, writeId: string): string {
    return path.join(this.root, datasetId, STAGING_DIR, writeId);
  }
  versionDirName(version: number, writeId: string): string {
    return `v${version}_${writeId}`;
  }
  versionDir(datasetId: string, version: number, writeId: string): string {
    return path.join(this.root, datasetId, this.versionDirName(version, writeId));
  }
  /** Absolute path of a manifest path. */
  abs(rel: string): string {
    return path.join(this.dataDir, rel);
  }
  /** Manifest (data-dir relative, forward slashes) path of an absolute path. */
  rel(abs: string): string {
    return path.relative(this.dataDir, abs).split(path.sep).join('/');
  }
  /** Parent of the DuckDB spill directories. */
  get tempRoot(): string {
    return path.join(this.dataDir, 'tmp');
  }
  /** This process's DuckDB spill directory (work larger than the memory limit); one per process, as the data directory may be shared. */
  get tempDir(): string {
    return path.join(this.tempRoot, `duckdb-${os.hostname()}-${process.pid}`);
  }
}

/** The write id a lake directory name carries (`v3_<id>` or a bare staging `<id>`). */
export function writeIdOf(dirName: string): string {
  const m = /^v\d+_(.+)$/.exec(dirName);
  return m ? m[1] : dirName;
}
