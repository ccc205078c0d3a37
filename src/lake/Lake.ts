import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Db, PageResult } from '../control/index.ts';
import { isUuid } from '../ids.ts';
import { Engine } from './Engine.ts';
import { Layout } from './layout.ts';
import { ManifestStore } from './ManifestStore.ts';
import { OrphanSweeper } from './OrphanSweeper.ts';
import { scanFiles } from './scan.ts';
import { SnapshotWriter } from './SnapshotWriter.ts';
import type { LakeOptions, VersionInfo, WriteInput } from './types.ts';
import { ownerMayBeAlive, WriteIntents } from './WriteIntents.ts';

const DEFAULT_GRACE_MS = 15 * 60 * 1000;

/**
 * The data plane: dataset contents as immutable Parquet snapshots under `<dataDir>/lake/`, one
 * manifest per version in the control plane, scanned by this process's one DuckDB instance.
 */
export class Lake {
  readonly dataDir: string;
  private layout: Layout;
  private manifests: ManifestStore;
  private writer: SnapshotWriter;
  private sweeper: OrphanSweeper;

  private constructor(
    private engine: Engine,
    readonly db: Db,
    dataDir: string,
    graceMs: number,
  ) {
    this.dataDir = dataDir;
    this.layout = new Layout(dataDir);
    this.manifests = new ManifestStore(db);
    const intents = new WriteIntents(db);
    this.writer = new SnapshotWriter(db, engine, this.layout, this.manifests, intents);
    this.sweeper = new OrphanSweeper(db, this.layout, this.manifests, intents, graceMs);
  }

  static async open(opts: LakeOptions): Promise<Lake> {
    const dataDir = path.resolve(opts.dataDir);
    const layout = new Layout(dataDir);
    fs.mkdirSync(layout.root, { recursive: true });
    removeDeadTempDirs(layout.tempRoot);
    const engine = await Engine.create({ threads: opts.threads, memoryLimit: opts.memoryLimit, tempDir: layout.tempDir });
    return new Lake(engine, opts.db, dataDir, opts.orphanGraceMs ?? DEFAULT_GRACE_MS);
  }

  async close(): Promise<void> {
    this.engine.close();
    fs.rmSync(this.layout.tempDir, { recursive: true, force: true });
  }

  /** A pooled DuckDB connection of this process's instance. Leave no temp objects behind on it. */
  withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.engine.withConnection(fn);
  }

  /** Write a new version (append, upsert or replace); see SnapshotWriter for the steps. */
  write(input: WriteInput): Promise<VersionInfo> {
    return this.writer.write(input);
  }

  /** Every version of a dataset, newest first. */
  async versions(datasetId: string): Promise<VersionInfo[]> {
    return isUuid(datasetId) ? this.manifests.versions(datasetId) : [];
  }

  /** One page of a dataset's versions, newest first. */
  async versionsPage(datasetId: string, page: { limit: number; offset: number }): Promise<PageResult<VersionInfo>> {
    return isUuid(datasetId) ? this.manifests.page(datasetId, page) : { items: [], total: 0, ...page };
  }

  /** Version n, or the current version when n is omitted. */
  async version(datasetId: string, n?: number): Promise<VersionInfo | undefined> {
    if (!isUuid(datasetId) || (n !== undefined && !Number.isInteger(n))) return undefined;
    return this.manifests.version(datasetId, n);
  }

  /** DuckDB table expression reading exactly version v. */
  scanSql(v: VersionInfo): string {
    return scanFiles(v.files, v.schema, (rel) => this.layout.abs(rel));
  }

  /** Run SQL on a pooled connection; values come back as plain JS. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.engine.query<T>(sql, params);
  }

  /**
   * Remove files under lake/ that no committed manifest references (left by failed or killed
   * writers): of one dataset (waiting for its write lock), or of all, skipping those being written.
   */
  cleanupOrphans(datasetId?: string): Promise<{ removed: string[]; skipped: string[] }> {
    return this.sweeper.sweep(datasetId);
  }
}

/** Spill directories that DuckDB instances of dead processes on this host left behind. */
function removeDeadTempDirs(root: string): void {
  if (!fs.existsSync(root)) return;
  const prefix = `duckdb-${os.hostname()}-`;
  for (const name of fs.readdirSync(root)) {
    const pid = Number(name.slice(prefix.length));
    if (name.startsWith(prefix) && Number.isInteger(pid) && pid !== process.pid && ownerMayBeAlive({ host: os.hostname(), pid }) === false)
      fs.rmSync(path.join(root, name), { recursive: true, force: true });
  }
}
