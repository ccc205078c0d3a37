import fs from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { maskMacroSql } from './masks.ts';
import { toParam, toPlain, type Plain } from './toPlain.ts';
import { LakeStageError } from './LakeStageError.ts';
import { StageRunner } from './StageRunner.ts';
import { literalList } from './sql.ts';

/** Limits of one query. */
export interface QueryOptions {
  /** Interrupt the statement after this many milliseconds. */
  timeoutMs?: number;
}

export interface EngineOptions {
  threads?: number;
  memoryLimit?: string;
  /** Spill directory for work larger than the memory limit. */
  tempDir?: string;
  /** Idle connections kept for reuse (default 8). */
  maxIdle?: number;
  /**
   * Confine the instance: DuckDB may touch files only inside `dirs` and the single `files`
   * (`allowed_directories` / `allowed_paths` with external access off, configuration locked).
   * For untrusted parsing.
   */
  sandbox?: { dirs: string[]; files?: string[] };
}

/**
 * This process's one DuckDB instance (in memory; data lives in Parquet files) and a small pool of
 * its connections. Nothing is downloaded: extension auto-install and auto-load are off, and only the
 * built-in core, json, parquet and icu are used. Masking macros live in the instance's catalog,
 * so every connection sees them.
 */
export class Engine {
  private idle: DuckDBConnection[] = [];
  private closed = false;

  private constructor(
    private instance: DuckDBInstance,
    private maxIdle: number,
  ) {}

  static async create(opts: EngineOptions = {}): Promise<Engine> {
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
    };
    if (opts.threads) config.threads = String(opts.threads);
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    if (opts.tempDir) {
      fs.mkdirSync(opts.tempDir, { recursive: true });
      config.temp_directory = opts.tempDir;
    }
    const instance = await DuckDBInstance.create(':memory:', config);
    const engine = new Engine(instance, opts.maxIdle ?? 8);
    const c = await instance.connect();
    try {
      await c.run(`SET GLOBAL TimeZone = 'UTC'`);
      await c.run(maskMacroSql());
      if (opts.sandbox) {
        const dirs = [...opts.sandbox.dirs, ...(opts.tempDir ? [opts.tempDir] : [])].map((d) => (d.endsWith('/') ? d : `${d}/`));
        await c.run(`SET allowed_directories = ${literalList(dirs)}`);
        if (opts.sandbox.files?.length) await c.run(`SET allowed_paths = ${literalList(opts.sandbox.files)}`);
        await c.run(`SET enable_external_access = false`);
        await c.run(`SET lock_configuration = true`);
      }
    } finally {
      c.disconnectSync();
    }
    return engine;
  }

  /** A connection from the pool; give it back with release(). */
  async acquire(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('lake: engine is closed');
    return this.idle.pop() ?? (await this.instance.connect());
  }

  /** Return a connection; a connection whose user failed is dropped rather than reused. */
  release(c: DuckDBConnection, reusable = true): void {
    if (reusable && !this.closed && this.idle.length < this.maxIdle) this.idle.push(c);
    else c.disconnectSync();
  }

  async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.acquire();
    let ok = false;
    try {
      const out = await fn(c);
      ok = true;
      return out;
    } finally {
      this.release(c, ok);
    }
  }

  /** A pooled connection as a StageRunner for the named operation (its failures name the stage and SQL). */
  stages<T>(op: string, fn: (run: StageRunner) => Promise<T>): Promise<T> {
    return this.withConnection((c) => fn(new StageRunner(c, op)));
  }

  /** A connection of its own, closed afterwards: temp tables and macros made on it die with it. */
  async withPrivateConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('lake: engine is closed');
    const c = await this.instance.connect();
    try {
      return await fn(c);
    } finally {
      c.disconnectSync();
    }
  }

  /**
   * Run one query and yield its rows as plain JS arrays, a chunk (≈2,048 rows) at a time: the
   * result is never held whole. The connection goes back to the pool when the loop ends or breaks.
   */
  async *stream(sql: string, params: unknown[] = []): AsyncGenerator<Plain[][]> {
    const c = await this.acquire();
    let ok = false;
    try {
      let result;
      try {
        result = await c.stream(sql, params.length ? params.map(toParam) : undefined);
      } catch (err) {
        throw new LakeStageError('lake.stream', 'query', err, sql);
      }
      for await (const rows of result.yieldConvertedRows(toPlain)) yield rows as Plain[][];
      ok = true;
    } finally {
      this.release(c, ok);
    }
  }

  /**
   * Run one statement and return its rows as plain JS objects. With `timeoutMs`, a statement still
   * running after that long is interrupted and fails (its connection is dropped, not reused).
   */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<T[]> {
    return this.withConnection(async (c) => {
      const timer = opts.timeoutMs ? setTimeout(() => c.interrupt(), opts.timeoutMs) : undefined;
      try {
        const reader = await c.runAndReadAll(sql, params.length ? params.map(toParam) : undefined);
        return reader.convertRowObjects(toPlain) as T[];
      } catch (err) {
        throw new LakeStageError('lake.query', 'query', err, sql);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.idle.splice(0)) c.disconnectSync();
    this.instance.closeSync();
  }
}
