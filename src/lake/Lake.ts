import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db, PageResult } from '../control/index.ts';
import { isUuid } from '../kernel/index.ts';
import { Engine } from './Engine.ts';
import { Layout } from './layout.ts';
import { ManifestStore } from './ManifestStore.ts';
import { OrphanSweeper } from './OrphanSweeper.ts';
import { parquetScan, scanFiles } from './scan.ts';
import { StageRunner } from './StageRunner.ts';
import { literal } from './sql.ts';
import { SnapshotWriter } from './SnapshotWriter.ts';
import type { LakeOptions, LakeReader, LakeWriter, VersionInfo, WriteInput } from './types.ts';
import { ownerMayBeAlive, WriteIntents } from './WriteIntents.ts';

const DEFAULT_GRACE_MS = 15 * 60 * 1000;

/**
 * The data plane: dataset contents as immutable Parquet snapshots under `<dataDir>/lake/`, one
 * manifest per version in the control plane, scanned by this process's one DuckDB instance.
 * The platform holds the Lake; services get two narrow faces of it: `writer()` (ctx.lake) and, for
 * the share guard alone, `reader()` (ctx.lakeReader).
 */
export class Lake {
  readonly dataDir: string;
  private layout: Layout;
  private manifests: ManifestStore;
  private writer_: SnapshotWriter;
  private macros = new Map<string, Promise<void>>();
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
    this.writer_ = new SnapshotWriter(db, engine, this.layout, this.manifests, intents);
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

  /** The narrow face services get (ctx.lake): write versions, read manifests, run work on non-dataset files. */
  writer(): LakeWriter {
    return {
      dataDir: this.dataDir,
      write: (input) => this.writer_.write(input),
      version: (datasetId, n) => this.version(datasetId, n),
      versionsPage: (datasetId, page) => this.versionsPage(datasetId, page),
      session: (op, fn) => this.engine.stages(op, fn),
      privateSession: (op, fn) => this.engine.withPrivateConnection((c) => fn(new StageRunner(c, op))),
      ensureMacros: (key, statements) => this.ensureMacros(key, statements),
      workScan: (file) => this.workScan(file),
      regexError: (pattern) => this.regexError(pattern),
      ping: () => this.engine.query('SELECT 1').then(() => true),
    };
  }

  /** The face only the share guard gets (ctx.lakeReader): the table expression of a version, and queries. */
  reader(): LakeReader {
    return {
      scan: (v) => this.scanSql(v),
      query: (sql, params, opts) => this.engine.query(sql, params, opts),
      stream: (sql, params) => this.engine.stream(sql, params),
      copyToParquet: async (sql, file, params) => {
        await this.engine.query(`COPY (${sql}) TO ${literal(file)} (FORMAT parquet, COMPRESSION zstd)`, params);
      },
    };
  }

  /** DuckDB table expression reading exactly version v. */
  scanSql(v: VersionInfo): string {
    return scanFiles(v.files, v.schema, (rel) => this.layout.abs(rel));
  }

  /** Run SQL on a pooled connection; values come back as plain JS. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.engine.query<T>(sql, params);
  }

  /** Write a new version (append, upsert or replace); see SnapshotWriter for the steps. */
  write(input: WriteInput): Promise<VersionInfo> {
    return this.writer_.write(input);
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

  /**
   * Install macros (and their lookup tables) once per instance, in its in-memory catalog, so every
   * connection — the writers' private ones too — sees them. Nothing of it reaches a file.
   */
  ensureMacros(key: string, statements: () => string[]): Promise<void> {
    let p = this.macros.get(key);
    if (!p) {
      p = this.engine.withConnection(async (c) => {
        for (const sql of statements()) await c.run(sql);
      });
      this.macros.set(key, p);
      p.catch(() => this.macros.delete(key));
    }
    return p;
  }

  /** Why DuckDB (RE2) cannot compile `pattern`, or null when it can. */
  async regexError(pattern: string): Promise<string | null> {
    try {
      await this.engine.query(`SELECT regexp_full_match('', ${literal(pattern)})`);
      return null;
    } catch (err) {
      const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error) : (err as Error);
      return cause.message.split('\n')[0]!.slice(0, 300);
    }
  }

  /**
   * Table expression reading a Parquet work file (an upload parsed into the ingest work area, a
   * staged batch). Dataset files are not work files: a path inside the lake is refused.
   */
  workScan(file: string): string {
    const abs = path.resolve(file);
    const inside = (dir: string) => abs.startsWith(dir + path.sep);
    if (inside(this.layout.root) || !inside(this.dataDir)) throw new Error(`lake: ${abs} is not a work file of this data directory`);
    return parquetScan([abs]);
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
